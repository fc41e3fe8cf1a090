/**
 * Applies a git delta to its base object.
 *
 * Spec: git Documentation/technical/pack-format.txt, "Deltified
 * representation": two size varints (base, result), then instructions. A
 * byte with the high bit set copies from the base (bits 0-3 say which offset
 * bytes follow, bits 4-6 which size bytes; size 0 means 0x10000); a byte
 * 1-127 inserts that many literal bytes; 0 is reserved. Every bound is
 * checked, because the delta comes from the network.
 */
import { PackFormatError } from './pack-format.js';

export function applyDelta(baseBytes: Uint8Array, deltaBytes: Uint8Array): Buffer {
  // Buffer.copy rather than set(subarray(...)): no view object per instruction.
  const base = Buffer.from(baseBytes.buffer, baseBytes.byteOffset, baseBytes.length);
  const delta = Buffer.from(deltaBytes.buffer, deltaBytes.byteOffset, deltaBytes.length);
  let position = 0;
  const readSize = (): number => {
    let value = 0;
    let scale = 1;
    let byte: number;
    do {
      if (position >= delta.length) throw new PackFormatError('delta ends inside its size header');
      byte = delta[position++]!;
      value += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80 && scale <= 2 ** 49);
    return value;
  };
  const baseSize = readSize();
  const resultSize = readSize();
  if (baseSize !== base.length) throw new PackFormatError(`delta expects a base of ${baseSize} bytes, got ${base.length}`);

  const result = Buffer.allocUnsafe(resultSize);
  let written = 0;
  while (position < delta.length) {
    const op = delta[position++]!;
    if (op & 0x80) {
      let copyOffset = 0;
      let copySize = 0;
      for (let bit = 0; bit < 4; bit++) {
        if (op & (1 << bit)) copyOffset += readByte() * 2 ** (8 * bit);
      }
      for (let bit = 0; bit < 3; bit++) {
        if (op & (0x10 << bit)) copySize += readByte() * 2 ** (8 * bit);
      }
      if (copySize === 0) copySize = 0x10000;
      if (copyOffset + copySize > base.length || written + copySize > resultSize) {
        throw new PackFormatError('delta copies outside its base or result');
      }
      base.copy(result, written, copyOffset, copyOffset + copySize);
      written += copySize;
    } else if (op !== 0) {
      if (position + op > delta.length || written + op > resultSize) throw new PackFormatError('delta inserts past its end');
      delta.copy(result, written, position, position + op);
      position += op;
      written += op;
    } else {
      throw new PackFormatError('delta uses the reserved instruction 0');
    }
  }
  if (written !== resultSize) throw new PackFormatError(`delta produced ${written} bytes, want ${resultSize}`);
  return result;

  function readByte(): number {
    if (position >= delta.length) throw new PackFormatError('delta ends inside a copy instruction');
    return delta[position++]!;
  }
}
