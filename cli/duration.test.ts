import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatElapsed, formatSeconds } from './duration.js';

test('measured times read short: ms under a second, then seconds, then two units', () => {
  assert.equal(formatElapsed(0.42), '0.4 ms');
  assert.equal(formatElapsed(7.24), '7 ms');
  assert.equal(formatElapsed(999.4), '999 ms');
  assert.equal(formatElapsed(1234), '1.2 s');
  assert.equal(formatElapsed(9999), '9.9 s');
  assert.equal(formatElapsed(192_000), '3m 12s');
  assert.equal(formatElapsed(-1), '');
});

test('uptimes keep the two largest units and drop a zero second one', () => {
  assert.equal(formatSeconds(0), '0s');
  assert.equal(formatSeconds(45), '45s');
  assert.equal(formatSeconds(3600), '1h');
  assert.equal(formatSeconds(7500), '2h 5m');
  assert.equal(formatSeconds(90_061), '1d 1h');
  assert.equal(formatSeconds(86_400 + 59), '1d');
});
