/** Config vars through the API: byte-exact values, validated keys. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, createUser } from './support/api.js';
import { startServer, type ServerProcess } from './support/server-process.js';

describe('config vars API', () => {
  let server: ServerProcess;
  let token: string;

  before(async () => {
    server = await startServer();
    token = await createUser(server.url, server.adminToken, 'carol@example.com');
    await api(server.url, 'POST', '/v1/apps', { token, body: { name: 'conf-app' } });
  });
  after(() => server.stop());

  test('sets several at once and unsets with null', async () => {
    const set = await api(server.url, 'PATCH', '/v1/apps/conf-app/config', { token, body: { A: '1', B: '2', C: '3' } });
    assert.deepEqual(set.body, { A: '1', B: '2', C: '3' });
    const unset = await api(server.url, 'PATCH', '/v1/apps/conf-app/config', { token, body: { B: null, D: '4' } });
    assert.deepEqual(unset.body, { A: '1', C: '3', D: '4' });
    assert.deepEqual((await api(server.url, 'GET', '/v1/apps/conf-app/config', { token })).body, { A: '1', C: '3', D: '4' });
  });

  test('values survive byte-exact', async () => {
    const tricky = `it's "quoted" $(id) \`uname\` a=b=c\nsecond line\t\\ ünïcødé 🚀 ${'x'.repeat(1000)}`;
    await api(server.url, 'PATCH', '/v1/apps/conf-app/config', { token, body: { TRICKY: tricky, EMPTY: '' } });
    const got = await api(server.url, 'GET', '/v1/apps/conf-app/config', { token });
    assert.equal(got.body.TRICKY, tricky);
    assert.equal(got.body.EMPTY, '');
  });

  test('bad keys and values are refused and nothing is changed', async () => {
    const before = (await api(server.url, 'GET', '/v1/apps/conf-app/config', { token })).body;
    for (const body of [{ '1ABC': 'x' }, { 'A-B': 'x' }, { 'A B': 'x' }, { '': 'x' }, { PORT: '80' }, { OK: 'x', 'BAD=': 'y' }, { N: 5 }, {}]) {
      const res = await api(server.url, 'PATCH', '/v1/apps/conf-app/config', { token, body });
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.equal(res.body.code, 'VALIDATION_FAILED');
    }
    assert.equal((await api(server.url, 'PATCH', '/v1/apps/conf-app/config', { token, body: ['A'] })).status, 422);
    assert.deepEqual((await api(server.url, 'GET', '/v1/apps/conf-app/config', { token })).body, before);
  });

  test('config values never appear in the server log', async () => {
    await api(server.url, 'PATCH', '/v1/apps/conf-app/config', { token, body: { SECRET_KEY: 'hunter2-very-secret' } });
    assert.ok(!server.output().includes('hunter2-very-secret'));
  });
});
