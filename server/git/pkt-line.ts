/**
 * pkt-line framing, the envelope of every smart-protocol message.
 *
 * Spec: git Documentation/gitprotocol-common.txt, "pkt-line Format": four
 * lowercase hex digits give the length of the whole line including those four
 * bytes, then the payload; "0000" is a flush-pkt. Lengths 0001-0003 are
 * special (delim/response-end) in protocol v2 only, which we never speak, so
 * here they are malformed input. A payload holds at most 65516 bytes.
 * Bytes in, bytes out: no streams here.
 */
import { PaasError } from '../errors.js';

export const PKT_FLUSH = Buffer.from('0000', 'latin1');
/** 65520 bytes per line minus the 4-byte length header. */
export const MAX_PKT_PAYLOAD = 65516;

export type PktLine =
  | { kind: 'data'; payload: Buffer; next: number }
  | { kind: 'flush'; next: number }
  /** Not enough bytes yet for the line that starts at `offset`. */
  | { kind: 'incomplete' };

export function encodePktLine(payload: string | Uint8Array): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (body.length > MAX_PKT_PAYLOAD) {
    throw new RangeError(`pkt-line payload of ${body.length} bytes exceeds ${MAX_PKT_PAYLOAD}`);
  }
  const header = Buffer.from((body.length + 4).toString(16).padStart(4, '0'), 'latin1');
  return Buffer.concat([header, body]);
}

/** Encodes each text as one pkt-line, then a flush-pkt. */
export function encodePktSection(lines: readonly string[]): Buffer {
  return Buffer.concat([...lines.map((line) => encodePktLine(line)), PKT_FLUSH]);
}

const HEX_LENGTH = /^[0-9a-f]{4}$/;

/** Reads the pkt-line starting at `offset`; throws BAD_REQUEST on malformed framing. */
export function decodePktLine(buffer: Uint8Array, offset: number): PktLine {
  if (buffer.length - offset < 4) return { kind: 'incomplete' };
  const lengthText = Buffer.from(buffer.buffer, buffer.byteOffset + offset, 4).toString('latin1');
  if (!HEX_LENGTH.test(lengthText)) {
    throw malformed(`bad pkt-line length "${printableBytes(lengthText)}"`);
  }
  const length = Number.parseInt(lengthText, 16);
  if (length === 0) return { kind: 'flush', next: offset + 4 };
  if (length < 4) throw malformed(`pkt-line length ${length} is reserved for protocol v2`);
  if (buffer.length - offset < length) return { kind: 'incomplete' };
  const payload = Buffer.from(buffer.buffer, buffer.byteOffset + offset + 4, length - 4);
  return { kind: 'data', payload, next: offset + length };
}

/** A payload as text without its optional trailing LF (gitprotocol-common: receivers must not rely on it). */
export function pktText(payload: Uint8Array): string {
  const end = payload.length > 0 && payload[payload.length - 1] === 0x0a ? payload.length - 1 : payload.length;
  return Buffer.from(payload.buffer, payload.byteOffset, end).toString('utf8');
}

/**
 * Splits a whole buffer of pkt-lines into sections ended by flush-pkts, for
 * small fully-buffered messages and tests. An unfinished last line is
 * returned as `rest`; a section without its closing flush comes last.
 */
export function decodePktSections(buffer: Uint8Array): { sections: Buffer[][]; rest: Buffer } {
  const sections: Buffer[][] = [];
  let current: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const line = decodePktLine(buffer, offset);
    if (line.kind === 'incomplete') break;
    offset = line.next;
    if (line.kind === 'flush') {
      sections.push(current);
      current = [];
    } else {
      current.push(line.payload);
    }
  }
  if (current.length > 0) sections.push(current);
  return { sections, rest: Buffer.from(buffer.buffer, buffer.byteOffset + offset, buffer.length - offset) };
}

function malformed(message: string): PaasError {
  return new PaasError('BAD_REQUEST', `Malformed git request: ${message}`, {
    hint: 'Use a git client: git push / git clone against this URL.',
  });
}

function printableBytes(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
