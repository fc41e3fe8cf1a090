/**
 * The double's etcd: objects by resource, namespace and name, one global
 * revision counter (etcd's revision, which is what every resourceVersion
 * is: strings on the wire, comparable only for equality by clients),
 * a bounded history of change events for resuming watches, and
 * synchronous subscribers (the watch streams and the controllers' queues).
 *
 * Reads return copies; callers never hold the stored object. Subscribers
 * must not write back synchronously (controllers queue work instead),
 * which keeps every change a single atomic step as an etcd transaction is.
 */
import { clone, type Obj } from '../lib/json.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: ChangeType;
  /** Registry key of the resource, e.g. "apps/deployments" or "/pods". */
  resource: string;
  object: Obj;
  /** The object before this change (MODIFIED, DELETED). */
  prevObject?: Obj;
  revision: number;
}

export type Subscriber = (event: StoreEvent) => void;

const keyOf = (namespace: string | undefined, name: string): string => `${namespace ?? ''}/${name}`;

export class Store {
  private revision = 1;
  private compactedRevision = 1;
  private readonly objects = new Map<string, Map<string, Obj>>();
  private readonly uids = new Map<string, { resource: string; key: string }>();
  private history: StoreEvent[] = [];
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly historyLimit: number) {}

  get currentRevision(): number {
    return this.revision;
  }

  /** Oldest revision a watch may resume from; anything older is gone (410). */
  get oldestResumable(): number {
    return this.compactedRevision;
  }

  private bucket(resource: string): Map<string, Obj> {
    let b = this.objects.get(resource);
    if (!b) {
      b = new Map();
      this.objects.set(resource, b);
    }
    return b;
  }

  get(resource: string, namespace: string | undefined, name: string): Obj | undefined {
    const o = this.objects.get(resource)?.get(keyOf(namespace, name));
    return o ? clone(o) : undefined;
  }

  has(resource: string, namespace: string | undefined, name: string): boolean {
    return this.objects.get(resource)?.has(keyOf(namespace, name)) ?? false;
  }

  /** Objects in etcd key order (namespace, then name); all namespaces when namespace is undefined. */
  list(resource: string, namespace?: string): Obj[] {
    const b = this.objects.get(resource);
    if (!b) return [];
    const out: [string, Obj][] = [];
    for (const [k, o] of b) if (namespace === undefined || o.metadata?.namespace === namespace) out.push([k, o]);
    out.sort((a, z) => (a[0] < z[0] ? -1 : a[0] > z[0] ? 1 : 0));
    return out.map(([, o]) => clone(o));
  }

  /** Which resource and object carry this uid (what the garbage collector's graph knows). */
  byUid(uid: string): { resource: string; object: Obj } | undefined {
    const ref = this.uids.get(uid);
    if (!ref) return undefined;
    const o = this.objects.get(ref.resource)?.get(ref.key);
    return o ? { resource: ref.resource, object: clone(o) } : undefined;
  }

  create(resource: string, object: Obj): Obj {
    const stored = clone(object);
    stored.metadata.resourceVersion = String(++this.revision);
    const k = keyOf(stored.metadata.namespace, stored.metadata.name);
    this.bucket(resource).set(k, stored);
    if (stored.metadata.uid) this.uids.set(stored.metadata.uid, { resource, key: k });
    this.emit({ type: 'ADDED', resource, object: clone(stored), revision: this.revision });
    return clone(stored);
  }

  update(resource: string, object: Obj): Obj {
    const k = keyOf(object.metadata.namespace, object.metadata.name);
    const prev = this.bucket(resource).get(k);
    if (!prev) throw new Error(`store: update of missing ${resource} ${k}`);
    const stored = clone(object);
    stored.metadata.resourceVersion = String(++this.revision);
    this.bucket(resource).set(k, stored);
    this.emit({ type: 'MODIFIED', resource, object: clone(stored), prevObject: clone(prev), revision: this.revision });
    return clone(stored);
  }

  remove(resource: string, namespace: string | undefined, name: string): Obj | undefined {
    const k = keyOf(namespace, name);
    const prev = this.bucket(resource).get(k);
    if (!prev) return undefined;
    this.bucket(resource).delete(k);
    if (prev.metadata?.uid) this.uids.delete(prev.metadata.uid);
    const gone = clone(prev);
    gone.metadata.resourceVersion = String(++this.revision);
    this.emit({ type: 'DELETED', resource, object: clone(gone), prevObject: clone(prev), revision: this.revision });
    return gone;
  }

  /** Events after `revision`, or 'expired' when history no longer reaches back that far. */
  eventsSince(revision: number): StoreEvent[] | 'expired' {
    if (revision < this.compactedRevision) return 'expired';
    return this.history.filter((e) => e.revision > revision);
  }

  /** Forgets all history, as an etcd compaction plus a watch-cache restart would. */
  compact(): void {
    this.history = [];
    this.compactedRevision = this.revision;
  }

  subscribe(fn: Subscriber): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  private emit(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      const last = dropped[dropped.length - 1];
      if (last) this.compactedRevision = last.revision;
    }
    for (const fn of [...this.subscribers]) fn(event);
  }
}
