import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PaasError } from '../server/errors.js';
import { readSourceTree } from './source-tree.js';
import { commitChange, fixtureRepo } from '../test/support/app-fixtures.js';
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

  const tree = await readSourceTree({ gitdir: repo.gitdir, commit });
  t.after(() => tree.close());
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
  await assert.rejects(readSourceTree({ gitdir: repo.gitdir, commit: '0123456789abcdef0123456789abcdef01234567' }), (err: unknown) => {
    assert.ok(err instanceof PaasError);
    assert.equal(err.code, 'BUILD_FAILED');
    assert.match(err.message, /Could not read commit 0123456789abcdef/);
    return true;
  });
});

test('a tree with more files than allowed is refused with a hint', async (t) => {
  const repo = await fixtureRepo('node-app');
  t.after(() => repo.remove());
  await assert.rejects(readSourceTree({ gitdir: repo.gitdir, commit: repo.commit, maxFiles: 2 }), (err: unknown) => {
    assert.ok(err instanceof PaasError);
    assert.match(err.message, /more than 2 files/);
    assert.match(err.hint ?? '', /node_modules/);
    return true;
  });
});

test('loose, packed and deltified objects read alike; a tag or a tree id works as the commit', async (t) => {
  const lines = Array.from({ length: 4000 }, (_, i) => `line ${i} of a file that changes in one place\n`);
  const repo = await fixtureRepo('node-app', { files: { 'data/big.txt': lines.join('') } });
  t.after(() => repo.remove());
  lines[2000] = 'the changed line\n';
  const commit = await commitChange(repo, { 'data/big.txt': lines.join('') }, 'change one line');
  await gitOk(['tag', '-a', '-m', 'release', 'v2'], { cwd: repo.work });
  const tag = await gitOk(['rev-parse', 'v2'], { cwd: repo.work });
  const treeId = await gitOk(['rev-parse', 'HEAD^{tree}'], { cwd: repo.work });
  // The bare repository: two packs, then one with the second big.txt as a delta.
  await gitOk(['repack', '-adf', '-q'], { cwd: repo.gitdir });
  const verify = await gitOk(['verify-pack', '-v', ...(await packIndexes(repo.gitdir))], { cwd: repo.gitdir });
  assert.match(verify, /^[0-9a-f]{40} blob +\d+ \d+ \d+ 1 [0-9a-f]{40}$/m, 'a blob is stored as a delta');

  const want = (await gitOk(['ls-tree', '-r', 'HEAD'], { cwd: repo.work })).split('\n').map((line) => line.split('\t')[1]).sort();
  const bigText = lines.join('');
  // The work tree's own .git holds loose objects only (and the annotated tag).
  for (const [gitdir, id] of [[repo.gitdir, commit], [join(repo.work, '.git'), commit], [join(repo.work, '.git'), tag], [join(repo.work, '.git'), treeId]] as const) {
    const tree = await readSourceTree({ gitdir, commit: id });
    t.after(() => tree.close());
    assert.deepEqual(tree.files.map((f) => f.path), want, `${gitdir} ${id}`);
    assert.equal(await tree.readText('data/big.txt'), bigText, `${gitdir} ${id}`);
  }
});

test('names that git refuses, or that another OS takes for .git, are refused', async (t) => {
  const repo = await fixtureRepo('node-app');
  t.after(() => repo.remove());
  const blob = await gitOk(['rev-parse', 'HEAD:package.json'], { cwd: repo.work });
  for (const name of ['.GIT.', '.git::$INDEX_ALLOCATION', 'git~1', '.g\u200cit', 'a\\b']) {
    const treeFile = join(repo.work, '..', 'tree.bin');
    await writeFile(treeFile, Buffer.concat([Buffer.from(`100644 ${name}\0`), Buffer.from(blob, 'hex')]));
    const treeId = await gitOk(['hash-object', '-t', 'tree', '--literally', '-w', treeFile], { cwd: repo.work });
    await assert.rejects(readSourceTree({ gitdir: join(repo.work, '.git'), commit: treeId }), (err: unknown) => {
      assert.ok(err instanceof PaasError, name);
      assert.equal(err.code, 'BUILD_FAILED');
      assert.match(err.message, /invalid entry/, name);
      return true;
    });
  }
});

async function packIndexes(gitdir: string): Promise<string[]> {
  const dir = join(gitdir, 'objects', 'pack');
  return (await fs.promises.readdir(dir)).filter((name) => name.endsWith('.idx')).map((name) => join(dir, name));
}
