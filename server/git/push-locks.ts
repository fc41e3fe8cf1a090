/**
 * One deploy per app at a time. A second push while one is building is
 * refused at once rather than queued: the pusher learns it straight away and
 * the first build's result stays the one that decides main.
 * In-process only: the server is one process per data directory.
 */

export class PushLocks {
  private readonly held = new Set<string>();

  /** A release function, or undefined when the app is already locked. */
  tryAcquire(app: string): (() => void) | undefined {
    if (this.held.has(app)) return undefined;
    this.held.add(app);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held.delete(app);
    };
  }

  isLocked(app: string): boolean {
    return this.held.has(app);
  }
}
