/**
 * Who gets in, and which URLs are git URLs at all: the Basic challenge,
 * refusals that come before any body byte is read, authorization by route,
 * and hostile paths that must never reach the filesystem.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { git as runGit, makeRepo, removeDir } from '../../test/support/git-fixtures.js';
import { basicAuth, rawRequest } from '../../test/support/git-http.js';
import { GOOD_TOKEN, OTHER_TOKEN, READER_TOKEN, startGitServer } from '../../test/support/git-server.js';

const APP = 'my-app';

test('without credentials git is challenged for them; with a bad token it fails', async (t) => {
  const server = await startGitServer();
  const repo = await makeRepo({ 'index.js': 'v1\n' });
  t.after(async () => {
    await server.close();
    await removeDir(repo);
  });

  const challenge = await rawRequest({ port: server.port, method: 'GET', path: `/${APP}.git/info/refs?service=git-receive-pack` });
  assert.equal(challenge.status, 401);
  assert.equal(challenge.headers['www-authenticate'], 'Basic realm="paas"');

  const anonymous = await runGit(['push', server.url(APP), 'main'], { cwd: repo });
  assert.notEqual(anonymous.code, 0);
  assert.match(anonymous.stderr, /could not read Username/, 'git looked for credentials');

  const bad = await runGit(['push', server.url(APP, 'wrong-token'), 'main'], { cwd: repo });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /remote: Invalid, expired or revoked token/);
  assert.match(bad.stderr, /Authentication failed/);
  assert.equal(server.pushes.length, 0);
});

test('a non-collaborator is refused with the reason; an unknown app is not found', async (t) => {
  const server = await startGitServer();
  const repo = await makeRepo({ 'index.js': 'v1\n' });
  t.after(async () => {
    await server.close();
    await removeDir(repo);
  });
  const outsider = await runGit(['push', server.url(APP, OTHER_TOKEN), 'main'], { cwd: repo });
  assert.notEqual(outsider.code, 0);
  assert.match(outsider.stderr, /remote: bob may not push my-app/);
  assert.match(outsider.stderr, /403/);

  const missing = await runGit(['clone', server.url('no-such-app', GOOD_TOKEN), join(repo, 'clone')]);
  assert.match(missing.stderr, /remote: Couldn't find that app: no-such-app/);
  assert.match(missing.stderr, /not found/);
  assert.deepEqual(await readdir(server.reposDir), [], 'no repository was created for refused requests');
});

test('refusals are answered before any body byte is read', async (t) => {
  const server = await startGitServer();
  t.after(() => server.close());
  const post = (token: string | undefined, path = `/${APP}.git/git-receive-pack`) => rawRequest({
    port: server.port,
    method: 'POST',
    path,
    headers: {
      'Content-Type': 'application/x-git-receive-pack-request',
      'Transfer-Encoding': 'chunked',
      ...(token ? { Authorization: basicAuth(token) } : {}),
    },
    // No body is ever sent: a server waiting for the pack would never answer.
    body: undefined,
    timeoutMs: 5000,
  });

  assert.equal((await post(undefined)).status, 401);
  assert.equal((await post('wrong-token')).status, 401);
  const outsider = await post(OTHER_TOKEN);
  assert.equal(outsider.status, 403);
  assert.match(outsider.body.toString(), /bob may not push my-app/);
  // Authorization follows the route: a reader's push stays a push whatever the query says.
  assert.equal((await post(READER_TOKEN, `/${APP}.git/git-receive-pack?service=git-upload-pack`)).status, 403);
  assert.deepEqual(await readdir(server.reposDir), []);
});

test('a reader may clone but not push', async (t) => {
  const server = await startGitServer();
  const repo = await makeRepo({ 'index.js': 'v1\n' });
  const clone = join(repo, '..', `${repo.split('/').pop()}-clone`);
  t.after(async () => {
    await server.close();
    await removeDir(repo);
    await removeDir(clone);
  });
  await runGit(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });

  const cloned = await runGit(['clone', server.url(APP, READER_TOKEN), clone]);
  assert.equal(cloned.code, 0, cloned.stderr);
  const pushed = await runGit(['push', server.url(APP, READER_TOKEN), 'main'], { cwd: repo });
  assert.notEqual(pushed.code, 0);
  assert.match(pushed.stderr, /remote: carol may not push my-app/);
});

test('services and methods are checked', async (t) => {
  const server = await startGitServer();
  t.after(() => server.close());
  const auth = { Authorization: basicAuth(GOOD_TOKEN) };

  const unknown = await rawRequest({ port: server.port, method: 'GET', path: `/${APP}.git/info/refs?service=git-shell`, headers: auth });
  assert.equal(unknown.status, 400);
  assert.match(unknown.body.toString(), /Unsupported service "git-shell"/);
  const dumb = await rawRequest({ port: server.port, method: 'GET', path: `/${APP}.git/info/refs`, headers: auth });
  assert.equal(dumb.status, 403);
  assert.match(dumb.body.toString(), /smart HTTP protocol only/);
  const wrongType = await rawRequest({ port: server.port, method: 'POST', path: `/${APP}.git/git-upload-pack`, headers: { ...auth, 'Content-Type': 'application/json' }, body: Buffer.from('{}') });
  assert.equal(wrongType.status, 415);
  const get = await rawRequest({ port: server.port, method: 'GET', path: `/${APP}.git/git-upload-pack`, headers: auth });
  assert.equal(get.status, 400);
  const other = await rawRequest({ port: server.port, method: 'GET', path: '/v1/apps', headers: auth });
  assert.equal(other.status, 404);
  assert.equal(other.body.toString(), 'not a git path\n', 'non-git paths fall through to the next handler');
});

test('hostile paths are rejected without touching the filesystem', async (t) => {
  const server = await startGitServer();
  t.after(() => server.close());
  const auth = { Authorization: basicAuth(GOOD_TOKEN) };
  const paths = [
    '/..%2f..%2fetc.git/info/refs?service=git-upload-pack',
    '/..%2F..%2Fetc.git/info/refs?service=git-receive-pack',
    '/-x.git/info/refs?service=git-upload-pack',
    '/%2e%2e.git/info/refs?service=git-upload-pack',
    '/my-app%00.git/info/refs?service=git-upload-pack',
    '/My-App.git/info/refs?service=git-upload-pack',
  ];
  for (const path of paths) {
    const response = await rawRequest({ port: server.port, method: 'GET', path, headers: auth });
    assert.equal(response.status, 400, path);
    assert.match(response.body.toString(), /Invalid app name/, path);
  }
  for (const path of ['/../etc.git/info/refs?service=git-upload-pack', `/${APP}.git/../../etc.git/info/refs`]) {
    const response = await rawRequest({ port: server.port, method: 'GET', path, headers: auth });
    assert.notEqual(response.status, 200, path);
  }
  assert.deepEqual(await readdir(server.reposDir), []);
  await assert.rejects(stat(join(server.reposDir, '..', 'etc.git')));
  await assert.rejects(stat(join(server.reposDir, '..', '..', 'etc.git')));
});
