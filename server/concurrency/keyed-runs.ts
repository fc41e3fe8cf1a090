/**
 * Serialized, coalesced runs per key: at most one run of a key at a time,
 * and a request while one runs queues exactly one more, which starts after
 * it (so it sees everything that changed meanwhile). Bursts of requests cost
 * one extra run, not one each; different keys run in parallel. The applier
 * converges apps this way, the Docker driver its instance sets.
 */
export class KeyedRuns {
  private readonly queues = new Map<string, { running: Promise<void>; next?: Promise<void> }>();

  constructor(private readonly work: (key: string) => Promise<void>) {}

  /** Resolves when a run that started after this call has finished. */
  request(key: string): Promise<void> {
    const queue = this.queues.get(key);
    if (queue?.next) return queue.next;
    const run: Promise<void> = (queue?.running ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        const current = this.queues.get(key)!;
        current.running = run;
        current.next = undefined;
        return this.work(key);
      });
    if (queue) queue.next = run;
    else this.queues.set(key, { running: run });
    void run.catch(() => undefined).finally(() => {
      const current = this.queues.get(key);
      if (current?.running === run && !current.next) this.queues.delete(key);
    });
    return run;
  }

  /** Resolves when no run is in progress or queued. */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()].map((q) => (q.next ?? q.running).catch(() => undefined)));
  }
}
