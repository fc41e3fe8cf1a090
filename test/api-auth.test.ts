/** Tokens and users: who gets in, and what they can never see again. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { api, createUser } from './support/api.js';
import { SERVER_BIN, startServer, type ServerProcess } from './support/server-process.js';

describe('authentication and tokens', () => {
  let server: ServerProcess;
  let dave: string;

  before(async () => {
    server = await startServer();
    dave = await createUser(server.url, server.adminToken, 'dave@example.com');
  });
  after(() => server.stop());

  test('the first start prints one admin token that works', async () => {
    assert.match(server.adminToken, /^paas_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const me = await api(server.url, 'GET', '/v1/whoami', { token: server.adminToken });
    assert.deepEqual([me.body.email, me.body.admin], ['admin@paas.local', true]);
  });

  test('no token, a malformed token and a wrong secret get 401 in the error shape', async () => {
    const none = await api(server.url, 'GET', '/v1/apps');
    assert.equal(none.status, 401);
    assert.equal(none.body.code, 'UNAUTHORIZED');
    assert.match(none.body.hint, /paas login/);
    assert.equal((await api(server.url, 'GET', '/v1/apps', { token: 'nonsense' })).status, 401);
    const wrongSecret = dave.slice(0, -4) + (dave.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    assert.equal((await api(server.url, 'GET', '/v1/apps', { token: wrongSecret })).status, 401);
    assert.equal((await api(server.url, 'GET', '/v1/apps', { headers: { authorization: `Basic ${Buffer.from(`x:${dave}`).toString('base64')}` } })).status, 401);
  });

  test('tokens in the query string are refused', async () => {
    const res = await api(server.url, 'GET', `/v1/apps?access_token=${dave}`);
    assert.equal(res.status, 400);
    assert.match(res.body.hint, /Authorization header/);
  });

  test('a token is shown once, listed without its secret, and dies when revoked', async () => {
    const created = await api(server.url, 'POST', '/v1/tokens', { token: dave, body: { description: 'ci' } });
    assert.equal(created.status, 201);
    const secret = created.body.token as string;
    assert.equal((await api(server.url, 'GET', '/v1/whoami', { token: secret })).body.email, 'dave@example.com');

    const list = await api(server.url, 'GET', '/v1/tokens', { token: dave });
    assert.ok(list.body.some((t: any) => t.id === created.body.id && t.description === 'ci'));
    const listed = JSON.stringify(list.body);
    assert.ok(!listed.includes(secret.split('_')[2]!));
    assert.ok(list.body.every((t: any) => !('token' in t) && !('secretHash' in t)));

    assert.equal((await api(server.url, 'DELETE', `/v1/tokens/${created.body.id}`, { token: dave })).status, 200);
    assert.equal((await api(server.url, 'GET', '/v1/whoami', { token: secret })).status, 401);
  });

  test('an expired token is refused', async () => {
    const created = await api(server.url, 'POST', '/v1/tokens', { token: dave, body: { expiresIn: 1 } });
    assert.equal((await api(server.url, 'GET', '/v1/whoami', { token: created.body.token })).status, 200);
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await api(server.url, 'GET', '/v1/whoami', { token: created.body.token })).status, 401);
  });

  test("users cannot revoke each other's tokens", async () => {
    const other = await createUser(server.url, server.adminToken, 'erin@example.com');
    const theirs = (await api(server.url, 'GET', '/v1/tokens', { token: other })).body[0].id;
    assert.equal((await api(server.url, 'DELETE', `/v1/tokens/${theirs}`, { token: dave })).status, 404);
    assert.equal((await api(server.url, 'GET', '/v1/whoami', { token: other })).status, 200);
  });

  test('only admins manage users; removing a user kills their tokens', async () => {
    const forbidden = await api(server.url, 'POST', '/v1/users', { token: dave, body: { email: 'x@example.com' } });
    assert.equal(forbidden.status, 403);
    assert.equal((await api(server.url, 'GET', '/v1/users', { token: dave })).status, 403);
    const frank = await createUser(server.url, server.adminToken, 'frank@example.com');
    const dup = await api(server.url, 'POST', '/v1/users', { token: server.adminToken, body: { email: 'frank@example.com' } });
    assert.equal(dup.status, 409);
    assert.equal((await api(server.url, 'DELETE', '/v1/users/frank@example.com', { token: server.adminToken })).status, 200);
    assert.equal((await api(server.url, 'GET', '/v1/whoami', { token: frank })).status, 401);
    const bad = await api(server.url, 'POST', '/v1/users', { token: server.adminToken, body: { email: 'not an email' } });
    assert.equal(bad.status, 422);
  });

  test('tokens never reach the server log', () => {
    assert.ok(!server.output().includes(dave));
    assert.ok(!server.output().includes(dave.split('_')[2]!));
  });

  test('paas-server tokens:create --admin recovers access from the shell', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [SERVER_BIN, 'tokens:create', '--admin', '--data-dir', server.dataDir]);
    const token = /^(paas_\S+)$/m.exec(stdout)?.[1];
    assert.ok(token, stdout);
    const me = await api(server.url, 'GET', '/v1/whoami', { token });
    assert.deepEqual([me.body.email, me.body.admin], ['admin@paas.local', true]);
  });

  test('tokens:create refuses a data directory without paas data instead of making a new platform', async () => {
    const empty = join(server.dataDir, 'not-here');
    const failed = await promisify(execFile)(process.execPath, [SERVER_BIN, 'tokens:create', '--admin', '--data-dir', empty]).then(() => undefined, (err: { code: number; stderr: string }) => err);
    assert.ok(failed, 'exits non-zero');
    assert.match(failed.stderr, /No paas data in .*not-here/);
    assert.match(failed.stderr, /--data-dir/);
    assert.equal(existsSync(join(empty, 'paas.db')), false);
  });
});
