/**
 * Inflating one zlib stream out of a pack, whose uncompressed size the entry
 * header states (technical/pack-format.txt). Node's native zlib; the engine's
 * bytesWritten tells how much input the stream used, which is where the next
 * pack entry starts.
 */
import { inflateSync } from 'node:zlib';
import { PackFormatError } from './pack-format.js';

export function inflateKnownSize(input: Uint8Array, size: number): { data: Buffer; consumed: number } {
  // One output chunk of the known size spares zlib concatenating 16 KB pieces.
  const chunkSize = Math.min(Math.max(size, 1024), 32 * 1024 * 1024);
  const { buffer, engine } = inflateSync(input, { info: true, maxOutputLength: Math.max(1, size), chunkSize } as object) as unknown as {
    buffer: Buffer;
    engine: { bytesWritten: number };
  };
  if (buffer.length !== size) throw new PackFormatError(`object inflates to ${buffer.length} bytes, header says ${size}`);
  return { data: buffer, consumed: engine.bytesWritten };
}
