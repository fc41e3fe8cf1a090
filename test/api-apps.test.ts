/**
 * The control plane API as a user meets it: the real paas-server process on
 * 127.0.0.1, driven over HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, createUser } from './support/api.js';
import { startServer, type ServerProcess } from './support/server-process.js';

describe('apps API', () => {
  let server: ServerProcess;
  let alice: string;
  let bob: string;

  before(async () => {
    server = await startServer();
    alice = await createUser(server.url, server.adminToken, 'alice@example.com');
    bob = await createUser(server.url, server.adminToken, 'bob@example.com');
  });
  after(() => server.stop());

  test('health probes answer without a token', async () => {
    assert.equal((await api(server.url, 'GET', '/healthz')).status, 200);
    assert.deepEqual((await api(server.url, 'GET', '/readyz')).body, { status: 'ok' });
  });

  test('create, info, list and destroy an app', async () => {
    const created = await api(server.url, 'POST', '/v1/apps', { token: alice, body: { name: 'shop' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.name, 'shop');
    assert.equal(created.body.owner, 'alice@example.com');
    assert.equal(created.body.gitUrl, `${server.url}/shop.git`);
    assert.equal(created.body.webUrl, `http://shop.localhost:${new URL(server.routerUrl).port}`, 'the URL names the router the server runs');

    assert.equal((await api(server.url, 'GET', '/v1/apps/shop', { token: alice })).body.name, 'shop');
    assert.deepEqual((await api(server.url, 'GET', '/v1/apps', { token: alice })).body.map((a: any) => a.name), ['shop']);

    const again = await api(server.url, 'POST', '/v1/apps', { token: bob, body: { name: 'shop' } });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'APP_EXISTS');

    assert.equal((await api(server.url, 'DELETE', '/v1/apps/shop', { token: alice })).status, 200);
    assert.equal((await api(server.url, 'GET', '/v1/apps/shop', { token: alice })).status, 404);
  });

  test('an app without a name gets a readable generated one', async () => {
    const created = await api(server.url, 'POST', '/v1/apps', { token: alice, body: {} });
    assert.equal(created.status, 201);
    assert.match(created.body.name, /^[a-z]+-[a-z]+-\d{4}$/);
  });

  test('other users neither see nor touch an app; 404 does not leak its name', async () => {
    await api(server.url, 'POST', '/v1/apps', { token: alice, body: { name: 'private-app' } });
    const list = await api(server.url, 'GET', '/v1/apps', { token: bob });
    assert.ok(!list.body.some((a: any) => a.name === 'private-app'));
    for (const [method, path] of [['GET', '/v1/apps/private-app'], ['DELETE', '/v1/apps/private-app'], ['GET', '/v1/apps/private-app/config']] as const) {
      const res = await api(server.url, method, path, { token: bob });
      const missing = await api(server.url, method, path.replace('private-app', 'no-such-app'), { token: bob });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.deepEqual(res.body, { ...missing.body, message: missing.body.message.replace('no-such-app', 'private-app') });
    }
    const patch = await api(server.url, 'PATCH', '/v1/apps/private-app/config', { token: bob, body: { A: '1' } });
    assert.equal(patch.status, 404);
    assert.deepEqual((await api(server.url, 'GET', '/v1/apps/private-app/config', { token: alice })).body, {});
  });

  test('admins see every app', async () => {
    const list = await api(server.url, 'GET', '/v1/apps', { token: server.adminToken });
    assert.ok(list.body.some((a: any) => a.name === 'private-app'));
  });

  test('collaborators use the app; only the owner destroys it or manages access', async () => {
    await api(server.url, 'POST', '/v1/apps', { token: alice, body: { name: 'team-app' } });
    const added = await api(server.url, 'POST', '/v1/apps/team-app/collaborators', { token: alice, body: { email: 'bob@example.com' } });
    assert.equal(added.status, 201);
    assert.equal(added.body.role, 'collaborator');

    const people = await api(server.url, 'GET', '/v1/apps/team-app/collaborators', { token: bob });
    assert.deepEqual(people.body.map((c: any) => [c.email, c.role]), [['alice@example.com', 'owner'], ['bob@example.com', 'collaborator']]);
    assert.equal((await api(server.url, 'PATCH', '/v1/apps/team-app/config', { token: bob, body: { B: '2' } })).status, 200);

    const destroy = await api(server.url, 'DELETE', '/v1/apps/team-app', { token: bob });
    assert.equal(destroy.status, 403);
    assert.equal(destroy.body.code, 'FORBIDDEN');
    assert.equal((await api(server.url, 'POST', '/v1/apps/team-app/collaborators', { token: bob, body: { email: 'admin@paas.local' } })).status, 403);

    assert.equal((await api(server.url, 'DELETE', '/v1/apps/team-app/collaborators/bob@example.com', { token: alice })).status, 200);
    assert.equal((await api(server.url, 'GET', '/v1/apps/team-app', { token: bob })).status, 404);

    const unknown = await api(server.url, 'POST', '/v1/apps/team-app/collaborators', { token: alice, body: { email: 'nobody@example.com' } });
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.hint, /users:create/);
  });

  test('bad app names are refused with what was wrong and how to fix it', async () => {
    const bad = ['../etc', '..%2f..', 'a', 'A-Upper', 'x'.repeat(31), 'app;rm -rf', '$(id)', 'kube-system', 'paas', 'default', 'trailing-', '-lead', '9lives', 'sp ace', 'app.git'];
    for (const name of bad) {
      const res = await api(server.url, 'POST', '/v1/apps', { token: alice, body: { name } });
      assert.equal(res.status, 422, name);
      assert.equal(res.body.code, 'VALIDATION_FAILED', name);
      assert.ok(res.body.hint, name);
    }
    assert.equal((await api(server.url, 'GET', '/v1/apps/..%2f..%2fetc', { token: alice })).status, 404);
  });

  test('unknown fields, malformed JSON and oversized bodies are refused', async () => {
    const unknown = await api(server.url, 'POST', '/v1/apps', { token: alice, body: { name: 'fine-name', region: 'eu' } });
    assert.equal(unknown.status, 422);
    assert.match(unknown.body.message, /unknown field region/);

    const malformed = await api(server.url, 'POST', '/v1/apps', { token: alice, rawBody: '{"name":' });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.code, 'BAD_REQUEST');

    const huge = await api(server.url, 'POST', '/v1/apps', { token: alice, rawBody: JSON.stringify({ name: 'x'.repeat(400 * 1024) }) });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.code, 'PAYLOAD_TOO_LARGE');
    assert.equal((await api(server.url, 'GET', '/v1/apps/fine-name', { token: alice })).status, 404);
  });

  test('unknown routes answer the error shape', async () => {
    const res = await api(server.url, 'GET', '/v1/nope', { token: alice });
    assert.equal(res.status, 404);
    assert.equal(res.body.code, 'NOT_FOUND');
  });
});
