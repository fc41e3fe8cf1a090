/**
 * The double's etcd: objects by resource, namespace and name, one global
 * revision counter (etcd's revision, which is what every resourceVersion
 * is: strings on the wire, comparable only for equality by clients),
 * a bounded history of change events for resuming watches, and
 * synchronous subscribers (the watch streams and the controllers' queues).
 *
 * Stored objects are deep-frozen, so one object serves every reader:
 * change events, watch history, list snapshots and the read-only lookups
 * (`peek`, `scan`, `ownedBy`, `byUid`) share it without copying, and any
 * attempt to write through it throws. `get`, `list` and the results of
 * `create`, `update` and `remove` are copies a caller may change. Lookups
 * go through per-resource indexes (table.ts), so they cost what they
 * return, not what the store holds.
 *
 * Subscribers must not write back synchronously (controllers queue work
 * instead), which keeps every change a single atomic step as an etcd
 * transaction is.
 */
import { clone, deepFreeze, type Obj } from '../lib/json.js';
import { ResourceTable } from './table.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: ChangeType;
  /** Registry key of the resource, e.g. "apps/deployments" or "/pods". */
  resource: string;
  /** The object after the change (frozen, shared: never write to it). */
  object: Obj;
  /** The object before this change (MODIFIED, DELETED; frozen, shared). */
  prevObject?: Obj;
  revision: number;
}

export type Subscriber = (event: StoreEvent) => void;

const keyOf = (namespace: string | undefined, name: string): string => `${namespace ?? ''}/${name}`;

interface Subscription {
  seq: number;
  fn: Subscriber;
}

export class Store {
  private revision = 1;
  private compactedRevision = 1;
  private readonly tables = new Map<string, ResourceTable>();
  private readonly uids = new Map<string, { resource: string; key: string }>();
  /** Retained events are history[historyStart..]; the dropped prefix is cut off now and then, not on every event. */
  private history: StoreEvent[] = [];
  private historyStart = 0;
  private nextSeq = 0;
  private readonly everything = new Map<number, Subscription>();
  private readonly byResource = new Map<string, Map<number, Subscription>>();

  constructor(private readonly historyLimit: number) {}

  get currentRevision(): number {
    return this.revision;
  }

  /** Oldest revision a watch may resume from; anything older is gone (410). */
  get oldestResumable(): number {
    return this.compactedRevision;
  }

  private table(resource: string): ResourceTable {
    let t = this.tables.get(resource);
    if (!t) {
      t = new ResourceTable();
      this.tables.set(resource, t);
    }
    return t;
  }

  /** A copy of the object. */
  get(resource: string, namespace: string | undefined, name: string): Obj | undefined {
    const o = this.peek(resource, namespace, name);
    return o ? clone(o) : undefined;
  }

  /** The stored object itself: frozen, for reading only. */
  peek(resource: string, namespace: string | undefined, name: string): Readonly<Obj> | undefined {
    return this.tables.get(resource)?.get(keyOf(namespace, name));
  }

  has(resource: string, namespace: string | undefined, name: string): boolean {
    return this.tables.get(resource)?.has(keyOf(namespace, name)) ?? false;
  }

  /** Copies of the objects in etcd key order (namespace, then name); all namespaces when namespace is undefined. */
  list(resource: string, namespace?: string): Obj[] {
    return this.scan(resource, namespace).map((o) => clone(o));
  }

  /** What list returns, without copying: the stored objects, frozen, for reading only. */
  scan(resource: string, namespace?: string): Readonly<Obj>[] {
    const t = this.tables.get(resource);
    if (!t) return [];
    const keys = namespace === undefined ? t.keys() : t.keysIn(namespace);
    const out = keys.map((k) => t.get(k) as Obj);
    // "" is also where cluster-scoped objects live; as a namespace it matches only objects that say namespace ""
    return namespace === '' ? out.filter((o) => o.metadata?.namespace === '') : out;
  }

  /** How many objects list would return. */
  count(resource: string, namespace?: string): number {
    const t = this.tables.get(resource);
    if (!t) return 0;
    if (namespace === undefined) return t.size;
    return namespace === '' ? this.scan(resource, namespace).length : t.countIn(namespace);
  }

  /** The objects of one resource with an ownerReference to this uid, in any namespace, in key order (frozen, shared). */
  ownedBy(resource: string, ownerUid: string): Readonly<Obj>[] {
    const t = this.tables.get(resource);
    if (!t) return [];
    return t.keysOwnedBy(ownerUid).map((k) => t.get(k) as Obj);
  }

  /** Which resource and object carry this uid (what the garbage collector's graph knows); the object is frozen and shared. */
  byUid(uid: string): { resource: string; object: Readonly<Obj> } | undefined {
    const ref = this.uids.get(uid);
    if (!ref) return undefined;
    const o = this.tables.get(ref.resource)?.get(ref.key);
    return o ? { resource: ref.resource, object: o } : undefined;
  }

  create(resource: string, object: Obj): Obj {
    const stored = clone(object);
    stored.metadata.resourceVersion = String(++this.revision);
    deepFreeze(stored);
    const k = keyOf(stored.metadata.namespace, stored.metadata.name);
    this.table(resource).set(k, stored);
    if (stored.metadata.uid) this.uids.set(stored.metadata.uid, { resource, key: k });
    this.emit({ type: 'ADDED', resource, object: stored, revision: this.revision });
    return clone(stored);
  }

  update(resource: string, object: Obj): Obj {
    const k = keyOf(object.metadata.namespace, object.metadata.name);
    const t = this.table(resource);
    const prev = t.get(k);
    if (!prev) throw new Error(`store: update of missing ${resource} ${k}`);
    const stored = clone(object);
    stored.metadata.resourceVersion = String(++this.revision);
    deepFreeze(stored);
    t.set(k, stored);
    this.emit({ type: 'MODIFIED', resource, object: stored, prevObject: prev, revision: this.revision });
    return clone(stored);
  }

  remove(resource: string, namespace: string | undefined, name: string): Obj | undefined {
    const k = keyOf(namespace, name);
    const prev = this.table(resource).delete(k);
    if (!prev) return undefined;
    if (prev.metadata?.uid) this.uids.delete(prev.metadata.uid);
    const gone = clone(prev);
    gone.metadata.resourceVersion = String(++this.revision);
    this.emit({ type: 'DELETED', resource, object: deepFreeze(clone(gone)), prevObject: prev, revision: this.revision });
    return gone;
  }

  /** Events after `revision`, or 'expired' when history no longer reaches back that far. */
  eventsSince(revision: number): StoreEvent[] | 'expired' {
    if (revision < this.compactedRevision) return 'expired';
    // revisions grow by one per event: binary search for the first one after `revision`
    let lo = this.historyStart;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.history[mid] as StoreEvent).revision > revision) hi = mid;
      else lo = mid + 1;
    }
    return this.history.slice(lo);
  }

  /** Forgets all history, as an etcd compaction plus a watch-cache restart would. */
  compact(): void {
    this.history = [];
    this.historyStart = 0;
    this.compactedRevision = this.revision;
  }

  /** Every change, or only the changes of one resource (a watch); in subscription order either way. */
  subscribe(fn: Subscriber, resource?: string): () => void {
    const sub = { seq: this.nextSeq++, fn };
    let group = this.everything;
    if (resource !== undefined) {
      group = this.byResource.get(resource) ?? new Map();
      this.byResource.set(resource, group);
    }
    group.set(sub.seq, sub);
    return () => {
      group.delete(sub.seq);
      if (resource !== undefined && group.size === 0 && this.byResource.get(resource) === group) this.byResource.delete(resource);
    };
  }

  private emit(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length - this.historyStart > this.historyLimit) {
      this.historyStart = this.history.length - this.historyLimit;
      const last = this.history[this.historyStart - 1];
      if (last) this.compactedRevision = last.revision;
      if (this.historyStart >= this.historyLimit) {
        this.history = this.history.slice(this.historyStart);
        this.historyStart = 0;
      }
    }
    for (const fn of this.subscribersOf(event.resource)) fn(event);
  }

  /** A snapshot (subscribing or unsubscribing during delivery changes nothing for this event), merged by subscription order. */
  private subscribersOf(resource: string): Subscriber[] {
    const all = [...this.everything.values()];
    const some = [...(this.byResource.get(resource)?.values() ?? [])];
    if (some.length === 0) return all.map((s) => s.fn);
    const out: Subscriber[] = [];
    let i = 0;
    let j = 0;
    while (i < all.length || j < some.length) {
      const a = all[i];
      const b = some[j];
      if (b === undefined || (a !== undefined && a.seq < b.seq)) {
        out.push((a as Subscription).fn);
        i++;
      } else {
        out.push(b.fn);
        j++;
      }
    }
    return out;
  }
}
