import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gitOk, removeDir, tempDir } from '../../test/support/git-fixtures.js';
import { PackEncoder } from './pack-encoder.js';
import { indexPackFile } from './pack-indexer.js';
import { objectHeader } from './pack-format.js';

test('packs written for clones are valid for git and name the same objects', async (t) => {
  const dir = await tempDir('encode');
  t.after(() => removeDir(dir));
  const blobs = [Buffer.from('hello\n'), Buffer.alloc(0), Buffer.alloc(300_000, 'z'), Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251))];
  const encoder = new PackEncoder(blobs.length);
  const pack = Buffer.concat([encoder.header(), ...blobs.map((blob) => encoder.entry('blob', blob)), encoder.trailer()]);
  const path = join(dir, 'out.pack');
  await writeFile(path, pack);

  await gitOk(['index-pack', path]);
  const indexed = await indexPackFile(path);
  const want = blobs.map((blob) => createHash('sha1').update(objectHeader('blob', blob.length)).update(blob).digest('hex'));
  assert.deepEqual([...indexed.objects.keys()].sort(), [...want].sort());
  assert.equal(want[0], 'ce013625030ba8dba906f756967f9e9ca394464a', 'git hash-object of "hello\\n"');
});

test('the declared count is enforced', () => {
  const encoder = new PackEncoder(1);
  encoder.header();
  assert.throws(() => encoder.trailer(), /declared 1 objects, got 0/);
  encoder.entry('blob', Buffer.from('x'));
  assert.throws(() => encoder.entry('blob', Buffer.from('y')), RangeError);
});
