/**
 * The indexer against git itself: for packs made by `git pack-objects` (both
 * delta kinds), the .idx we write must be byte-identical to what
 * `git index-pack` writes, and damaged or thin packs must be refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gitOk, makeHistoryRepo as historyRepo, makeRepo, removeDir, tempDir } from '../../test/support/git-fixtures.js';
import { packObjects } from '../../test/support/git-http.js';
import { indexPackFile } from './pack-indexer.js';
import { PackFormatError } from './pack-format.js';

async function gitIndex(dir: string, pack: Buffer): Promise<Buffer> {
  await writeFile(join(dir, 'ref.pack'), pack);
  await gitOk(['index-pack', '-o', join(dir, 'ref.idx'), join(dir, 'ref.pack')]);
  return readFile(join(dir, 'ref.idx'));
}

test('the idx is identical to git index-pack output, for ofs-deltas and ref-deltas', async (t) => {
  const repo = await historyRepo();
  const dir = await tempDir('idx');
  t.after(async () => {
    await removeDir(repo);
    await removeDir(dir);
  });
  const expectedObjects = (await gitOk(['rev-list', '--objects', 'HEAD'], { cwd: repo })).split('\n').length;

  for (const [name, args] of [['ofs', ['--delta-base-offset']], ['ref', []]] as const) {
    const pack = await packObjects(repo, ['HEAD'], [...args]);
    const path = join(dir, `${name}.pack`);
    await writeFile(path, pack);
    const expected = await gitIndex(dir, pack);
    const stats = await gitOk(['verify-pack', '-v', join(dir, 'ref.pack')]);
    assert.match(stats, /chain length = [2-9]/, 'the fixture has delta chains');
    for (const cacheBytes of [undefined, 1]) {
      const indexed = await indexPackFile(path, { cacheBytes });
      assert.deepEqual(indexed.idx, expected, `${name} deltas, cache ${cacheBytes ?? 'default'}`);
      assert.equal(indexed.objects.size, indexed.count);
      assert.equal(indexed.count, expectedObjects);
      assert.equal(indexed.objects.get(await gitOk(['rev-parse', 'HEAD'], { cwd: repo })), 'commit');
    }
  }
});

test('links name every object the pushed objects point at', async (t) => {
  const repo = await makeRepo({ 'a.txt': 'a\n', 'sub/b.txt': 'b\n' });
  const dir = await tempDir('idx');
  t.after(async () => {
    await removeDir(repo);
    await removeDir(dir);
  });
  const path = join(dir, 'p.pack');
  await writeFile(path, await packObjects(repo, ['HEAD']));
  const indexed = await indexPackFile(path);
  const all = (await gitOk(['rev-list', '--objects', 'HEAD'], { cwd: repo })).split('\n').map((line) => line.split(' ')[0]!);
  const commit = all[0]!;
  assert.deepEqual([...indexed.links].sort(), all.filter((oid) => oid !== commit).sort());
});

test('damaged, truncated and thin packs are refused', async (t) => {
  const repo = await historyRepo();
  const dir = await tempDir('idx');
  t.after(async () => {
    await removeDir(repo);
    await removeDir(dir);
  });
  const pack = await packObjects(repo, ['HEAD'], ['--delta-base-offset']);
  const cases: Array<[string, Buffer, RegExp]> = [
    ['flipped byte', Buffer.from(pack).fill(0x55, 200, 201), /checksum|inflate|delta/],
    ['truncated', pack.subarray(0, pack.length - 100), /ends|checksum|inflate|trailer/],
    ['not a pack', Buffer.from('JUNK'.repeat(20)), /does not start with "PACK"/],
    ['thin', await packObjects(repo, ['HEAD', '^HEAD~1'], ['--thin']), /thin pack/],
  ];
  for (const [name, bytes, message] of cases) {
    const path = join(dir, `${name}.pack`);
    await writeFile(path, bytes);
    await assert.rejects(indexPackFile(path), (err: unknown) => err instanceof PackFormatError && message.test(err.message), name);
  }
});

test('an abandoned push stops indexing', async (t) => {
  const repo = await historyRepo();
  const dir = await tempDir('idx');
  t.after(async () => {
    await removeDir(repo);
    await removeDir(dir);
  });
  const path = join(dir, 'p.pack');
  await writeFile(path, await packObjects(repo, ['HEAD']));
  await assert.rejects(indexPackFile(path, { signal: AbortSignal.abort(new Error('client went away')) }), /client went away/);
});
