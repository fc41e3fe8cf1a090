/** Positional reads that do not stop short: FileHandle.read may return fewer bytes than asked. */
import type { FileHandle } from 'node:fs/promises';
import { PackFormatError } from './pack-format.js';

export async function readFully(file: FileHandle, target: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < target.length) {
    const { bytesRead } = await file.read(target, done, target.length - done, position + done);
    if (bytesRead === 0) throw new PackFormatError('pack file ended early');
    done += bytesRead;
  }
}
