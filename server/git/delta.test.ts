import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDelta } from './delta.js';

// Hand-assembled per pack-format.txt "Deltified representation".
const base = Buffer.from('hello, world of git deltas');

test('copy and insert instructions rebuild the target', () => {
  const target = Buffer.from('hello, PAAS world of git');
  const delta = Buffer.from([
    base.length, target.length,
    0x90, 7, // copy: no offset bytes (offset 0), one size byte: 7 ("hello, ")
    5, ...Buffer.from('PAAS '), // insert 5 bytes
    0x91, 7, 12, // copy: offset byte 7, size byte 12 ("world of git")
  ]);
  assert.equal(applyDelta(base, delta).toString(), target.toString());
});

test('a copy size of zero means 0x10000', () => {
  const big = Buffer.alloc(0x10000, 1);
  const delta = Buffer.from([0x80, 0x80, 0x04, 0x80, 0x80, 0x04, 0x80]);
  assert.deepEqual(applyDelta(big, delta), big);
});

test('out-of-bounds and malformed deltas are errors, never partial output', () => {
  const cases = [
    Buffer.from([base.length + 1, 1, 1, 0x41]), // wrong base size
    Buffer.from([base.length, 4, 0x91, 30, 4]), // copy past the base
    Buffer.from([base.length, 3, 5, 0x41]), // insert past the delta
    Buffer.from([base.length, 1, 0]), // reserved instruction
    Buffer.from([base.length, 5, 1, 0x41]), // shorter than promised
    Buffer.from([base.length]), // no result size
  ];
  for (const delta of cases) assert.throws(() => applyDelta(base, delta), { name: 'PackFormatError' }, delta.toString('hex'));
});
