/**
 * side-band multiplexing: pack data, progress text and fatal errors share one
 * response, each pkt-line prefixed by its band number.
 *
 * Spec: git Documentation/gitprotocol-pack.txt, "Packfile Data" (and
 * gitprotocol-capabilities.txt "side-band, side-band-64k"): band 1 carries
 * data, band 2 progress that the client prints as "remote: ...", band 3 a
 * fatal error that ends the exchange. With side-band-64k a packet is at most
 * 65520 bytes: 4 length bytes, 1 band byte, 65515 bytes of data.
 */
import { encodePktLine } from './pkt-line.js';

export const Band = { data: 1, progress: 2, error: 3 } as const;
export type Band = (typeof Band)[keyof typeof Band];

export const MAX_SIDE_BAND_64K_DATA = 65515;

/** Splits `data` into as many band packets as needed. */
export function encodeSideBand(band: Band, data: Uint8Array): Buffer[] {
  const packets: Buffer[] = [];
  for (let start = 0; start < data.length; start += MAX_SIDE_BAND_64K_DATA) {
    const chunk = data.subarray(start, Math.min(data.length, start + MAX_SIDE_BAND_64K_DATA));
    const payload = Buffer.allocUnsafe(chunk.length + 1);
    payload[0] = band;
    payload.set(chunk, 1);
    packets.push(encodePktLine(payload));
  }
  return packets;
}

/**
 * Progress text for band 2. git prints each line after "remote: ", so every
 * line must end in LF (or CR for a line that redraws itself); we add the LF.
 */
export function encodeProgress(text: string): Buffer[] {
  const line = text.endsWith('\n') || text.endsWith('\r') ? text : `${text}\n`;
  return encodeSideBand(Band.progress, Buffer.from(line, 'utf8'));
}

/** Reads one band packet's payload (after pkt-line decoding). */
export function decodeSideBand(payload: Uint8Array): { band: number; data: Buffer } {
  if (payload.length === 0) throw new RangeError('empty side-band packet');
  return { band: payload[0]!, data: Buffer.from(payload.buffer, payload.byteOffset + 1, payload.length - 1) };
}
