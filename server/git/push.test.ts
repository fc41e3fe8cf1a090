/**
 * git push against the endpoint with the real git binary: what a developer
 * sees (remote: lines, exit code, the rejected reason) and what the server
 * keeps (main moved or not, objects promoted or not, no quarantine left).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as fs from 'node:fs';
import git from 'isomorphic-git';
import { commitFiles, git as runGit, gitOk, head, makeRepo, remoteLines, removeDir } from '../../test/support/git-fixtures.js';
import { GOOD_TOKEN, startGitServer } from '../../test/support/git-server.js';

const APP = 'my-app';

async function repoState(reposDir: string): Promise<{ main?: string; packs: string[]; quarantines: string[] }> {
  const gitdir = join(reposDir, `${APP}.git`);
  const main = await gitOk(['rev-parse', '--verify', '-q', 'refs/heads/main'], { cwd: gitdir }).catch(() => undefined);
  const packs = (await readdir(join(gitdir, 'objects', 'pack'))).sort();
  const quarantines = await readdir(join(gitdir, 'paas-quarantine')).catch(() => []);
  return { main, packs, quarantines };
}

test('a push to main runs the build, streams its output and moves main', async (t) => {
  const server = await startGitServer();
  const repo = await makeRepo({ 'package.json': '{"name":"app"}\n', 'index.js': 'console.log("hi")\n' });
  t.after(async () => {
    await server.close();
    await removeDir(repo);
  });
  const commit = await head(repo);

  const result = await runGit(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });

  assert.equal(result.code, 0, result.stderr);
  const lines = remoteLines(result.stderr);
  assert.ok(lines.includes('-----> Building'), result.stderr);
  assert.ok(lines.includes('Released v1'), result.stderr);
  assert.match(result.stderr, /\* \[new branch\]\s+main -> main/);
  const state = await repoState(server.reposDir);
  assert.equal(state.main, commit);
  assert.deepEqual(state.quarantines, []);
  // The real git can read everything back from the repository we wrote.
  await gitOk(['fsck', '--strict', '--no-dangling'], { cwd: join(server.reposDir, `${APP}.git`) });

  const [push] = server.pushes;
  assert.equal(push?.newOid, commit);
  assert.equal(push?.oldOid, undefined);
  assert.equal(push?.pushedRef, 'refs/heads/main');
});

test('the build reads the pushed tree from the quarantine with isomorphic-git', async (t) => {
  const seen: string[] = [];
  const server = await startGitServer({
    async onPush(push) {
      const cache = {};
      const { commit } = await git.readCommit({ fs, gitdir: push.gitdir, oid: push.newOid, cache });
      const { tree } = await git.readTree({ fs, gitdir: push.gitdir, oid: commit.tree, cache });
      for (const entry of tree) {
        const { blob } = await git.readBlob({ fs, gitdir: push.gitdir, oid: entry.oid, cache });
        seen.push(`${entry.path}=${Buffer.from(blob).toString()}`);
      }
      return { ok: true };
    },
  });
  const repo = await makeRepo({ 'a.txt': 'one\n', 'b.txt': 'unchanged\n' });
  t.after(async () => {
    await server.close();
    await removeDir(repo);
  });
  await gitOk(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });
  // The second push brings only a.txt; b.txt must come from the repository's packs.
  await commitFiles(repo, { 'a.txt': 'two\n' }, 'change a');
  await gitOk(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });

  assert.deepEqual(seen, ['a.txt=one\n', 'b.txt=unchanged\n', 'a.txt=two\n', 'b.txt=unchanged\n']);
});

test('a failed build rejects the push and leaves the repository as it was', async (t) => {
  let fail = false;
  const server = await startGitServer({
    async onPush(push) {
      push.progress('-----> Installing dependencies');
      if (!fail) return { ok: true };
      return { ok: false, reason: 'build failed: npm install exited with 1', logTail: ['npm ERR! missing script: build'] };
    },
  });
  const repo = await makeRepo({ 'index.js': 'v1\n' });
  t.after(async () => {
    await server.close();
    await removeDir(repo);
  });
  const first = await head(repo);
  await gitOk(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });
  const before = await repoState(server.reposDir);

  fail = true;
  await commitFiles(repo, { 'index.js': 'v2\n' }, 'broken');
  const result = await runGit(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });

  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /! \[remote rejected\] main -> main \(build failed: npm install exited with 1\)/);
  const lines = remoteLines(result.stderr);
  assert.ok(lines.includes('-----> Installing dependencies'), result.stderr);
  assert.ok(lines.includes('npm ERR! missing script: build'), result.stderr);
  const after = await repoState(server.reposDir);
  assert.equal(after.main, first);
  assert.deepEqual(after.packs, before.packs, 'no new pack in the repository');
  assert.deepEqual(after.quarantines, []);
});

test('a build that throws rejects the push and cleans up', async (t) => {
  const server = await startGitServer({
    async onPush() {
      throw new Error('docker went away');
    },
  });
  const repo = await makeRepo({ 'index.js': 'v1\n' });
  t.after(async () => {
    await server.close();
    await removeDir(repo);
  });
  const result = await runGit(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });

  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /\[remote rejected\] main -> main \(internal error during the build/);
  assert.doesNotMatch(result.stderr, /docker went away/, 'internal details stay in the log');
  assert.ok(server.logs.some((line) => line.includes('docker went away')));
  const state = await repoState(server.reposDir);
  assert.equal(state.main, undefined);
  assert.deepEqual(state.packs, []);
  assert.deepEqual(state.quarantines, []);
});

test('force pushes are accepted; master deploys as an alias of main', async (t) => {
  const server = await startGitServer();
  const repo = await makeRepo({ 'index.js': 'v1\n' });
  t.after(async () => {
    await server.close();
    await removeDir(repo);
  });
  await commitFiles(repo, { 'index.js': 'v2\n' }, 'second');
  await gitOk(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });
  await gitOk(['reset', '-q', '--hard', 'HEAD~1'], { cwd: repo });
  await commitFiles(repo, { 'index.js': 'v3\n' }, 'rewritten');

  const plain = await runGit(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });
  assert.notEqual(plain.code, 0, 'git itself refuses a non-fast-forward without --force');
  const forced = await runGit(['push', '--force', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stderr, /\+ \w+\.\.\.\w+ main -> main \(forced update\)/);
  assert.equal((await repoState(server.reposDir)).main, await head(repo));

  const v4 = await commitFiles(repo, { 'index.js': 'v4\n' }, 'on master');
  const master = await runGit(['push', server.url(APP, GOOD_TOKEN), 'main:master'], { cwd: repo });
  assert.equal(master.code, 0, master.stderr);
  assert.equal((await repoState(server.reposDir)).main, v4);
  assert.equal(server.pushes.at(-1)?.pushedRef, 'refs/heads/master');
});

test('pushing a commit the repository already has moves main without a new pack', async (t) => {
  const server = await startGitServer();
  const repo = await makeRepo({ 'index.js': 'v1\n' });
  t.after(async () => {
    await server.close();
    await removeDir(repo);
  });
  const v1 = await head(repo);
  await commitFiles(repo, { 'index.js': 'v2\n' }, 'second');
  await gitOk(['push', server.url(APP, GOOD_TOKEN), 'main'], { cwd: repo });
  const before = await repoState(server.reposDir);

  const result = await runGit(['push', '--force', server.url(APP, GOOD_TOKEN), `${v1}:refs/heads/main`], { cwd: repo });

  assert.equal(result.code, 0, result.stderr);
  const after = await repoState(server.reposDir);
  assert.equal(after.main, v1);
  assert.deepEqual(after.packs, before.packs);
});
