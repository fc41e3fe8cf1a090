/**
 * The response half of one receive-pack or upload-pack request: headers sent
 * once, progress on side-band 2 when the client asked for side-band-64k,
 * data with backpressure, and silence once the client has gone away (git may
 * hang up mid-build; the work still finishes and cleans up).
 * Spec: git Documentation/gitprotocol-http.txt, "Smart Service
 * git-upload-pack" / "git-receive-pack" (content types, no caching).
 */
import type { ServerResponse } from 'node:http';
import { resultContentType, type GitService } from './advertisement.js';
import { PKT_FLUSH } from './pkt-line.js';
import { Band, encodeProgress, encodeSideBand } from './side-band.js';

export class GitResponse {
  private started = false;

  constructor(private readonly res: ServerResponse, private readonly service: GitService, readonly sideBand: boolean) {}

  get gone(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  start(): void {
    if (this.started || this.gone) return;
    this.started = true;
    this.res.writeHead(200, {
      'Content-Type': resultContentType(this.service),
      'Cache-Control': 'no-cache, max-age=0, must-revalidate',
      Expires: 'Fri, 01 Jan 1980 00:00:00 GMT',
      Pragma: 'no-cache',
    });
    // Build output must reach the terminal as it happens, not when a buffer fills.
    this.res.flushHeaders();
  }

  /** One line shown by git as "remote: <line>"; dropped without side-band. */
  progress(text: string): void {
    if (!this.sideBand) return;
    for (const line of text.split('\n')) {
      if (line !== '' || !text.endsWith('\n')) this.write(Buffer.concat(encodeProgress(line)));
    }
  }

  /** Pack bytes (band 1 under side-band), waiting while the client is slower than us. */
  async data(bytes: Uint8Array): Promise<void> {
    const packets = this.sideBand ? encodeSideBand(Band.data, bytes) : [Buffer.from(bytes)];
    for (const packet of packets) {
      if (!this.write(packet) && !this.gone) await this.drained();
    }
  }

  /** Raw bytes outside any band: NAK lines, or a whole report already framed. */
  raw(bytes: Uint8Array): boolean {
    return this.write(bytes);
  }

  end(final?: Uint8Array): void {
    this.start();
    if (this.gone) return;
    if (final) this.res.end(final);
    else this.res.end();
  }

  /** The flush-pkt that closes a side-band stream. */
  endSideBand(): void {
    this.end(this.sideBand ? PKT_FLUSH : undefined);
  }

  /** Resolves on 'drain' or 'close', removing both listeners (events.once would leave the loser behind). */
  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  private write(bytes: Uint8Array): boolean {
    this.start();
    if (this.gone) return true;
    return this.res.write(bytes);
  }
}
