/**
 * A build's log: every line goes to the pusher at once (side-band progress)
 * and to the store in batches, so `paas builds:info` shows it later.
 */
import type { Store } from '../store/store.js';

const BATCH = 50;

export class BuildLog {
  private pending: string[] = [];
  private readonly recent: string[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly store: Store, private readonly buildId: string, private readonly progress: (line: string) => void) {}

  header(text: string): void {
    this.line(`-----> ${text}`);
  }

  line(text: string): void {
    const line = text.replace(/\r?\n$/, '');
    this.progress(line);
    this.pending.push(line);
    this.recent.push(line);
    if (this.recent.length > 200) this.recent.shift();
    if (this.pending.length >= BATCH) void this.flush();
  }

  tail(n: number): string[] {
    return this.recent.slice(-n);
  }

  flush(): Promise<void> {
    const lines = this.pending;
    this.pending = [];
    if (lines.length > 0) this.writing = this.writing.then(() => this.store.appendBuildLog(this.buildId, lines));
    return this.writing;
  }
}
