import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PaasError } from './errors.js';
import { parseServerConfig } from './config.js';

test('defaults need no configuration at all', () => {
  const config = parseServerConfig({}, []);
  assert.equal(config.port, 5000);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.dataDir, './.paas');
});

test('flags win over the environment', () => {
  const config = parseServerConfig({ PAAS_PORT: '6000', PAAS_DATA_DIR: '/srv/paas' }, ['--port', '7000']);
  assert.equal(config.port, 7000);
  assert.equal(config.dataDir, '/srv/paas');
  assert.equal(parseServerConfig({}, ['--port=7001']).port, 7001);
});

test('a misspelt variable or flag fails the start with a suggestion', () => {
  assert.throws(() => parseServerConfig({ PAAS_DATADIR: '/x' }, []), (err: PaasError) => /PAAS_DATADIR \(did you mean PAAS_DATA_DIR\?\)/.test(err.message));
  assert.throws(() => parseServerConfig({}, ['--prot', '1']), (err: PaasError) => /--prot \(did you mean --port\?\)/.test(err.message));
  assert.throws(() => parseServerConfig({ PAAS_PORT: 'eighty' }, []), (err: PaasError) => /PAAS_PORT/.test(err.message));
});

test('variables of the other paas programs are not errors', () => {
  assert.doesNotThrow(() => parseServerConfig({ PAAS_TOKEN: 't', PAAS_API_URL: 'http://x' }, []));
});

test('the kubernetes runtime needs a registry pods can pull from, and a valid namespace prefix', () => {
  assert.throws(() => parseServerConfig({ PAAS_RUNTIME: 'kubernetes' }, []), (err: PaasError) => /PAAS_REGISTRY .*required with the kubernetes runtime/.test(err.message));
  assert.throws(() => parseServerConfig({ PAAS_RUNTIME: 'kubernetes', PAAS_REGISTRY: 'r:5000', PAAS_KUBE_NAMESPACE_PREFIX: 'Apps_' }, []), (err: PaasError) => /PAAS_KUBE_NAMESPACE_PREFIX/.test(err.message));
  const config = parseServerConfig({ PAAS_RUNTIME: 'kubernetes', PAAS_REGISTRY: '127.0.0.1:5000', PAAS_REGISTRY_PULL: 'registry.paas.svc:5000' }, []);
  assert.equal(config.kubeNamespacePrefix, 'paas-');
  assert.equal(config.registryPull, 'registry.paas.svc:5000');
});
