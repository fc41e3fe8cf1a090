/**
 * Writes a packfile for answering clones and fetches: header, entries,
 * SHA-1 trailer. Entries are either copied from the repository's packs (as
 * git's upload-pack reuses them) or whole objects deflated here; we never
 * search for new deltas.
 * Spec: git Documentation/technical/pack-format.txt.
 */
import { createHash, type Hash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { encodeEntryHeader, encodePackHeader, PackType, type ObjectType } from './pack-format.js';

export class PackEncoder {
  private readonly hash: Hash = createHash('sha1');
  private written = 0;

  constructor(private readonly count: number) {}

  header(): Buffer {
    return this.hashed(encodePackHeader(this.count));
  }

  entry(type: ObjectType, content: Uint8Array): Buffer {
    this.count1();
    // Level 1: most of the size win for a fraction of level 6's time.
    return this.hashed(Buffer.concat([encodeEntryHeader(type, content.length), deflateSync(content, { level: 1 })]));
  }

  /** A whole-object entry copied byte for byte from another pack (its header and zlib stream are position-independent). */
  copied(entry: Uint8Array): Buffer {
    this.count1();
    return this.hashed(Buffer.from(entry));
  }

  /** A delta copied from another pack, re-addressed by its base's id, which must be in this pack too. */
  refDelta(baseOid: Uint8Array, deltaSize: number, compressedDelta: Uint8Array): Buffer {
    this.count1();
    return this.hashed(Buffer.concat([encodeEntryHeader(PackType.refDelta, deltaSize), baseOid, compressedDelta]));
  }

  trailer(): Buffer {
    if (this.written !== this.count) throw new RangeError(`pack declared ${this.count} objects, got ${this.written}`);
    return this.hash.digest();
  }

  private count1(): void {
    if (this.written >= this.count) throw new RangeError(`pack declared ${this.count} objects`);
    this.written += 1;
  }

  private hashed(bytes: Buffer): Buffer {
    this.hash.update(bytes);
    return bytes;
  }
}
