import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPaasError } from '../server/errors.js';
import { parseRouterConfig } from './config.js';

const base = { PAAS_SERVER_URL: 'http://127.0.0.1:5000', PAAS_ROUTER_TOKEN: 'tok-secret-123' };

test('defaults', () => {
  assert.deepEqual(parseRouterConfig(base), {
    serverUrl: 'http://127.0.0.1:5000',
    token: 'tok-secret-123',
    port: 8080,
    host: '127.0.0.1',
    domain: 'localhost',
    drainSeconds: 10,
  });
});

test('settings and unrelated variables', () => {
  const config = parseRouterConfig({ ...base, PAAS_ROUTER_PORT: '9090', PAAS_DOMAIN: 'apps.example.com', PAAS_DATA_DIR: '/x', HOME: '/root' });
  assert.equal(config.port, 9090);
  assert.equal(config.domain, 'apps.example.com');
});

test('unknown PAAS_ROUTER_* and bad values fail, naming each, never the token', () => {
  assert.throws(
    () => parseRouterConfig({ ...base, PAAS_ROUTER_PROT: '1', PAAS_ROUTER_PORT: 'eighty', PAAS_SERVER_URL: undefined }),
    (err: unknown) => {
      assert.ok(isPaasError(err));
      assert.match(err.message, /unknown variable PAAS_ROUTER_PROT \(did you mean PAAS_ROUTER_PORT\?\)/);
      assert.match(err.message, /PAAS_ROUTER_PORT: /);
      assert.match(err.message, /PAAS_SERVER_URL is not set/);
      assert.doesNotMatch(`${err.message}${err.hint}`, /tok-secret-123/);
      return true;
    },
  );
});
