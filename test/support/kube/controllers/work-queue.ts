/**
 * A keyed work queue in the spirit of client-go's workqueue: a key queued
 * several times before it is processed is processed once, keys can be
 * queued for later (time-based resyncs: minReadySeconds, progress
 * deadlines, TTLs), and a failed reconcile is retried after a short delay.
 * Reconcilers run synchronously against the in-memory store, one key at a
 * time, so they never race each other.
 */
import type { Timers } from '../lib/timers.js';

export class WorkQueue {
  private readonly pending = new Set<string>();
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly name: string,
    private readonly reconcile: (key: string) => void,
    private readonly timers: Timers,
    private readonly log: (line: string) => void,
  ) {}

  add(key: string): void {
    if (this.closed) return;
    this.pending.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  addAfter(key: string, ms: number): void {
    if (ms <= 0) this.add(key);
    else this.timers.after(ms, () => this.add(key));
  }

  private drain(): void {
    this.scheduled = false;
    if (this.closed) return;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      try {
        this.reconcile(key);
      } catch (e) {
        const code = (e as { code?: number }).code;
        if (code !== 409 && code !== 404) this.log(`kube-double: ${this.name} ${key}: ${(e as Error)?.message ?? String(e)}`);
        this.addAfter(key, 100);
      }
    }
  }

  close(): void {
    this.closed = true;
    this.pending.clear();
  }
}
