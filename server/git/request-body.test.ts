/**
 * BodyReader.writeRestTo: the pack part of a push, written to disk in
 * batches while the body streams, with the size limit and early ends of the
 * body reported the same way as before batching.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { PaasError } from '../errors.js';
import { removeDir, tempDir } from '../../test/support/git-fixtures.js';
import { BodyReader } from './request-body.js';

/** Chunks of varied sizes, as a socket hands them out, from one buffer. */
function chunked(data: Buffer, sizes = [1, 7, 65536, 300_000, 16384, 2 * 1024 * 1024]): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const size = sizes[i % sizes.length]!;
    chunks.push(data.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

async function openFds(): Promise<number> {
  return (await readdir('/proc/self/fd')).length;
}

test('the rest of the body lands on disk byte for byte, after the pkt-line section', async (t) => {
  const dir = await tempDir('body');
  t.after(() => removeDir(dir));
  const pack = randomBytes(11 * 1024 * 1024 + 123);
  const body = Buffer.concat([Buffer.from('0009hello0000'), pack]);
  const reader = new BodyReader(Readable.from(chunked(body)), 64 * 1024 * 1024);
  const fds = await openFds();

  assert.deepEqual((await reader.readPktSection()).map(String), ['hello']);
  const size = await reader.writeRestTo(join(dir, 'incoming.pack'));
  assert.equal(size, pack.length);
  assert.ok((await readFile(join(dir, 'incoming.pack'))).equals(pack));
  assert.equal(reader.bytes, body.length);
  assert.equal(await openFds(), fds, 'the file is closed');
});

test('an empty rest makes an empty file', async (t) => {
  const dir = await tempDir('body');
  t.after(() => removeDir(dir));
  const reader = new BodyReader(Readable.from([Buffer.from('0000')]), 1024);
  assert.deepEqual(await reader.readPktSection(), []);
  assert.equal(await reader.writeRestTo(join(dir, 'incoming.pack')), 0);
  assert.equal((await readFile(join(dir, 'incoming.pack'))).length, 0);
});

test('past the limit: PAYLOAD_TOO_LARGE, the file closed, and the reader can still drain', async (t) => {
  const dir = await tempDir('body');
  t.after(() => removeDir(dir));
  const limit = 5 * 1024 * 1024;
  const reader = new BodyReader(Readable.from(chunked(randomBytes(limit + 4 * 1024 * 1024))), limit);
  const fds = await openFds();
  await assert.rejects(reader.writeRestTo(join(dir, 'incoming.pack')), (err: unknown) => {
    assert.ok(err instanceof PaasError);
    assert.equal(err.code, 'PAYLOAD_TOO_LARGE');
    assert.match(err.message, /5 MB limit/);
    return true;
  });
  assert.equal(await openFds(), fds, 'the file is closed');
  assert.equal(await reader.discardRest(64 * 1024 * 1024), true);
});

test('a body that breaks off (a hang-up) rejects with its error once the file is closed', async (t) => {
  const dir = await tempDir('body');
  t.after(() => removeDir(dir));
  const hangUp = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
  async function* broken(): AsyncGenerator<Buffer> {
    for (const chunk of chunked(randomBytes(3 * 1024 * 1024))) yield chunk;
    throw hangUp;
  }
  const reader = new BodyReader(Readable.from(broken()), 64 * 1024 * 1024);
  const fds = await openFds();
  await assert.rejects(reader.writeRestTo(join(dir, 'incoming.pack')), (err: unknown) => err === hangUp);
  assert.equal(await openFds(), fds, 'the file is closed');
});

test('an existing file is never overwritten', async (t) => {
  const dir = await tempDir('body');
  t.after(() => removeDir(dir));
  const path = join(dir, 'incoming.pack');
  await new BodyReader(Readable.from([Buffer.from('first')]), 1024).writeRestTo(path);
  await assert.rejects(new BodyReader(Readable.from([Buffer.from('second')]), 1024).writeRestTo(path), { code: 'EEXIST' });
  assert.equal(await readFile(path, 'utf8'), 'first');
});
