/**
 * A build's log: every line goes to the pusher at once (side-band progress)
 * and to the store in batches, so `paas builds:info` shows it later.
 */
import type { Store } from '../store/store.js';

const BATCH = 50;
/** ANSI escape sequences (npm's colours): git prints remote: lines raw, and the stored log is plain text. */
const ANSI_ESCAPE = /\x1b\[[0-9;?]*[A-Za-z]/g;

export class BuildLog {
  private pending: string[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly store: Store, private readonly buildId: string, private readonly progress: (line: string) => void) {}

  header(text: string): void {
    this.line(`-----> ${text}`);
  }

  line(text: string): void {
    const line = text.replace(/\r?\n$/, '').replace(ANSI_ESCAPE, '');
    this.progress(line);
    this.pending.push(line);
    if (this.pending.length >= BATCH) void this.flush();
  }

  flush(): Promise<void> {
    const lines = this.pending;
    this.pending = [];
    if (lines.length > 0) this.writing = this.writing.then(() => this.store.appendBuildLog(this.buildId, lines));
    return this.writing;
  }
}
