/**
 * Packfile framing: the 12-byte header, each object's type-and-size header,
 * and the loose-object header whose SHA-1 is an object's id.
 *
 * Spec: git Documentation/technical/pack-format.txt ("pack-*.pack files have
 * the following format"; "Object types"; "Size encoding"; "Deltified
 * representation" for the two delta kinds) and git's object naming
 * ("<type> <size>\0<content>" hashed with SHA-1). Bytes in, values out.
 */

export const PackType = { commit: 1, tree: 2, blob: 3, tag: 4, ofsDelta: 6, refDelta: 7 } as const;
export type PackType = (typeof PackType)[keyof typeof PackType];
export type ObjectType = 'commit' | 'tree' | 'blob' | 'tag';

const OBJECT_TYPE_NAMES: Record<number, ObjectType> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };
const OBJECT_TYPE_CODES: Record<ObjectType, PackType> = { commit: 1, tree: 2, blob: 3, tag: 4 };

export const PACK_HEADER_LENGTH = 12;
export const PACK_TRAILER_LENGTH = 20;
export const OID_BYTES = 20;

export function objectTypeName(code: number): ObjectType | undefined {
  return OBJECT_TYPE_NAMES[code];
}

export function objectTypeCode(type: ObjectType): PackType {
  return OBJECT_TYPE_CODES[type];
}

export class PackFormatError extends Error {
  override name = 'PackFormatError';
}

/** "PACK", version 2 or 3 (same layout), object count. */
export function parsePackHeader(header: Uint8Array): { version: number; count: number } {
  if (header.length < PACK_HEADER_LENGTH) throw new PackFormatError('pack is shorter than its 12-byte header');
  const buffer = Buffer.from(header.buffer, header.byteOffset, header.length);
  if (buffer.toString('latin1', 0, 4) !== 'PACK') throw new PackFormatError('data does not start with "PACK"');
  const version = buffer.readUInt32BE(4);
  if (version !== 2 && version !== 3) throw new PackFormatError(`pack version ${version} is not supported`);
  return { version, count: buffer.readUInt32BE(8) };
}

export function encodePackHeader(count: number): Buffer {
  const header = Buffer.alloc(PACK_HEADER_LENGTH);
  header.write('PACK', 0, 'latin1');
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(count, 8);
  return header;
}

export type EntryHeader =
  | { type: 1 | 2 | 3 | 4; size: number; length: number }
  | { type: 6; size: number; length: number; baseDistance: number }
  | { type: 7; size: number; length: number; baseOid: Buffer };

/**
 * Parses the entry header at `offset`; `length` covers the type/size bytes
 * and, for deltas, the base reference. Returns undefined if `bytes` ends first.
 */
export function parseEntryHeader(bytes: Uint8Array, offset: number): EntryHeader | undefined {
  let position = offset;
  if (position >= bytes.length) return undefined;
  let byte = bytes[position++]!;
  const type = (byte >> 4) & 0x7;
  let size = byte & 0x0f;
  let scale = 16;
  while (byte & 0x80) {
    if (position >= bytes.length) return undefined;
    if (scale > 2 ** 49) throw new PackFormatError(`object size at offset ${offset} is too large`);
    byte = bytes[position++]!;
    size += (byte & 0x7f) * scale;
    scale *= 128;
  }
  if (type === PackType.ofsDelta) {
    // pack-format.txt: "n bytes with MSB set in all but the last one. The
    // offset is then the number constructed by concatenating the lower 7 bit
    // of each byte, and for n >= 2 adding 2^7 + 2^14 + ... + 2^(7*(n-1))".
    if (position >= bytes.length) return undefined;
    byte = bytes[position++]!;
    let distance = byte & 0x7f;
    while (byte & 0x80) {
      if (position >= bytes.length) return undefined;
      if (distance > 2 ** 45) throw new PackFormatError(`delta base offset at ${offset} is too large`);
      byte = bytes[position++]!;
      distance = (distance + 1) * 128 + (byte & 0x7f);
    }
    return { type, size, length: position - offset, baseDistance: distance };
  }
  if (type === PackType.refDelta) {
    if (position + OID_BYTES > bytes.length) return undefined;
    const baseOid = Buffer.from(bytes.subarray(position, position + OID_BYTES));
    return { type, size, length: position + OID_BYTES - offset, baseOid };
  }
  if (type === 1 || type === 2 || type === 3 || type === 4) return { type, size, length: position - offset };
  throw new PackFormatError(`unknown object type ${type} at offset ${offset}`);
}

/** Type and size header of an entry: a whole object, or a ref-delta (type 7, the base id follows). */
export function encodeEntryHeader(type: ObjectType | typeof PackType.refDelta, size: number): Buffer {
  const bytes: number[] = [];
  const code = type === PackType.refDelta ? type : objectTypeCode(type);
  let byte = (code << 4) | (size & 0x0f);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    bytes.push(byte | 0x80);
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  bytes.push(byte);
  return Buffer.from(bytes);
}

/** The bytes hashed, before the content, to name an object. */
export function objectHeader(type: ObjectType, size: number): Buffer {
  return Buffer.from(`${type} ${size}\0`, 'latin1');
}
