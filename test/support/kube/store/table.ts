/**
 * One resource's objects as the store keeps them, with the indexes the
 * controllers look things up by, so that a lookup costs what it finds
 * rather than what the store holds (client-go's Indexer with the
 * `namespace` index and an owner-uid index, as informer-based controllers
 * add for their dependents):
 * - by key, "<namespace>/<name>" ("/<name>" when cluster-scoped);
 * - by namespace (the namespace part of the key);
 * - by owner uid (every uid among metadata.ownerReferences).
 * Keys come back in etcd key order (plain string order of the whole key);
 * sorted key lists are cached until a key is added or removed, which
 * updates do not do. Objects are stored as given (the store freezes them).
 */
import type { Obj } from '../lib/json.js';

const namespaceOfKey = (key: string): string => key.slice(0, key.indexOf('/'));

const ownerUids = (o: Obj | undefined): Set<string> => {
  const out = new Set<string>();
  for (const r of (o?.metadata?.ownerReferences ?? []) as Obj[]) if (typeof r?.uid === 'string' && r.uid) out.add(r.uid);
  return out;
};

const byString = (a: string, z: string): number => (a < z ? -1 : a > z ? 1 : 0);

function addTo(index: Map<string, Set<string>>, at: string, key: string): void {
  let s = index.get(at);
  if (!s) {
    s = new Set();
    index.set(at, s);
  }
  s.add(key);
}

function removeFrom(index: Map<string, Set<string>>, at: string, key: string): void {
  const s = index.get(at);
  if (!s) return;
  s.delete(key);
  if (s.size === 0) index.delete(at);
}

export class ResourceTable {
  private readonly byKey = new Map<string, Obj>();
  private readonly byNamespace = new Map<string, Set<string>>();
  private readonly byOwner = new Map<string, Set<string>>();
  private sortedAll: string[] | undefined;
  private readonly sortedByNamespace = new Map<string, string[]>();

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): Obj | undefined {
    return this.byKey.get(key);
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Adds or replaces the object at key, keeping the indexes in step. */
  set(key: string, object: Obj): void {
    const prev = this.byKey.get(key);
    this.byKey.set(key, object);
    if (!prev) {
      const ns = namespaceOfKey(key);
      addTo(this.byNamespace, ns, key);
      this.sortedAll = undefined;
      this.sortedByNamespace.delete(ns);
    }
    const before = ownerUids(prev);
    const after = ownerUids(object);
    for (const uid of before) if (!after.has(uid)) removeFrom(this.byOwner, uid, key);
    for (const uid of after) if (!before.has(uid)) addTo(this.byOwner, uid, key);
  }

  delete(key: string): Obj | undefined {
    const prev = this.byKey.get(key);
    if (!prev) return undefined;
    this.byKey.delete(key);
    const ns = namespaceOfKey(key);
    removeFrom(this.byNamespace, ns, key);
    this.sortedAll = undefined;
    this.sortedByNamespace.delete(ns);
    for (const uid of ownerUids(prev)) removeFrom(this.byOwner, uid, key);
    return prev;
  }

  /** Every key in key order. */
  keys(): string[] {
    this.sortedAll ??= [...this.byKey.keys()].sort(byString);
    return this.sortedAll;
  }

  /** The keys in one namespace ("" for cluster-scoped objects), in key order. */
  keysIn(namespace: string): string[] {
    let sorted = this.sortedByNamespace.get(namespace);
    if (!sorted) {
      sorted = [...(this.byNamespace.get(namespace) ?? [])].sort(byString);
      this.sortedByNamespace.set(namespace, sorted);
    }
    return sorted;
  }

  countIn(namespace: string): number {
    return this.byNamespace.get(namespace)?.size ?? 0;
  }

  /** Keys of the objects with an ownerReference to this uid, in key order. */
  keysOwnedBy(uid: string): string[] {
    return [...(this.byOwner.get(uid) ?? [])].sort(byString);
  }
}
