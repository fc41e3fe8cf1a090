/**
 * Reading a git request body as it streams: gzip undone (git compresses large
 * requests, gitprotocol-http.txt "Content-Encoding: gzip"), every decoded
 * byte counted against a limit, pkt-lines taken off the front, and the rest
 * (the packfile) written to disk without being held in memory.
 */
import type { IncomingMessage } from 'node:http';
import { open, type FileHandle } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { PaasError } from '../errors.js';
import { decodePktLine } from './pkt-line.js';

/** Bounds the pkt-line section before a pack (command lists are a few KB). */
const MAX_SECTION_BYTES = 1024 * 1024;
/** Body bytes gathered into one write (see writeRestTo). */
const WRITE_BATCH_BYTES = 1024 * 1024;
/** Body bytes held in memory, at most, while the disk catches up. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export function decodedBody(req: IncomingMessage): Readable {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (encoding === 'identity' || encoding === '') return req;
  if (encoding === 'gzip' || encoding === 'x-gzip') {
    return pipeline(req, createGunzip(), () => {
      // Errors surface through the returned stream's iterator.
    });
  }
  throw new PaasError('UNSUPPORTED_MEDIA_TYPE', `Content-Encoding "${encoding}" is not supported`, { hint: 'Send the request uncompressed or gzip-compressed, as git does.' });
}

export function tooLarge(maxBytes: number): PaasError {
  return new PaasError('PAYLOAD_TOO_LARGE', `push is larger than the ${formatMegabytes(maxBytes)} limit`, {
    hint: 'Keep build inputs small: leave build outputs and large binaries out of the repository.',
  });
}

export function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

export class BodyReader {
  /** Decoded bytes read so far. */
  bytes = 0;
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer | undefined;

  constructor(stream: Readable, private readonly maxBytes: number) {
    this.chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** Next decoded chunk, or undefined at the end; throws PAYLOAD_TOO_LARGE past the limit. */
  async next(limit = this.maxBytes): Promise<Buffer | undefined> {
    if (this.pending) {
      const chunk = this.pending;
      this.pending = undefined;
      return chunk;
    }
    let result: IteratorResult<Buffer>;
    try {
      result = await this.chunks.next();
    } catch (err) {
      if ((err as { code?: string }).code?.startsWith('Z_')) {
        throw new PaasError('BAD_REQUEST', 'Request body is not valid gzip', { hint: 'Push with a git client.', cause: err });
      }
      throw err;
    }
    if (result.done) return undefined;
    this.bytes += result.value.length;
    if (this.bytes > limit) throw tooLarge(this.maxBytes);
    return result.value;
  }

  /**
   * The payloads up to the first flush-pkt; [] for an empty body or a lone
   * flush (git's auth probe before a large push sends exactly "0000").
   */
  async readPktSection(): Promise<Buffer[]> {
    const payloads: Buffer[] = [];
    let buffer = Buffer.alloc(0);
    let offset = 0;
    for (;;) {
      const line = decodePktLine(buffer, offset);
      if (line.kind === 'flush') {
        if (line.next < buffer.length) this.pending = buffer.subarray(line.next);
        return payloads;
      }
      if (line.kind === 'data') {
        payloads.push(line.payload);
        offset = line.next;
        continue;
      }
      const chunk = await this.next();
      if (!chunk) {
        if (buffer.length === 0) return payloads;
        throw new PaasError('BAD_REQUEST', 'Malformed git request: body ends inside the command list', { hint: 'Push with a git client.' });
      }
      if (buffer.length + chunk.length > MAX_SECTION_BYTES) {
        throw new PaasError('BAD_REQUEST', 'Malformed git request: command list is too long', { hint: 'Push fewer refs at once.' });
      }
      buffer = Buffer.concat([buffer.subarray(offset), chunk]);
      offset = 0;
    }
  }

  /**
   * Writes the rest of the body to a new file; returns its size.
   *
   * HTTP chunks are small (a socket read, ~64 KB), and one awaited write per
   * chunk cost ~120 ms of CPU on a 52 MB push (a thread pool round trip
   * each, reading stalled meanwhile; bench/README.md, push-50mb). Chunks
   * are gathered into batches of WRITE_BATCH_BYTES, each written with one
   * writev, and the next batch is read while the previous one is written.
   * At most one write is in flight (Node's docs: writev must not overlap on
   * one file), so if the disk is slower than the network the batch grows up
   * to MAX_BUFFERED_BYTES and then reading waits for the disk.
   * Whatever ends the body early (the limit, a hang-up, bad gzip) is thrown
   * once the write in flight has settled and the file is closed.
   */
  async writeRestTo(path: string): Promise<number> {
    const file = await open(path, 'wx');
    let size = 0;
    let batch: Buffer[] = [];
    let batchBytes = 0;
    let writing: Promise<void> = Promise.resolve();
    let busy = false;
    const flush = (): void => {
      const buffers = batch;
      batch = [];
      batchBytes = 0;
      busy = true;
      writing = writeAll(file, buffers).finally(() => (busy = false));
      // Awaited before the next flush and in `finally`; never left unhandled.
      writing.catch(() => undefined);
    };
    try {
      for (let chunk = await this.next(); chunk; chunk = await this.next()) {
        batch.push(chunk);
        batchBytes += chunk.length;
        size += chunk.length;
        if (batchBytes < WRITE_BATCH_BYTES || (busy && batchBytes < MAX_BUFFERED_BYTES)) continue;
        await writing; // settled unless the batch is full; rethrows a failed write
        flush();
      }
      await writing;
      if (batch.length > 0) flush();
      await writing;
    } finally {
      await writing.catch(() => undefined);
      await file.close();
    }
    return size;
  }

  /** Reads and drops the rest; false if more than `limit` total bytes came (the caller then hangs up). */
  async discardRest(limit: number): Promise<boolean> {
    try {
      while (await this.next(limit));
      return true;
    } catch (err) {
      if (err instanceof PaasError && err.code === 'PAYLOAD_TOO_LARGE') return false;
      throw err;
    }
  }
}

/** Writes every byte of `buffers` at the file's position: one writev, then the rest if it came up short. */
async function writeAll(file: FileHandle, buffers: Buffer[]): Promise<void> {
  // libuv already loops over short writes and IOV_MAX, but it returns a short
  // count instead of an error when a later write fails (ENOSPC); writing the
  // rest again then surfaces that error.
  let written = (await file.writev(buffers)).bytesWritten;
  for (const buffer of buffers) {
    if (written >= buffer.length) {
      written -= buffer.length;
      continue;
    }
    let rest = buffer.subarray(written);
    written = 0;
    while (rest.length > 0) {
      const { bytesWritten } = await file.write(rest);
      if (bytesWritten === 0) throw new Error('writing the pushed pack to disk made no progress');
      rest = rest.subarray(bytesWritten);
    }
  }
}
