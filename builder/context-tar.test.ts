import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { PaasError } from '../server/errors.js';
import { CONTEXT_MTIME, packContext, type ContextEntry } from './context-tar.js';

interface Listed {
  name: string;
  type: string;
  mode: string;
  linkname?: string;
  mtime: string;
  uid: number;
  body?: string;
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function list(tar: Buffer): Promise<Listed[]> {
  const entries: Listed[] = [];
  const ex = extract();
  Readable.from([tar]).pipe(ex as unknown as NodeJS.WritableStream);
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    const h = entry.header;
    entries.push({
      name: h.name,
      type: h.type,
      mode: h.mode.toString(8),
      mtime: h.mtime.toISOString(),
      uid: h.uid,
      ...(h.type === 'symlink' ? { linkname: h.linkname } : {}),
      ...(h.type === 'file' ? { body: Buffer.concat(chunks).toString() } : {}),
    });
  }
  return entries;
}

const entries: ContextEntry[] = [
  { path: 'app/server.js', mode: 'file', content: 'console.log(1)\n' },
  { path: 'Dockerfile', mode: 'file', content: new TextEncoder().encode('FROM scratch\n') },
  { path: 'app/bin/run.sh', mode: 'executable', content: async () => new TextEncoder().encode('#!/bin/sh\n') },
  { path: 'app/passwd', mode: 'symlink', content: '/etc/passwd' },
  { path: 'app/up', mode: 'symlink', content: async () => new TextEncoder().encode('../../..') },
];

test('symlinks go into the context as symlinks, never as the content they point at', async () => {
  const listed = await list(await collect(packContext(entries)));
  const links = listed.filter((e) => e.type === 'symlink');
  assert.deepEqual(links.map((e) => [e.name, e.linkname, e.mode]), [
    ['app/passwd', '/etc/passwd', '777'],
    ['app/up', '../../..', '777'],
  ]);
});

test('entries are sorted, parents come first as directories, modes are 644/755, owner root, one fixed mtime', async () => {
  const listed = await list(await collect(packContext(entries)));
  assert.deepEqual(listed.map((e) => `${e.type} ${e.name} ${e.mode}`), [
    'file Dockerfile 644',
    'directory app/ 755',
    'directory app/bin/ 755',
    'file app/bin/run.sh 755',
    'symlink app/passwd 777',
    'file app/server.js 644',
    'symlink app/up 777',
  ]);
  assert.ok(listed.every((e) => e.mtime === CONTEXT_MTIME.toISOString() && e.uid === 0));
  assert.equal(listed.find((e) => e.name === 'app/bin/run.sh')?.body, '#!/bin/sh\n');
});

test('the same entries always give the same bytes (stable cache keys)', async () => {
  const first = await collect(packContext(entries));
  const second = await collect(packContext([...entries].reverse()));
  assert.ok(first.equals(second));
});

test('long and non-ASCII paths survive (pax headers)', async () => {
  const long = `${'deep/'.repeat(40)}file.txt`;
  const listed = await list(await collect(packContext([
    { path: long, mode: 'file', content: 'x' },
    { path: 'héllo wörld.txt', mode: 'file', content: 'y' },
  ])));
  assert.ok(listed.some((e) => e.name === long && e.body === 'x'));
  assert.ok(listed.some((e) => e.name === 'héllo wörld.txt' && e.body === 'y'));
});

test('an entry that cannot be read fails the stream with BUILD_FAILED', async () => {
  const stream = packContext([{ path: 'a', mode: 'file', content: async () => { throw new Error('object missing'); } }]);
  await assert.rejects(collect(stream), (err: unknown) => {
    assert.ok(err instanceof PaasError);
    assert.equal(err.code, 'BUILD_FAILED');
    assert.match(err.message, /object missing/);
    return true;
  });
});
