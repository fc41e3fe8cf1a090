/**
 * One change at a time per app: deploys, config releases, rollbacks, scaling
 * and restarts of the same app queue behind each other, so two of them never
 * interleave their traffic moves. Different apps run in parallel.
 */
export class AppLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `work` after every earlier change of `app` has finished. */
  run<T>(app: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(app) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(app, tail);
    void tail.then(() => {
      if (this.tails.get(app) === tail) this.tails.delete(app);
    });
    return result;
  }

  busy(app: string): boolean {
    return this.tails.has(app);
  }
}
