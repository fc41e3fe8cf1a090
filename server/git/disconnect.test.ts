/**
 * A pusher who hangs up mid-build: the build is told (its signal aborts),
 * the quarantine goes, main stays, and the app's lock is free again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { git as runGit, gitOk, head, makeRepo, removeDir } from '../../test/support/git-fixtures.js';
import { basicAuth, packObjects, receivePackBody } from '../../test/support/git-http.js';
import { GOOD_TOKEN, startGitServer } from '../../test/support/git-server.js';

const APP = 'my-app';

test('hanging up during the build aborts it, cleans up and frees the lock', async (t) => {
  let aborted: () => void = () => undefined;
  const abortSeen = new Promise<void>((resolve) => (aborted = resolve));
  let buildStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (buildStarted = resolve));
  let calls = 0;
  const server = await startGitServer({
    async onPush(push) {
      calls += 1;
      if (calls > 1) return { ok: true };
      buildStarted();
      await new Promise<void>((resolve) => push.signal.addEventListener('abort', () => resolve(), { once: true }));
      aborted();
      return { ok: false, reason: 'cancelled' };
    },
  });
  const repo = await makeRepo({ 'index.js': 'v1\n' });
  t.after(async () => {
    await server.close();
    await removeDir(repo);
  });
  const v1 = await head(repo);
  const body = receivePackBody([{ oldOid: '0'.repeat(40), newOid: v1, ref: 'refs/heads/main' }], ['report-status', 'side-band-64k'], await packObjects(repo, [v1]));

  const req = request({
    host: '127.0.0.1',
    port: server.port,
    method: 'POST',
    path: `/${APP}.git/git-receive-pack`,
    headers: { Authorization: basicAuth(GOOD_TOKEN), 'Content-Type': 'application/x-git-receive-pack-request' },
  });
  req.on('error', () => undefined);
  req.end(body);
  await started;
  req.destroy();
  await abortSeen;

  const gitdir = join(server.reposDir, `${APP}.git`);
  for (let i = 0; i < 100 && (await readdir(join(gitdir, 'paas-quarantine'))).length > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.deepEqual(await readdir(join(gitdir, 'paas-quarantine')), []);
  assert.deepEqual(await readdir(join(gitdir, 'objects', 'pack')), []);
  assert.equal(await gitOk(['rev-parse', '--verify', '-q', 'refs/heads/main'], { cwd: gitdir }).catch(() => undefined), undefined);

  const retry = await runGit(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });
  assert.equal(retry.code, 0, retry.stderr);
  assert.equal(await gitOk(['rev-parse', 'refs/heads/main'], { cwd: gitdir }), v1);
});
