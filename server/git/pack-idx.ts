/**
 * Pack index (.idx) version 2: writing one for a pack we received, and
 * looking ids up in the ones a repository already has.
 *
 * Spec: git Documentation/technical/pack-format.txt, "Version 2 pack-*.idx
 * files": magic "\377tOc", version 2, a 256-entry fan-out table, the sorted
 * 20-byte ids, their CRC32s, their 31-bit offsets (high bit set = index into
 * a following table of 64-bit offsets), the pack's checksum and a SHA-1 of
 * all that. git and isomorphic-git both read what we write here.
 */
import { createHash } from 'node:crypto';
import { OID_BYTES } from './pack-format.js';

export interface IdxEntry {
  oid: Buffer;
  crc32: number;
  offset: number;
}

const IDX_MAGIC = Buffer.from([0xff, 0x74, 0x4f, 0x63]);
const FANOUT_START = 8;
const FANOUT_BYTES = 256 * 4;
const LARGE_OFFSET = 0x80000000;

/** `entries` in any order; duplicated ids must already be removed. */
export function encodePackIdx(entries: readonly IdxEntry[], packChecksum: Uint8Array): Buffer {
  const sorted = [...entries].sort((a, b) => Buffer.compare(a.oid, b.oid));
  const count = sorted.length;
  const large = sorted.filter((entry) => entry.offset >= LARGE_OFFSET);
  const size = FANOUT_START + FANOUT_BYTES + count * (OID_BYTES + 4 + 4) + large.length * 8 + OID_BYTES * 2;
  const idx = Buffer.alloc(size);
  IDX_MAGIC.copy(idx, 0);
  idx.writeUInt32BE(2, 4);

  const fanout = new Uint32Array(256);
  for (const entry of sorted) fanout[entry.oid[0]!]! += 1;
  let running = 0;
  for (let i = 0; i < 256; i++) {
    running += fanout[i]!;
    idx.writeUInt32BE(running, FANOUT_START + i * 4);
  }

  const oids = FANOUT_START + FANOUT_BYTES;
  const crcs = oids + count * OID_BYTES;
  const offsets = crcs + count * 4;
  const largeOffsets = offsets + count * 4;
  let largeIndex = 0;
  sorted.forEach((entry, i) => {
    entry.oid.copy(idx, oids + i * OID_BYTES);
    idx.writeUInt32BE(entry.crc32 >>> 0, crcs + i * 4);
    if (entry.offset < LARGE_OFFSET) {
      idx.writeUInt32BE(entry.offset, offsets + i * 4);
    } else {
      idx.writeUInt32BE((LARGE_OFFSET | largeIndex) >>> 0, offsets + i * 4);
      idx.writeBigUInt64BE(BigInt(entry.offset), largeOffsets + largeIndex * 8);
      largeIndex += 1;
    }
  });
  const trailer = largeOffsets + large.length * 8;
  Buffer.from(packChecksum).copy(idx, trailer);
  createHash('sha1').update(idx.subarray(0, trailer + OID_BYTES)).digest().copy(idx, trailer + OID_BYTES);
  return idx;
}

/** An existing .idx, searched in place: ids to pack offsets. */
export class PackIdxReader {
  private readonly idx: Buffer;
  readonly count: number;

  constructor(idx: Buffer) {
    if (idx.length < FANOUT_START + FANOUT_BYTES || !idx.subarray(0, 4).equals(IDX_MAGIC) || idx.readUInt32BE(4) !== 2) {
      throw new Error('not a version 2 pack index');
    }
    this.idx = idx;
    this.count = idx.readUInt32BE(FANOUT_START + 255 * 4);
    if (idx.length < FANOUT_START + FANOUT_BYTES + this.count * (OID_BYTES + 8) + OID_BYTES * 2) throw new Error('truncated pack index');
  }

  has(oid: Uint8Array): boolean {
    return this.find(oid) !== undefined;
  }

  /** Position of `oid` in the sorted table, by binary search within its fan-out bucket. */
  find(oid: Uint8Array): number | undefined {
    const first = oid[0]!;
    let low = first === 0 ? 0 : this.idx.readUInt32BE(FANOUT_START + (first - 1) * 4);
    let high = this.idx.readUInt32BE(FANOUT_START + first * 4);
    const table = FANOUT_START + FANOUT_BYTES;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const start = table + middle * OID_BYTES;
      const order = Buffer.compare(this.idx.subarray(start, start + OID_BYTES), oid);
      if (order === 0) return middle;
      if (order < 0) low = middle + 1;
      else high = middle;
    }
    return undefined;
  }

  /** The id at table position `index`. */
  oid(index: number): Buffer {
    const start = FANOUT_START + FANOUT_BYTES + index * OID_BYTES;
    return this.idx.subarray(start, start + OID_BYTES);
  }

  /** Pack offset of the object at table position `index`. */
  offset(index: number): number {
    const offsets = FANOUT_START + FANOUT_BYTES + this.count * (OID_BYTES + 4);
    const small = this.idx.readUInt32BE(offsets + index * 4);
    if (small < LARGE_OFFSET) return small;
    const large = offsets + this.count * 4 + (small & 0x7fffffff) * 8;
    return Number(this.idx.readBigUInt64BE(large));
  }
}
