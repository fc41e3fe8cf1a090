/**
 * Serialized, coalesced runs per key: at most one run of a key at a time,
 * and a request while one runs queues exactly one more, which starts after
 * it (so it sees everything that changed meanwhile). Bursts of requests cost
 * one extra run, not one each; different keys run in parallel. The applier
 * converges apps this way, the Docker driver its instance sets.
 */
interface Queue<T> {
  /** The run in progress (or finished last). */
  active?: Promise<T>;
  /** The run that has not started yet: every request until it starts shares it. */
  pending?: Promise<T>;
}

export class KeyedRuns<T = void> {
  private readonly queues = new Map<string, Queue<T>>();

  constructor(private readonly work: (key: string) => Promise<T>) {}

  /** Resolves (with its result) when a run that started after this call has finished. */
  request(key: string): Promise<T> {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = {};
      this.queues.set(key, queue);
    }
    if (queue.pending) return queue.pending;
    const q = queue;
    const run: Promise<T> = (q.active ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        q.pending = undefined;
        q.active = run;
        return this.work(key);
      });
    q.pending = run;
    void run.catch(() => undefined).finally(() => {
      if (q.active === run && !q.pending && this.queues.get(key) === q) this.queues.delete(key);
    });
    return run;
  }

  /** Resolves when no run is in progress or queued. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()].map((q) => (q.pending ?? q.active ?? Promise.resolve()).then(() => undefined, () => undefined)));
  }
}
