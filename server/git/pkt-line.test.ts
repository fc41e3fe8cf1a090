import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PaasError } from '../errors.js';
import { decodePktLine, decodePktSections, encodePktLine, encodePktSection, MAX_PKT_PAYLOAD, PKT_FLUSH, pktText } from './pkt-line.js';

test('encodes the length including the four header bytes (gitprotocol-common examples)', () => {
  assert.equal(encodePktLine('a\n').toString(), '0006a\n');
  assert.equal(encodePktLine('a').toString(), '0005a');
  assert.equal(encodePktLine('foobar\n').toString(), '000bfoobar\n');
  assert.equal(encodePktLine('').toString(), '0004');
  assert.equal(PKT_FLUSH.toString(), '0000');
  assert.equal(encodePktSection(['a\n', 'b\n']).toString(), '0006a\n0006b\n0000');
});

test('refuses payloads longer than a pkt-line can carry', () => {
  assert.equal(encodePktLine(Buffer.alloc(MAX_PKT_PAYLOAD)).length, 65520);
  assert.throws(() => encodePktLine(Buffer.alloc(MAX_PKT_PAYLOAD + 1)), RangeError);
});

test('decodes data, flush and incomplete lines', () => {
  const bytes = Buffer.from('0006a\n0000000bfoo');
  const first = decodePktLine(bytes, 0);
  assert.equal(first.kind, 'data');
  assert.equal(first.kind === 'data' && first.payload.toString(), 'a\n');
  assert.deepEqual(decodePktLine(bytes, 6), { kind: 'flush', next: 10 });
  assert.deepEqual(decodePktLine(bytes, 10), { kind: 'incomplete' });
  assert.deepEqual(decodePktLine(bytes, 15), { kind: 'incomplete' });
});

test('malformed lengths are a BAD_REQUEST, including v2-only delim packets', () => {
  for (const bad of ['zzzz', '00A5', '0001', '0002', '0003', 'PACK']) {
    assert.throws(() => decodePktLine(Buffer.from(`${bad}xxxxxxxx`), 0), (err: unknown) => err instanceof PaasError && err.code === 'BAD_REQUEST', bad);
  }
});

test('splits sections at flush packets and returns an unfinished tail', () => {
  const { sections, rest } = decodePktSections(Buffer.from('0006a\n00000009have\n0008done0010trunc'));
  assert.deepEqual(sections.map((s) => s.map((p) => pktText(p))), [['a'], ['have', 'done']]);
  assert.equal(rest.toString(), '0010trunc');
});
