/**
 * Every timer the double starts goes through one `Timers`, so `close()` can
 * cancel them all and a test process never hangs on a forgotten timeout.
 */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();
  private closed = false;

  /** Runs fn after ms; returns a cancel function. Does nothing once closed. */
  after(ms: number, fn: () => void): () => void {
    if (this.closed) return () => {};
    const t = setTimeout(() => {
      this.pending.delete(t);
      if (!this.closed) fn();
    }, Math.max(0, ms));
    this.pending.add(t);
    return () => {
      clearTimeout(t);
      this.pending.delete(t);
    };
  }

  every(ms: number, fn: () => void): () => void {
    if (this.closed) return () => {};
    const t = setInterval(() => {
      if (!this.closed) fn();
    }, ms);
    this.pending.add(t);
    return () => {
      clearInterval(t);
      this.pending.delete(t);
    };
  }

  /** A promise that resolves after ms (or at close, so awaiting code unwinds). */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed || signal?.aborted) return resolve();
      const cancel = this.after(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      const onAbort = (): void => {
        cancel();
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }
}
