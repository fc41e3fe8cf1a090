import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createFrameDecoder,
  createLineAssembler,
  parseLogBuffer,
  parseTimestamp,
  sinceAfter,
  splitFrames,
} from './log-frames.js';

function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

test('splitFrames separates stdout and stderr and keeps an unfinished frame', () => {
  const whole = Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n'), frame(1, 'tail\n')]);
  const cut = whole.length - 3;
  const { frames, rest } = splitFrames(whole.subarray(0, cut));
  assert.deepEqual(frames.map((f) => [f.stream, f.payload.toString()]), [['stdout', 'out\n'], ['stderr', 'err\n']]);
  assert.equal(rest.length, frame(1, 'tail\n').length - 3);
});

test('the decoder reassembles frames split at every byte boundary', () => {
  const whole = Buffer.concat([frame(1, 'héllo\n'), frame(2, 'wörld\n'), frame(1, '')]);
  for (let size = 1; size <= whole.length; size++) {
    const decoder = createFrameDecoder();
    const seen: string[] = [];
    for (let i = 0; i < whole.length; i += size) {
      for (const f of decoder.push(whole.subarray(i, i + size))) seen.push(`${f.stream}:${f.payload.toString()}`);
    }
    assert.deepEqual(seen, ['stdout:héllo\n', 'stderr:wörld\n', 'stdout:'], `chunk size ${size}`);
    assert.equal(decoder.pendingBytes, 0);
  }
});

test('parseTimestamp keeps nanoseconds and the text after the space', () => {
  const parsed = parseTimestamp('2024-01-02T03:04:05.123456789Z hello world');
  assert.ok(parsed);
  assert.equal(parsed.text, 'hello world');
  assert.equal(parsed.ns, BigInt(Date.UTC(2024, 0, 2, 3, 4, 5)) * 1_000_000n + 123_456_789n);
  assert.equal(parseTimestamp('no timestamp here'), undefined);
  assert.equal(parseTimestamp('2024-01-02T03:04:05Z x')?.text, 'x');
});

test('sinceAfter formats seconds.nanoseconds one nanosecond later', () => {
  assert.equal(sinceAfter(1_700_000_000_999_999_999n), '1700000001.000000000');
  assert.equal(sinceAfter(5n), '0.000000006');
});

test('the assembler joins docker partial entries (long lines) and flushes an unterminated tail', () => {
  const assembler = createLineAssembler();
  const lines = [
    ...assembler.push({ stream: 'stdout', payload: Buffer.from('2024-01-02T03:04:05.000000001Z aaa') }),
    ...assembler.push({ stream: 'stderr', payload: Buffer.from('2024-01-02T03:04:05.000000002Z oops\r\n') }),
    ...assembler.push({ stream: 'stdout', payload: Buffer.from('2024-01-02T03:04:05.000000003Z bbb\n') }),
    ...assembler.push({ stream: 'stdout', payload: Buffer.from('2024-01-02T03:04:06.000000000Z no newline') }),
  ];
  assert.deepEqual(lines.map((l) => [l.stream, l.line]), [['stderr', 'oops'], ['stdout', 'aaabbb']]);
  assert.equal(lines[1]!.ns % 1000n, 1n, 'a joined line keeps the time of its first part');
  assert.deepEqual(assembler.flush().map((l) => l.line), ['no newline']);
});

test('parseLogBuffer reads a whole non-followed response', () => {
  const buffer = Buffer.concat([
    frame(1, '2024-01-02T03:04:05.000000001Z one\n'),
    frame(2, '2024-01-02T03:04:05.000000002Z two\n'),
  ]);
  assert.deepEqual(parseLogBuffer(buffer).map((l) => `${l.stream} ${l.line}`), ['stdout one', 'stderr two']);
  assert.deepEqual(parseLogBuffer(Buffer.alloc(0)), []);
});
