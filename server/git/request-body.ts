/**
 * Reading a git request body as it streams: gzip undone (git compresses large
 * requests, gitprotocol-http.txt "Content-Encoding: gzip"), every decoded
 * byte counted against a limit, pkt-lines taken off the front, and the rest
 * (the packfile) written to disk without being held in memory.
 */
import type { IncomingMessage } from 'node:http';
import { open } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { PaasError } from '../errors.js';
import { decodePktLine } from './pkt-line.js';

/** Bounds the pkt-line section before a pack (command lists are a few KB). */
const MAX_SECTION_BYTES = 1024 * 1024;

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

  /** Writes the rest of the body to a new file; returns its size. */
  async writeRestTo(path: string): Promise<number> {
    const file = await open(path, 'wx');
    let size = 0;
    try {
      for (let chunk = await this.next(); chunk; chunk = await this.next()) {
        await file.write(chunk);
        size += chunk.length;
      }
    } finally {
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
