/**
 * Docker's multiplexed log stream, bytes in, lines out.
 *
 * Engine API "Attach to a container", section "Stream format": when a
 * container has no TTY, stdout and stderr share one stream of frames, each an
 * 8-byte header `[STREAM_TYPE, 0, 0, 0, SIZE1, SIZE2, SIZE3, SIZE4]` (type 0
 * stdin, 1 stdout, 2 stderr; size big-endian uint32) followed by SIZE bytes
 * of payload. Frames arrive split and merged arbitrarily across HTTP chunks,
 * so the decoder keeps the unfinished tail between pushes.
 *
 * With `timestamps=true` every log entry's payload starts with an RFC 3339
 * timestamp with nanoseconds and a space. Docker splits lines longer than
 * 16 KiB into partial entries, each with its own timestamp and only the last
 * ending in "\n"; the assembler joins them back into one line.
 */

export type StreamName = 'stdout' | 'stderr';

export interface Frame {
  stream: StreamName;
  payload: Buffer;
}

const HEADER_BYTES = 8;
const STREAM_TYPES: Record<number, StreamName | 'stdin'> = { 0: 'stdin', 1: 'stdout', 2: 'stderr' };

/** Splits complete frames off the front of `buffer`; `rest` is an unfinished frame. */
export function splitFrames(buffer: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let offset = 0;
  while (buffer.length - offset >= HEADER_BYTES) {
    const type = STREAM_TYPES[buffer[offset]!];
    const size = buffer.readUInt32BE(offset + 4);
    if (type === undefined) {
      // Not a multiplexed stream (a TTY container writes raw bytes): treat the rest as stdout.
      frames.push({ stream: 'stdout', payload: buffer.subarray(offset) });
      return { frames, rest: Buffer.alloc(0) };
    }
    if (buffer.length - offset - HEADER_BYTES < size) break;
    const payload = buffer.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + size);
    // stdin frames only appear on attach with stdin echo; logs never carry them.
    if (type !== 'stdin') frames.push({ stream: type, payload });
    offset += HEADER_BYTES + size;
  }
  return { frames, rest: buffer.subarray(offset) };
}

/** Stateful wrapper for a chunked stream. */
export function createFrameDecoder(): { push(chunk: Buffer): Frame[]; readonly pendingBytes: number } {
  let rest: Buffer = Buffer.alloc(0);
  return {
    push(chunk: Buffer): Frame[] {
      const result = splitFrames(rest.length === 0 ? chunk : Buffer.concat([rest, chunk]));
      // Copy the tail: it may be a view into a large chunk we would otherwise keep alive.
      rest = Buffer.from(result.rest);
      return result.frames;
    },
    get pendingBytes() {
      return rest.length;
    },
  };
}

export interface TimedText {
  /** Nanoseconds since the epoch: Date has only milliseconds, ordering needs more. */
  ns: bigint;
  text: string;
}

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d) /;

/** Splits `2024-01-02T03:04:05.123456789Z text` into time and text; undefined without a timestamp. */
export function parseTimestamp(payload: string): TimedText | undefined {
  const match = TIMESTAMP.exec(payload);
  if (!match) return undefined;
  const ms = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(ms)) return undefined;
  const fraction = BigInt((match[2] ?? '').padEnd(9, '0'));
  return { ns: BigInt(ms) * 1_000_000n + fraction, text: payload.slice(match[0].length) };
}

export function nsToDate(ns: bigint): Date {
  return new Date(Number(ns / 1_000_000n));
}

/** The `since` query value (`seconds.nanoseconds`) selecting entries strictly after `ns`. */
export function sinceAfter(ns: bigint): string {
  const next = ns + 1n;
  return `${next / 1_000_000_000n}.${(next % 1_000_000_000n).toString().padStart(9, '0')}`;
}

export interface RawLogLine {
  stream: StreamName;
  ns: bigint;
  line: string;
}

/**
 * Frames ▶ complete lines. `fallbackNs` stamps payloads without a timestamp
 * (should not happen with timestamps=true, but a line is worth more than a
 * parse error).
 */
export function createLineAssembler(fallbackNs: () => bigint = () => BigInt(Date.now()) * 1_000_000n): {
  push(frame: Frame): RawLogLine[];
  flush(): RawLogLine[];
} {
  const partial: Partial<Record<StreamName, { ns: bigint; text: string }>> = {};
  return {
    push(frame) {
      const payload = frame.payload.toString('utf8');
      const parsed = parseTimestamp(payload) ?? { ns: fallbackNs(), text: payload };
      const pending = partial[frame.stream];
      const text = pending ? pending.text + parsed.text : parsed.text;
      const ns = pending ? pending.ns : parsed.ns;
      const pieces = text.split('\n');
      const last = pieces.pop()!;
      partial[frame.stream] = last === '' ? undefined : { ns, text: last };
      return pieces.map((line) => ({ stream: frame.stream, ns, line: line.replace(/\r$/, '') }));
    },
    flush() {
      const lines: RawLogLine[] = [];
      for (const stream of ['stdout', 'stderr'] as const) {
        const pending = partial[stream];
        if (pending) lines.push({ stream, ns: pending.ns, line: pending.text.replace(/\r$/, '') });
        partial[stream] = undefined;
      }
      return lines;
    },
  };
}

/** A whole non-followed log response (a Buffer) ▶ lines, oldest first. */
export function parseLogBuffer(buffer: Buffer): RawLogLine[] {
  const { frames } = splitFrames(buffer);
  const assembler = createLineAssembler();
  const lines = frames.flatMap((frame) => assembler.push(frame));
  lines.push(...assembler.flush());
  return lines;
}
