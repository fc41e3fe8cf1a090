import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { PaasError } from '../server/errors.js';
import { readSourceTree } from './source-tree.js';
import { fixtureRepo } from '../test/support/app-fixtures.js';
import { gitOk } from '../test/support/git-fixtures.js';

test('the pushed tree lists files with git modes, symlinks as links, submodules skipped', async (t) => {
  const repo = await fixtureRepo('dockerfile-app', { symlinks: { 'etc-link': '/etc/passwd', 'nested/up': '../../..' } });
  t.after(() => repo.remove());
  // A submodule entry (gitlink) points at a commit of another repository.
  // (committed by hand: `git add -A` would drop it, as vendor/lib is not checked out)
  await gitOk(['update-index', '--add', '--cacheinfo', `160000,${repo.commit},vendor/lib`], { cwd: repo.work });
  await gitOk(['commit', '-q', '-m', 'add a submodule'], { cwd: repo.work });
  await gitOk(['push', '-q', repo.gitdir, 'HEAD:refs/heads/main'], { cwd: repo.work });
  const commit = await gitOk(['rev-parse', 'HEAD'], { cwd: repo.work });

  const tree = await readSourceTree({ fs, gitdir: repo.gitdir, commit });
  assert.deepEqual(tree.files.map((f) => `${f.mode} ${f.path}`), [
    'file Dockerfile',
    'executable bin/run.sh',
    'symlink etc-link',
    'symlink nested/up',
    'file server.js',
  ]);
  assert.deepEqual(tree.skippedSubmodules, ['vendor/lib']);
  assert.equal(new TextDecoder().decode(await tree.read(tree.get('etc-link')!)), '/etc/passwd');
  assert.equal(new TextDecoder().decode(await tree.read(tree.get('nested/up')!)), '../../..');
  assert.match((await tree.readText('Dockerfile')) ?? '', /^# A user's own Dockerfile/);
  assert.equal(await tree.readText('etc-link'), undefined, 'a symlink is never read as a file');
  assert.equal(await tree.readText('missing'), undefined);
  assert.ok(tree.hasDir('bin'));
  assert.ok(tree.hasDir('nested/'));
  assert.ok(!tree.hasDir('server.js'));
});

test('an unknown commit fails with BUILD_FAILED', async (t) => {
  const repo = await fixtureRepo('node-app');
  t.after(() => repo.remove());
  await assert.rejects(readSourceTree({ fs, gitdir: repo.gitdir, commit: '0123456789abcdef0123456789abcdef01234567' }), (err: unknown) => {
    assert.ok(err instanceof PaasError);
    assert.equal(err.code, 'BUILD_FAILED');
    assert.match(err.message, /Could not read commit 0123456789abcdef/);
    return true;
  });
});

test('a tree with more files than allowed is refused with a hint', async (t) => {
  const repo = await fixtureRepo('node-app');
  t.after(() => repo.remove());
  await assert.rejects(readSourceTree({ fs, gitdir: repo.gitdir, commit: repo.commit, maxFiles: 2 }), (err: unknown) => {
    assert.ok(err instanceof PaasError);
    assert.match(err.message, /more than 2 files/);
    assert.match(err.hint ?? '', /node_modules/);
    return true;
  });
});
