/**
 * Our pack reader against git: every object of a repository packed by git
 * (ofs-deltas, then ref-deltas, then loose) reads back as `git cat-file`
 * prints it, and the stored forms it hands out for reuse are what git stored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gitOk, makeHistoryRepo, removeDir } from '../../test/support/git-fixtures.js';
import { ObjectNotFoundError, PackObjectStore } from './object-store.js';

const exec = promisify(execFile);

async function catFile(repo: string, oid: string): Promise<{ type: string; content: Buffer }> {
  const type = (await exec('git', ['cat-file', '-t', oid], { cwd: repo })).stdout.trim();
  const content = (await exec('git', ['cat-file', type, oid], { cwd: repo, encoding: 'buffer', maxBuffer: 1 << 26 })).stdout;
  return { type, content };
}

test('reads every object as git does, whatever the pack layout', async (t) => {
  const repo = await makeHistoryRepo();
  t.after(() => removeDir(repo));
  const oids = (await gitOk(['rev-list', '--objects', '--all'], { cwd: repo })).split('\n').map((line) => line.split(' ')[0]!);
  const expected = new Map(await Promise.all(oids.map(async (oid) => [oid, await catFile(repo, oid)] as const)));
  const gitdir = join(repo, '.git');

  for (const layout of [['repack', '-a', '-d', '-q'], ['-c', 'repack.useDeltaBaseOffset=false', 'repack', '-a', '-d', '-q', '-f', '--depth=3'], ['unpack']]) {
    if (layout[0] === 'unpack') {
      // Loose objects: move the pack away and explode it.
      await exec('sh', ['-c', 'mkdir -p ../tmp && mv objects/pack/*.pack objects/pack/*.idx ../tmp/ && for p in ../tmp/*.pack; do git unpack-objects -q < "$p"; done && rm -rf ../tmp'], { cwd: gitdir });
    } else {
      await gitOk(layout, { cwd: repo });
    }
    const store = await PackObjectStore.open(gitdir, { cacheBytes: 1024 });
    try {
      for (const [oid, want] of expected) {
        const got = await store.read(oid);
        assert.equal(got.type, want.type, `${layout.join(' ')} ${oid}`);
        assert.deepEqual(got.content, want.content, `${layout.join(' ')} ${oid}`);
      }
      await assert.rejects(store.read('1'.repeat(40)), ObjectNotFoundError);
    } finally {
      await store.close();
    }
  }
});

test('hands out stored entries: whole objects, and deltas by their base id', async (t) => {
  const repo = await makeHistoryRepo();
  t.after(() => removeDir(repo));
  await gitOk(['repack', '-a', '-d', '-q'], { cwd: repo });
  const store = await PackObjectStore.open(join(repo, '.git'));
  t.after(() => store.close());
  const packDir = join(repo, '.git', 'objects', 'pack');
  const idx = (await readdir(packDir)).find((name) => name.endsWith('.idx'))!;
  const verify = await gitOk(['verify-pack', '-v', join(packDir, idx)]);
  let deltas = 0;
  for (const line of verify.split('\n')) {
    const [oid, , , , , , base] = line.split(/\s+/);
    if (!oid || !/^[0-9a-f]{40}$/.test(oid)) continue;
    const raw = await store.raw(oid);
    if (base) {
      deltas += 1;
      assert.equal(raw?.kind === 'delta' && raw.baseOid.toString('hex'), base, oid);
    } else {
      assert.equal(raw?.kind, 'whole', oid);
    }
  }
  assert.ok(deltas > 0, 'the fixture has deltas');
});
