/**
 * DELETE as the generic registry store does it (store.go Delete and
 * BeforeDelete, delete.go): DeleteOptions preconditions (uid,
 * resourceVersion; a mismatch is 409 "Precondition failed"),
 * propagationPolicy (Orphan adds the `orphan` finalizer, Foreground the
 * `foregroundDeletion` finalizer, Background leaves dependents to the
 * garbage collector; the default is the kind's DefaultGarbageCollectionPolicy),
 * graceful deletion (pods: deletionTimestamp = now + grace, the object
 * stays until the kubelet confirms with grace 0), finalizers (the object
 * stays with a deletionTimestamp until they are removed), and the answer:
 * the object while it lingers, else the object or a Success Status
 * depending on ReturnDeletedObject.
 */
import { badRequest, conflict, invalid, notFound, successStatus, type Status } from '../api/status.js';
import { fieldError } from '../api/field-errors.js';
import { type Obj } from '../lib/json.js';
import { metaTime, parseTime } from '../lib/time.js';
import { apiVersionOf, groupResource, keyOfKind, type KindDef } from '../kinds/kind.js';
import { markNamespaceTerminating } from '../kinds/namespace.js';
import { admitNamespaceDelete } from './admission.js';
import type { ApiList, ApiServer } from './api-server.js';
import type { ListOptions } from './list.js';

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface DeleteResult {
  /** What the response body is: the object (lingering or ReturnDeletedObject) or a Success Status. */
  body: Obj | Status;
  /** Whether the object left storage now. */
  removed: boolean;
}

export const Finalizer = { orphan: 'orphan', foreground: 'foregroundDeletion' } as const;

function propagation(kind: KindDef, opts: DeleteOptions): PropagationPolicy {
  if (opts.propagationPolicy !== undefined) {
    if (!['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
      throw invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', [fieldError.notSupported('propagationPolicy', opts.propagationPolicy, ['Foreground', 'Background', 'Orphan', 'nil'])]);
    }
    if (opts.orphanDependents !== undefined) {
      throw invalid({ group: 'meta.k8s.io', kind: 'DeleteOptions' }, '', [fieldError.invalid('propagationPolicy', opts.propagationPolicy, 'orphanDependents and deletionPropagation cannot be both set')]);
    }
    return opts.propagationPolicy;
  }
  if (opts.orphanDependents !== undefined) return opts.orphanDependents ? 'Orphan' : 'Background';
  return kind.defaultPropagation ?? 'Background';
}

/** Removes an object that is being deleted once nothing holds it (finalizers, grace period, kind rule). */
export function removeIfFinished(api: ApiServer, kind: KindDef, obj: Obj): Obj | undefined {
  const m = obj.metadata;
  if (!m.deletionTimestamp || (m.finalizers ?? []).length > 0) return undefined;
  if (m.deletionGracePeriodSeconds !== undefined && m.deletionGracePeriodSeconds !== 0) return undefined;
  if (kind.canRemove && !kind.canRemove(obj)) return undefined;
  const gone = api.store.remove(keyOfKind(kind), m.namespace, m.name);
  if (gone) kind.afterRemove?.(gone, api.kindCtx);
  return gone;
}

export function deleteObject(api: ApiServer, kind: KindDef, namespace: string | undefined, name: string, opts: DeleteOptions): DeleteResult {
  if (opts.dryRun) throw badRequest('dryRun is not supported for DELETE by the Kubernetes API double');
  const key = keyOfKind(kind);
  const old = api.store.get(key, namespace, name);
  if (!old) throw notFound(groupResource(kind), name);
  const gr = groupResource(kind);
  const pre = opts.preconditions ?? {};
  if (pre.uid && pre.uid !== old.metadata.uid) throw conflict(gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
  if (pre.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
    throw conflict(gr, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${old.metadata.resourceVersion}`);
  }
  if (kind.resource === 'namespaces' && kind.group === '') admitNamespaceDelete(name);
  const policy = propagation(kind, opts);
  const now = api.kindCtx.now();
  const obj = old;
  const m = obj.metadata;
  const finalizers: string[] = [...(m.finalizers ?? [])];
  const want = policy === 'Orphan' ? Finalizer.orphan : policy === 'Foreground' ? Finalizer.foreground : undefined;
  if (want && !finalizers.includes(want)) {
    finalizers.push(want);
    const other = want === Finalizer.orphan ? Finalizer.foreground : Finalizer.orphan;
    const i = finalizers.indexOf(other);
    if (i >= 0) finalizers.splice(i, 1);
  }
  const grace = kind.gracePeriod ? kind.gracePeriod(obj, { gracePeriodSeconds: opts.gracePeriodSeconds }) : 0;

  if (m.deletionTimestamp) {
    // a repeated DELETE may only shorten a pending grace period, or change the propagation finalizers
    let changed = false;
    const current = m.deletionGracePeriodSeconds ?? 0;
    if (kind.gracePeriod && grace < current) {
      const deadline = Math.min(parseTime(m.deletionTimestamp) ?? now, now + grace * 1000);
      m.deletionTimestamp = metaTime(deadline);
      m.deletionGracePeriodSeconds = grace;
      changed = true;
    }
    if (want && !(m.finalizers ?? []).includes(want)) {
      m.finalizers = finalizers;
      changed = true;
    }
    if (!changed) return { body: api.encode(kind, obj), removed: false };
    const stored = api.store.update(key, obj);
    const gone = removeIfFinished(api, kind, stored);
    return { body: api.encode(kind, gone ?? stored), removed: gone !== undefined };
  }

  if (finalizers.length) m.finalizers = finalizers;
  if (kind.resource === 'namespaces' && kind.group === '') markNamespaceTerminating(obj);
  const lingers = grace > 0 || finalizers.length > 0 || (kind.canRemove !== undefined && !kind.canRemove(obj));
  if (lingers) {
    m.deletionTimestamp = metaTime(now + grace * 1000);
    m.deletionGracePeriodSeconds = grace;
    const stored = api.store.update(key, obj);
    return { body: api.encode(kind, stored), removed: false };
  }
  const gone = api.store.remove(key, namespace, name);
  if (gone) kind.afterRemove?.(gone, api.kindCtx);
  if (kind.returnDeletedObject) return { body: api.encode(kind, gone ?? obj), removed: true };
  return { body: successStatus({ name, group: kind.group || undefined, kind: kind.resource, uid: old.metadata.uid }), removed: true };
}

export function deleteCollection(api: ApiServer, kind: KindDef, namespace: string | undefined, listOpts: ListOptions, opts: DeleteOptions): ApiList {
  const list = api.list(kind, namespace, { labelSelector: listOpts.labelSelector, fieldSelector: listOpts.fieldSelector });
  const items: Obj[] = [];
  for (const item of list.items) {
    try {
      const r = deleteObject(api, kind, item.metadata.namespace, item.metadata.name, opts);
      items.push(r.body);
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
  }
  return { kind: `${kind.kind}List`, apiVersion: apiVersionOf(kind), metadata: { resourceVersion: String(api.store.currentRevision) }, items };
}
