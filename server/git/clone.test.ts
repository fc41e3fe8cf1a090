/**
 * git clone and git fetch of an app's repository through upload-pack, with
 * the real git binary: empty repositories, full history, fetch after a push.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commitFiles, git as runGit, gitOk, head, makeHistoryRepo, makeRepo, removeDir, tempDir } from '../../test/support/git-fixtures.js';
import { basicAuth, rawRequest } from '../../test/support/git-http.js';
import { encodePktLine, PKT_FLUSH } from './pkt-line.js';
import { GOOD_TOKEN, startGitServer } from '../../test/support/git-server.js';

const APP = 'my-app';

test('cloning before the first push gives an empty repository', async (t) => {
  const server = await startGitServer();
  const dir = await tempDir('clone');
  t.after(async () => {
    await server.close();
    await removeDir(dir);
  });
  const result = await runGit(['clone', server.url(APP, GOOD_TOKEN), join(dir, 'app')]);

  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /warning: You appear to have cloned an empty repository/);
});

test('a clone after pushes has the same history, main checked out', async (t) => {
  const server = await startGitServer();
  const repo = await makeRepo({ 'index.js': 'v1\n', 'lib/util.js': 'export {}\n' });
  const dir = await tempDir('clone');
  t.after(async () => {
    await server.close();
    await removeDir(repo);
    await removeDir(dir);
  });
  await gitOk(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });
  await commitFiles(repo, { 'index.js': 'v2\n', 'bin/run': '#!/bin/sh\n' }, 'second');
  await gitOk(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });

  const clone = join(dir, 'app');
  const result = await runGit(['clone', server.url(APP, GOOD_TOKEN), clone]);

  assert.equal(result.code, 0, result.stderr);
  assert.equal(await head(clone), await head(repo));
  assert.equal(await gitOk(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: clone }), 'main');
  assert.equal(await gitOk(['rev-list', '--count', 'HEAD'], { cwd: clone }), '2');
  assert.equal(await readFile(join(clone, 'index.js'), 'utf8'), 'v2\n');
  assert.equal(await readFile(join(clone, 'lib/util.js'), 'utf8'), 'export {}\n');
  await gitOk(['fsck', '--strict', '--no-dangling'], { cwd: clone });
});

test('a history with deltas clones intact (stored deltas are reused)', async (t) => {
  const server = await startGitServer();
  const repo = await makeHistoryRepo();
  const dir = await tempDir('clone');
  t.after(async () => {
    await server.close();
    await removeDir(repo);
    await removeDir(dir);
  });
  await gitOk(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });
  const clone = join(dir, 'app');
  // Keep the received pack as a pack (git explodes small ones into loose objects).
  await gitOk(['-c', 'transfer.unpackLimit=1', 'clone', '--bare', server.url(APP, GOOD_TOKEN), clone]);

  assert.equal(await head(clone, 'main'), await head(repo));
  await gitOk(['fsck', '--strict', '--no-dangling'], { cwd: clone });
  const objects = (dirOf: string) => gitOk(['rev-list', '--objects', '--all'], { cwd: dirOf }).then((out) => out.split('\n').sort());
  assert.deepEqual(await objects(clone), await objects(repo));
  const packs = (await gitOk(['count-objects', '-v'], { cwd: clone })).match(/^packs: (\d+)$/m)?.[1];
  assert.equal(packs, '1');
  const idx = (await readdir(join(clone, 'objects', 'pack'))).find((name) => name.endsWith('.idx'))!;
  const stats = await gitOk(['verify-pack', '-v', join(clone, 'objects', 'pack', idx)]);
  assert.match(stats, /chain length = \d+: \d+ objects?/, 'deltas were sent as stored, not expanded');
});

test('fetch in an existing clone picks up a later push', async (t) => {
  const server = await startGitServer();
  const repo = await makeRepo({ 'index.js': 'v1\n' });
  const dir = await tempDir('clone');
  t.after(async () => {
    await server.close();
    await removeDir(repo);
    await removeDir(dir);
  });
  for (let i = 2; i <= 20; i++) await commitFiles(repo, { 'index.js': `v${i}\n` }, `commit ${i}`);
  await gitOk(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });
  const clone = join(dir, 'app');
  await gitOk(['clone', server.url(APP, GOOD_TOKEN), clone]);

  const latest = await commitFiles(repo, { 'index.js': 'v21\n' }, 'commit 21');
  await gitOk(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });
  const fetched = await runGit(['fetch', 'origin'], { cwd: clone });

  assert.equal(fetched.code, 0, fetched.stderr);
  assert.equal(await head(clone, 'origin/main'), latest);
  await gitOk(['fsck', '--strict', '--no-dangling'], { cwd: clone });
});

test('a want that is not an advertised ref is refused', async (t) => {
  const server = await startGitServer();
  t.after(() => server.close());
  const body = Buffer.concat([encodePktLine(`want ${'1'.repeat(40)} side-band-64k\n`), PKT_FLUSH, encodePktLine('done\n')]);

  const response = await rawRequest({
    port: server.port,
    method: 'POST',
    path: `/${APP}.git/git-upload-pack`,
    headers: { Authorization: basicAuth(GOOD_TOKEN), 'Content-Type': 'application/x-git-upload-pack-request' },
    body,
  });

  assert.equal(response.status, 200);
  assert.match(response.body.toString(), /ERR upload-pack: not our ref 1{40}/);
});
