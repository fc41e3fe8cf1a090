/**
 * The ReplicaSet controller (pkg/controller/replicaset/replica_set.go):
 * claims pods by selector and controllerRef (adopting orphans), creates
 * missing pods from the template (generateName "<rs>-", the
 * controllerRef, controller.GetPodFromTemplate) and deletes extras,
 * least valuable first (pod-ranking.ts), gracefully. Status: replicas
 * (active pods), fullyLabeledReplicas, readyReplicas, availableReplicas
 * (ready for minReadySeconds), observedGeneration, and a ReplicaFailure
 * condition (reason FailedCreate / FailedDelete) when pod writes fail.
 */
import { clone, type Obj } from '../lib/json.js';
import { metaTime } from '../lib/time.js';
import { matchesLabels, selectorFromStruct } from '../selectors/label-selector.js';
import { getCondition, omitZero, removeCondition } from './conditions.js';
import type { Controller, ControllerContext } from './manager.js';
import { nsKey, splitKey } from './manager.js';
import { controllerOf, controllerRef, isActive, isControlledBy, isPodAvailable, isPodReady, msUntilAvailable } from './pod-util.js';
import { podsToDelete } from './pod-ranking.js';
import type { WorkQueue } from './work-queue.js';
import { jsonEqual } from '../lib/json.js';

export function podFromTemplate(template: Obj, owner: Obj, ref: Obj): Obj {
  const meta: Obj = { generateName: `${owner.metadata.name}-`, namespace: owner.metadata.namespace, ownerReferences: [ref] };
  if (template.metadata?.labels) meta.labels = clone(template.metadata.labels);
  if (template.metadata?.annotations) meta.annotations = clone(template.metadata.annotations);
  if (template.metadata?.finalizers) meta.finalizers = clone(template.metadata.finalizers);
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: clone(template.spec) };
}

export function replicaSetController(ctx: ControllerContext, queue: WorkQueue): Controller {
  const { api } = ctx;
  const replicasets = api.kind('replicasets');
  const pods = api.kind('pods');

  const claimPods = (rs: Obj): Obj[] => {
    const selector = selectorFromStruct(rs.spec.selector);
    const out: Obj[] = [];
    for (const p of api.store.scan('/pods', rs.metadata.namespace)) {
      if (isControlledBy(p, rs)) out.push(p);
      else if (!controllerOf(p) && !p.metadata.deletionTimestamp && !rs.metadata.deletionTimestamp && matchesLabels(selector, p.metadata.labels)) {
        const copy = clone(p);
        copy.metadata.ownerReferences = [...(copy.metadata.ownerReferences ?? []), controllerRef(rs, replicasets)];
        delete copy.metadata.resourceVersion;
        out.push(api.update(pods, p.metadata.namespace, p.metadata.name, copy));
      }
    }
    return out;
  };

  const manage = (rs: Obj, active: Obj[]): Obj | undefined => {
    const diff = active.length - (rs.spec.replicas ?? 0);
    if (diff < 0) {
      for (let i = 0; i < -diff; i++) {
        try {
          const pod = api.create(pods, rs.metadata.namespace, podFromTemplate(rs.spec.template, rs, controllerRef(rs, replicasets)));
          ctx.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'replicaset-controller');
        } catch (e) {
          const message = (e as Error).message;
          ctx.events.record(rs, 'Warning', 'FailedCreate', `Error creating: ${message}`, 'replicaset-controller');
          queue.addAfter(nsKey(rs), 1000);
          return { type: 'ReplicaFailure', status: 'True', lastTransitionTime: metaTime(ctx.now()), reason: 'FailedCreate', message };
        }
      }
    } else if (diff > 0) {
      for (const pod of podsToDelete(active, diff)) {
        try {
          api.delete(pods, pod.metadata.namespace, pod.metadata.name);
          ctx.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, 'replicaset-controller');
        } catch (e) {
          if ((e as { code?: number }).code === 404) continue;
          return { type: 'ReplicaFailure', status: 'True', lastTransitionTime: metaTime(ctx.now()), reason: 'FailedDelete', message: (e as Error).message };
        }
      }
    }
    return undefined;
  };

  return {
    name: 'replicaset',
    keysFor(ev) {
      if (ev.resource === 'apps/replicasets') return ev.type === 'DELETED' ? [] : [nsKey(ev.object)];
      if (ev.resource !== '/pods') return [];
      const keys = new Set<string>();
      for (const o of [ev.object, ev.prevObject]) {
        const ref = o ? controllerOf(o) : undefined;
        if (o && ref?.kind === 'ReplicaSet') keys.add(`${o.metadata.namespace}/${ref.name}`);
      }
      if (keys.size === 0 && ev.type !== 'DELETED' && !controllerOf(ev.object)) {
        for (const rs of api.store.scan('apps/replicasets', ev.object.metadata.namespace)) {
          if (matchesLabels(selectorFromStruct(rs.spec?.selector), ev.object.metadata.labels)) keys.add(nsKey(rs));
        }
      }
      return [...keys];
    },
    initialKeys: () => api.store.scan('apps/replicasets').map(nsKey),
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const rs = api.tryGet(replicasets, namespace, name);
      if (!rs) return;
      let failure: Obj | undefined;
      if (!rs.metadata.deletionTimestamp) failure = manage(rs, claimPods(rs).filter(isActive));
      const owned = api.store.ownedBy('/pods', rs.metadata.uid).filter((p) => p.metadata.namespace === namespace && isControlledBy(p, rs));
      const active = owned.filter(isActive);
      const now = ctx.now();
      const minReady = rs.spec.minReadySeconds ?? 0;
      const selector = selectorFromStruct(rs.spec.selector);
      const templateLabels: Obj = rs.spec.template?.metadata?.labels ?? {};
      const status: Obj = {
        replicas: active.length,
        fullyLabeledReplicas: active.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v) && matchesLabels(selector, p.metadata.labels)).length,
        readyReplicas: active.filter(isPodReady).length,
        availableReplicas: active.filter((p) => isPodAvailable(p, minReady, now)).length,
        observedGeneration: rs.metadata.generation,
      };
      omitZero(status, ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']);
      const previous = getCondition(rs.status, 'ReplicaFailure');
      if (failure) status.conditions = [previous && previous.reason === failure.reason && previous.message === failure.message ? previous : failure];
      else if (rs.status?.conditions) {
        status.conditions = clone(rs.status.conditions);
        removeCondition(status, 'ReplicaFailure');
      }
      if (!jsonEqual(rs.status ?? {}, status)) {
        const copy = clone(rs);
        copy.status = status;
        delete copy.metadata.resourceVersion;
        api.update(replicasets, namespace, name, copy, { subresource: 'status' });
      }
      const waits = active.map((p) => msUntilAvailable(p, minReady, now)).filter((x): x is number => x !== undefined);
      if (waits.length) queue.addAfter(key, Math.min(...waits) + 50);
    },
  };
}
