import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientAddress, finishRequestHeaders, responseHeaders, scanRequestHeaders } from './headers.js';

test('request scan keeps end-to-end fields in order and notes the body', () => {
  const scanned = scanRequestHeaders([
    'Host', 'web.localhost:8080',
    'Content-Length', '12',
    'CONNECTION', 'Keep-Alive, x-Named',
    'X-Named', 'drop me',
    'Accept', '*/*',
    'X-Forwarded-For', '10.0.0.1',
    'x-forwarded-for', '10.0.0.2',
    'X-Forwarded-Proto', 'https',
    'Proxy-Anything', 'x',
  ]);
  assert.equal(scanned.host, 'web.localhost:8080');
  assert.equal(scanned.hasBody, true);
  assert.equal(scanned.chunked, false);
  assert.deepEqual(scanned.headers, ['Host', 'web.localhost:8080', 'Content-Length', '12', 'Accept', '*/*']);
  assert.deepEqual(finishRequestHeaders(scanned, '192.0.2.1', 'http').slice(6), [
    'X-Forwarded-For', '10.0.0.1, 10.0.0.2, 192.0.2.1',
    'X-Forwarded-Proto', 'http',
    'X-Forwarded-Host', 'web.localhost:8080',
  ]);
});

test('a chunked request is re-chunked on the next hop; an empty one has no body', () => {
  const chunked = scanRequestHeaders(['Host', 'h', 'Transfer-Encoding', 'chunked']);
  assert.equal(chunked.hasBody, true);
  assert.deepEqual(finishRequestHeaders(chunked, '1.2.3.4', 'http').slice(-2), ['Transfer-Encoding', 'chunked']);
  assert.equal(scanRequestHeaders(['Host', 'h', 'Content-Length', '0']).hasBody, false);
  assert.equal(scanRequestHeaders(['Host', 'h']).hasBody, false);
});

test('response fields: hop-by-hop out, duplicates kept, release stamped', () => {
  const out = responseHeaders(
    [
      'Content-Type', 'text/html',
      'Connection', 'close, X-Internal',
      'X-Internal', '1',
      'Transfer-Encoding', 'chunked',
      'Keep-Alive', 'timeout=5',
      'Set-Cookie', 'a=1',
      'Set-Cookie', 'b=2',
      'x-paas-release', 'v0',
      'TE', 'x',
      'Proxy-Authenticate', 'Basic',
    ],
    'v9',
  );
  assert.deepEqual(out, ['Content-Type', 'text/html', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'X-Paas-Release', 'v9']);
});

test('client address drops the IPv4-mapped prefix only', () => {
  assert.equal(clientAddress('::ffff:10.1.2.3'), '10.1.2.3');
  assert.equal(clientAddress('::1'), '::1');
  assert.equal(clientAddress(undefined), 'unknown');
});
