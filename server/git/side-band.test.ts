import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePktSections } from './pkt-line.js';
import { Band, decodeSideBand, encodeProgress, encodeSideBand, MAX_SIDE_BAND_64K_DATA } from './side-band.js';

test('progress goes on band 2 and always ends its line', () => {
  assert.equal(Buffer.concat(encodeProgress('Building')).toString('latin1'), '000e\x02Building\n');
  assert.equal(Buffer.concat(encodeProgress('50%\r')).toString('latin1'), '0009\x0250%\r');
});

test('data is split into side-band-64k packets of at most 65520 bytes', () => {
  const data = Buffer.alloc(MAX_SIDE_BAND_64K_DATA * 2 + 10, 7);
  const packets = encodeSideBand(Band.data, data);
  assert.deepEqual(packets.map((p) => p.length), [65520, 65520, 15]);
  const decoded = decodePktSections(Buffer.concat(packets)).sections.flat().map(decodeSideBand);
  assert.ok(decoded.every((p) => p.band === 1));
  assert.deepEqual(Buffer.concat(decoded.map((p) => p.data)), data);
});
