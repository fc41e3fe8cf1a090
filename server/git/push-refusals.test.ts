/**
 * Pushes the endpoint refuses, and what the pusher is told: other branches,
 * tags, a concurrent deploy, an oversized push, a stale old id, bad ref
 * names. In each case nothing in the repository changes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { commitFiles, git as runGit, gitOk, head, makeRepo, remoteLines, removeDir } from '../../test/support/git-fixtures.js';
import { basicAuth, decodeReceivePackResponse, packObjects, rawRequest, receivePackBody } from '../../test/support/git-http.js';
import { GOOD_TOKEN, startGitServer, type TestGitServer } from '../../test/support/git-server.js';

const APP = 'my-app';
const ZERO = '0'.repeat(40);
const CAPS = ['report-status', 'side-band-64k', 'agent=test'];

async function mainOf(server: TestGitServer): Promise<string | undefined> {
  return gitOk(['rev-parse', '--verify', '-q', 'refs/heads/main'], { cwd: join(server.reposDir, `${APP}.git`) }).catch(() => undefined);
}

async function packsOf(server: TestGitServer): Promise<string[]> {
  return (await readdir(join(server.reposDir, `${APP}.git`, 'objects', 'pack'))).sort();
}

function postReceivePack(server: TestGitServer, body: Buffer, headers: Record<string, string> = {}) {
  return rawRequest({
    port: server.port,
    method: 'POST',
    path: `/${APP}.git/git-receive-pack`,
    headers: { Authorization: basicAuth(GOOD_TOKEN), 'Content-Type': 'application/x-git-receive-pack-request', ...headers },
    body,
  });
}

test('other branches and tags are refused with the command that deploys', async (t) => {
  const server = await startGitServer();
  const repo = await makeRepo({ 'index.js': 'v1\n' });
  t.after(async () => {
    await server.close();
    await removeDir(repo);
  });
  await gitOk(['tag', 'v1'], { cwd: repo });

  const result = await runGit(['push', server.url(APP, GOOD_TOKEN), 'main:feature', 'v1'], { cwd: repo });

  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /! \[remote rejected\] main -> feature \(only main deploys: git push paas feature:main\)/);
  assert.match(result.stderr, /! \[remote rejected\] v1 -> v1 \(tags are not deployed; only main deploys: git push paas HEAD:main\)/);
  assert.equal(server.pushes.length, 0, 'no build ran');
  assert.equal(await mainOf(server), undefined);
  assert.deepEqual(await packsOf(server), []);
  const refs = await gitOk(['for-each-ref'], { cwd: join(server.reposDir, `${APP}.git`) });
  assert.equal(refs, '', 'no ref was created');
});

test('main deploys while a branch in the same push is refused', async (t) => {
  const server = await startGitServer();
  const repo = await makeRepo({ 'index.js': 'v1\n' });
  t.after(async () => {
    await server.close();
    await removeDir(repo);
  });
  const result = await runGit(['push', server.url(APP, GOOD_TOKEN), 'main', 'main:staging'], { cwd: repo });

  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /\* \[new branch\]\s+main -> main/);
  assert.match(result.stderr, /! \[remote rejected\] main -> staging \(only main deploys/);
  assert.equal(await mainOf(server), await head(repo));
});

test('a second push while a deploy runs is refused at once; the first still lands', async (t) => {
  let openGate = (): void => undefined;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  const server = await startGitServer({
    async onPush(push) {
      push.progress('-----> Building');
      await gate;
      return { ok: true };
    },
  });
  const first = await makeRepo({ 'index.js': 'first\n' });
  const second = await makeRepo({ 'index.js': 'second\n' });
  t.after(async () => {
    openGate();
    await server.close();
    await removeDir(first);
    await removeDir(second);
  });

  const slow = runGit(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: first });
  for (let i = 0; i < 200 && server.pushes.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  assert.equal(server.pushes.length, 1, 'the first build started');

  const refused = await runGit(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: second });
  assert.notEqual(refused.code, 0);
  assert.ok(remoteLines(refused.stderr).some((line) => line.includes('another deploy of my-app is in progress')), refused.stderr);
  assert.match(refused.stderr, /\[remote rejected\] main -> main \(another deploy of my-app is in progress/);

  openGate();
  const landed = await slow;
  assert.equal(landed.code, 0, landed.stderr);
  assert.equal(await mainOf(server), await head(first));

  // The lock was released: the second developer can push now (forcing, as histories differ).
  const retry = await runGit(['push', '--force', server.url(APP, GOOD_TOKEN), 'main'], { cwd: second });
  assert.equal(retry.code, 0, retry.stderr);
});

test('a push over the size limit is refused with the limit in the message', async (t) => {
  const server = await startGitServer({ maxPushBytes: 1024 * 1024 });
  const repo = await makeRepo({ 'big.bin': randomBytes(3 * 1024 * 1024) });
  t.after(async () => {
    await server.close();
    await removeDir(repo);
  });
  const result = await runGit(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });

  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /\[remote rejected\] main -> main \(push is larger than the 1 MB limit\)/);
  assert.equal(server.pushes.length, 0);
  assert.equal(await mainOf(server), undefined);
  assert.deepEqual(await packsOf(server), []);
  assert.deepEqual(await readdir(join(server.reposDir, `${APP}.git`, 'paas-quarantine')), []);
});

test('a push whose old id is not the current main is refused as stale', async (t) => {
  const server = await startGitServer();
  const repo = await makeRepo({ 'index.js': 'v1\n' });
  t.after(async () => {
    await server.close();
    await removeDir(repo);
  });
  const v1 = await head(repo);
  await gitOk(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });
  const v2 = await commitFiles(repo, { 'index.js': 'v2\n' }, 'second');
  const pack = await packObjects(repo, [v2, `^${v1}`]);

  // As if another push had landed after this client read the refs: it believes main is absent.
  const response = await postReceivePack(server, receivePackBody([{ oldOid: ZERO, newOid: v2, ref: 'refs/heads/main' }], CAPS, pack));

  assert.equal(response.status, 200);
  const { report } = decodeReceivePackResponse(response.body);
  assert.equal(report[0], 'unpack ok');
  assert.match(report[1] ?? '', new RegExp(`^ng refs/heads/main stale info: main is now at ${v1.slice(0, 7)}`));
  assert.equal(await mainOf(server), v1);
  assert.equal(server.pushes.length, 1);
});

test('a gzip-encoded push is decoded; bad ref names are refused', async (t) => {
  const server = await startGitServer();
  const repo = await makeRepo({ 'index.js': 'v1\n' });
  t.after(async () => {
    await server.close();
    await removeDir(repo);
  });
  const v1 = await head(repo);
  const pack = await packObjects(repo, [v1]);
  const body = receivePackBody([
    { oldOid: ZERO, newOid: v1, ref: 'refs/heads/main' },
    { oldOid: ZERO, newOid: v1, ref: 'refs/heads/a..b' },
    { oldOid: ZERO, newOid: v1, ref: 'refs/heads/-x' },
  ], CAPS, pack);

  const response = await postReceivePack(server, gzipSync(body), { 'Content-Encoding': 'gzip' });

  const { progress, report } = decodeReceivePackResponse(response.body);
  assert.deepEqual(report, [
    'unpack ok',
    'ok refs/heads/main',
    'ng refs/heads/a..b invalid ref name: contains ".."',
    'ng refs/heads/-x invalid ref name: has a component starting with "-"',
  ]);
  assert.match(progress, /-----> Building/);
  assert.equal(await mainOf(server), v1);
});

test('a corrupt pack is refused as an unpack error and nothing is built', async (t) => {
  const server = await startGitServer();
  const repo = await makeRepo({ 'index.js': 'v1\n' });
  t.after(async () => {
    await server.close();
    await removeDir(repo);
  });
  const v1 = await head(repo);
  const pack = await packObjects(repo, [v1]);
  pack[pack.length - 30] = pack[pack.length - 30]! ^ 0xff;

  const response = await postReceivePack(server, receivePackBody([{ oldOid: ZERO, newOid: v1, ref: 'refs/heads/main' }], CAPS, pack));

  const { report } = decodeReceivePackResponse(response.body);
  assert.match(report[0] ?? '', /^unpack bad pack: /);
  assert.match(report[1] ?? '', /^ng refs\/heads\/main bad pack: /);
  assert.equal(server.pushes.length, 0);
  assert.equal(await mainOf(server), undefined);
});

test('a small change to a large file arrives as a complete (non-thin) pack', async (t) => {
  const server = await startGitServer();
  const big = randomBytes(512 * 1024).toString('base64');
  const repo = await makeRepo({ 'data.txt': big });
  t.after(async () => {
    await server.close();
    await removeDir(repo);
  });
  await gitOk(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });
  const v2 = await commitFiles(repo, { 'data.txt': `${big}\nmore\n` }, 'append');

  const result = await runGit(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(await mainOf(server), v2);
  await gitOk(['fsck', '--strict', '--no-dangling'], { cwd: join(server.reposDir, `${APP}.git`) });
});
