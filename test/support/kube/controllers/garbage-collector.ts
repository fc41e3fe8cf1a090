/**
 * The garbage collector (pkg/controller/garbagecollector: garbagecollector.go
 * attemptToDeleteItem, processDeletingDependentsItem, orphanDependents),
 * working from ownerReferences by uid:
 * - a dependent whose owners are all gone is deleted (in the background,
 *   so Deployment -> ReplicaSets -> Pods cascade one level at a time; pods
 *   are deleted gracefully); one with some live owners only loses the
 *   references to the absent ones;
 * - an owner deleted with propagationPolicy=Orphan keeps its `orphan`
 *   finalizer until its dependents' references to it are removed;
 * - an owner deleted with Foreground keeps `foregroundDeletion` until every
 *   dependent with blockOwnerDeletion is gone; its dependents are deleted
 *   in the foreground too.
 */
import { clone, type Obj } from '../lib/json.js';
import { keyOfKind, type KindDef } from '../kinds/kind.js';
import { Finalizer } from '../apiserver/deletion.js';
import type { Controller, ControllerContext } from './manager.js';
import type { WorkQueue } from './work-queue.js';

const refKey = (prefix: string, resource: string, o: Obj): string => `${prefix}|${resource}|${o.metadata?.namespace ?? ''}|${o.metadata?.name}`;

export function garbageCollector(ctx: ControllerContext, _queue: WorkQueue): Controller {
  const { api, store } = ctx;
  const kinds = (): KindDef[] => api.registry.all().filter((k) => !k.virtualCreate);
  const kindOf = (resource: string): KindDef | undefined => kinds().find((k) => keyOfKind(k) === resource);

  /** Objects referring to the owner's uid, kind by kind in registry order, each kind in key order (frozen, shared). */
  const dependentsOf = (owner: Obj): { kind: KindDef; obj: Obj }[] => {
    const out: { kind: KindDef; obj: Obj }[] = [];
    const ns = owner.metadata.namespace;
    for (const k of kinds()) {
      if (!k.namespaced && ns) continue;
      const scope = k.namespaced ? ns : undefined;
      for (const o of store.ownedBy(keyOfKind(k), owner.metadata.uid)) {
        if (scope === undefined || o.metadata.namespace === scope) out.push({ kind: k, obj: o });
      }
    }
    return out;
  };

  /** The live owner an ownerReference points to, if any (same namespace or cluster-scoped, same uid; frozen, shared). */
  const ownerOf = (dependent: Obj, ref: Obj): Obj | undefined => {
    const found = store.byUid(ref.uid);
    if (!found) return undefined;
    const ns = found.object.metadata.namespace;
    return !ns || ns === dependent.metadata.namespace ? found.object : undefined;
  };

  const isForegroundDeleting = (o: Obj): boolean => !!o.metadata.deletionTimestamp && (o.metadata.finalizers ?? []).includes(Finalizer.foreground);

  const update = (kind: KindDef, obj: Obj): void => {
    const copy = clone(obj);
    delete copy.metadata.resourceVersion;
    api.update(kind, obj.metadata.namespace, obj.metadata.name, copy);
  };

  const remove = (kind: KindDef, obj: Obj, policy: 'Background' | 'Foreground'): void => {
    if (obj.metadata.deletionTimestamp) return;
    try {
      api.delete(kind, obj.metadata.namespace, obj.metadata.name, { propagationPolicy: policy, preconditions: { uid: obj.metadata.uid } });
    } catch (e) {
      const code = (e as { code?: number }).code;
      if (code !== 404 && code !== 409) throw e;
    }
  };

  const attemptToDelete = (kind: KindDef, obj: Obj): void => {
    const refs: Obj[] = obj.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const live: Obj[] = [];
    const waiting: Obj[] = [];
    const absent: Obj[] = [];
    for (const ref of refs) {
      const owner = ownerOf(obj, ref);
      if (!owner) absent.push(ref);
      else if (isForegroundDeleting(owner)) waiting.push(ref);
      else live.push(ref);
    }
    if (live.length === 0) return remove(kind, obj, waiting.length > 0 ? 'Foreground' : 'Background');
    if (absent.length + waiting.length === 0) return;
    const drop = new Set([...absent, ...waiting].map((r) => r.uid));
    const copy = clone(obj);
    copy.metadata.ownerReferences = refs.filter((r) => !drop.has(r.uid));
    update(kind, copy);
  };

  const processDeletingOwner = (kind: KindDef, owner: Obj): void => {
    const finalizers: string[] = owner.metadata.finalizers ?? [];
    const dropFinalizer = (f: string): void => {
      const fresh = api.tryGet(kind, owner.metadata.namespace, owner.metadata.name);
      if (!fresh) return;
      fresh.metadata.finalizers = (fresh.metadata.finalizers ?? []).filter((x: string) => x !== f);
      update(kind, fresh);
    };
    if (finalizers.includes(Finalizer.orphan)) {
      for (const { kind: k, obj } of dependentsOf(owner)) {
        const copy = clone(obj);
        copy.metadata.ownerReferences = (copy.metadata.ownerReferences ?? []).filter((r: Obj) => r.uid !== owner.metadata.uid);
        if (copy.metadata.ownerReferences.length === 0) delete copy.metadata.ownerReferences;
        update(k, copy);
      }
      dropFinalizer(Finalizer.orphan);
      return;
    }
    if (finalizers.includes(Finalizer.foreground)) {
      const deps = dependentsOf(owner);
      for (const { kind: k, obj } of deps) attemptToDelete(k, obj);
      const blocking = dependentsOf(owner).filter(({ obj }) => ((obj.metadata.ownerReferences ?? []) as Obj[]).some((r) => r.uid === owner.metadata.uid && r.blockOwnerDeletion === true));
      if (blocking.length === 0) dropFinalizer(Finalizer.foreground);
    }
  };

  return {
    name: 'garbage-collector',
    keysFor(ev) {
      const keys: string[] = [];
      const o = ev.object;
      if (ev.type === 'DELETED') {
        for (const { kind, obj } of dependentsOf(o)) keys.push(refKey('dep', keyOfKind(kind), obj));
      } else {
        if ((o.metadata.ownerReferences ?? []).length && ((o.metadata.ownerReferences ?? []) as Obj[]).some((r) => !ownerOf(o, r) || isForegroundDeleting(ownerOf(o, r) ?? {metadata: {}}))) {
          keys.push(refKey('dep', ev.resource, o));
        }
        const f: string[] = o.metadata.finalizers ?? [];
        if (o.metadata.deletionTimestamp && (f.includes(Finalizer.orphan) || f.includes(Finalizer.foreground))) keys.push(refKey('owner', ev.resource, o));
      }
      // a dependent changing or going may unblock an owner deleting in the foreground
      for (const ref of (o.metadata.ownerReferences ?? []) as Obj[]) {
        const owner = ownerOf(o, ref);
        const k = owner && kinds().find((x) => x.kind === ref.kind && x.group === String(ref.apiVersion).split('/').slice(0, -1).join('/'));
        if (owner && k && isForegroundDeleting(owner)) keys.push(refKey('owner', keyOfKind(k), owner));
      }
      return keys;
    },
    reconcile(key) {
      const [prefix, resource = '', namespace = '', name = ''] = key.split('|');
      const kind = kindOf(resource);
      if (!kind) return;
      const obj = store.get(resource, namespace || undefined, name);
      if (!obj) return;
      if (prefix === 'dep') attemptToDelete(kind, obj);
      else if (obj.metadata.deletionTimestamp) processDeletingOwner(kind, obj);
    },
  };
}
