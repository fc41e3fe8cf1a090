import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PaasError } from '../errors.js';
import { encodePktLine, PKT_FLUSH } from './pkt-line.js';
import { parseUploadPackRequest } from './upload-pack-request.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const body = (...parts: Array<string | null>) => Buffer.concat(parts.map((part) => (part === null ? PKT_FLUSH : encodePktLine(part))));

test('a clone request: wants with capabilities, flush, done', () => {
  const request = parseUploadPackRequest(body(`want ${A} side-band-64k ofs-delta agent=git/2.39\n`, `want ${B}\n`, null, 'done\n'));
  assert.deepEqual(request, { wants: [A, B], capabilities: new Set(['side-band-64k', 'ofs-delta', 'agent=git/2.39']), haves: [], done: true });
});

test('a negotiation round: haves ended by a flush, no done', () => {
  const request = parseUploadPackRequest(body(`want ${A} side-band-64k\n`, null, `have ${B}\n`, `have ${C}\n`, null));
  assert.deepEqual(request.haves, [B, C]);
  assert.equal(request.done, false);
});

test('shallow, deepen and filter requests are refused: never advertised', () => {
  for (const line of [`shallow ${B}\n`, 'deepen 1\n', 'filter blob:none\n']) {
    assert.throws(() => parseUploadPackRequest(body(`want ${A}\n`, line, null, 'done\n')), (err: unknown) => err instanceof PaasError && err.code === 'BAD_REQUEST');
  }
  assert.throws(() => parseUploadPackRequest(body(`want ${A}\n`, null, 'have nope\n')), /unexpected line/);
  assert.throws(() => parseUploadPackRequest(Buffer.from('0032want')), /middle of a pkt-line/);
});
