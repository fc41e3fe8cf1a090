/**
 * The scheduler, for the double's one node "double-node": a pending pod
 * whose requests fit the node's allocatable resources (minus what bound,
 * unfinished pods request) is bound (spec.nodeName, condition PodScheduled
 * True, event Scheduled "Successfully assigned ns/pod to double-node");
 * one that does not fit stays Pending with PodScheduled False, reason
 * Unschedulable and the message kube-scheduler writes
 * ("0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes
 * are available: 1 No preemption victims found for incoming pod."), and is
 * retried when pods go away. Requests are computed as the scheduler does:
 * max(sum of containers, largest init container) (resource helpers
 * PodRequests).
 */
import { clone, type Obj } from '../lib/json.js';
import { quantityValue } from '../lib/quantity.js';
import { metaTime } from '../lib/time.js';
import type { Controller, ControllerContext } from './manager.js';
import { nsKey, splitKey } from './manager.js';
import { isTerminal } from './pod-util.js';
import type { WorkQueue } from './work-queue.js';

export const NODE_NAME = 'double-node';

export interface NodeCapacity {
  cpu: string;
  memory: string;
  pods?: number;
}

export function podRequests(spec: Obj): { cpu: number; memory: number } {
  const sumOf = (containers: Obj[], r: string): number => containers.reduce((n, c) => n + quantityValue(c.resources?.requests?.[r]), 0);
  const maxOf = (containers: Obj[], r: string): number => containers.reduce((n, c) => Math.max(n, quantityValue(c.resources?.requests?.[r])), 0);
  const containers: Obj[] = spec.containers ?? [];
  const init: Obj[] = spec.initContainers ?? [];
  return { cpu: Math.max(sumOf(containers, 'cpu'), maxOf(init, 'cpu')), memory: Math.max(sumOf(containers, 'memory'), maxOf(init, 'memory')) };
}

export function schedulerController(ctx: ControllerContext, queue: WorkQueue, capacity: NodeCapacity): Controller {
  const { api } = ctx;
  const pods = api.kind('pods');
  const pending = (p: Obj): boolean => !p.spec?.nodeName && !p.metadata.deletionTimestamp && (p.spec?.schedulerName ?? 'default-scheduler') === 'default-scheduler';

  const unschedulable = (pod: Obj, message: string): void => {
    const copy = clone(pod);
    const conds: Obj[] = (copy.status.conditions ?? []).filter((c: Obj) => c.type !== 'PodScheduled');
    const prev = (pod.status?.conditions ?? []).find((c: Obj) => c.type === 'PodScheduled');
    if (prev?.status === 'False' && prev.message === message) return;
    conds.push({ type: 'PodScheduled', status: 'False', lastTransitionTime: prev?.status === 'False' ? prev.lastTransitionTime : metaTime(ctx.now()), reason: 'Unschedulable', message });
    copy.status.conditions = conds;
    delete copy.metadata.resourceVersion;
    api.update(pods, pod.metadata.namespace, pod.metadata.name, copy, { subresource: 'status' });
    ctx.events.record(pod, 'Warning', 'FailedScheduling', message, 'default-scheduler');
  };

  return {
    name: 'scheduler',
    keysFor(ev) {
      if (ev.resource !== '/pods') return [];
      if (ev.type !== 'DELETED' && pending(ev.object)) return [nsKey(ev.object)];
      const freed = ev.type === 'DELETED' || (isTerminal(ev.object) && !isTerminal(ev.prevObject ?? {}));
      return freed ? api.store.list('/pods').filter(pending).map(nsKey) : [];
    },
    initialKeys: () => api.store.list('/pods').filter(pending).map(nsKey),
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const pod = api.tryGet(pods, namespace, name);
      if (!pod || !pending(pod)) return;
      const bound = api.store.list('/pods').filter((p) => p.spec?.nodeName === NODE_NAME && !isTerminal(p));
      const used = bound.reduce((acc, p) => {
        const r = podRequests(p.spec);
        return { cpu: acc.cpu + r.cpu, memory: acc.memory + r.memory };
      }, { cpu: 0, memory: 0 });
      const want = podRequests(pod.spec);
      const reasons: string[] = [];
      if (used.cpu + want.cpu > quantityValue(capacity.cpu) + 1e-9) reasons.push('1 Insufficient cpu');
      if (used.memory + want.memory > quantityValue(capacity.memory)) reasons.push('1 Insufficient memory');
      if (bound.length + 1 > (capacity.pods ?? 110)) reasons.push('1 Too many pods');
      if (reasons.length) {
        unschedulable(pod, `0/1 nodes are available: ${reasons.sort().join(', ')}. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.`);
        queue.addAfter(key, 2000);
        return;
      }
      const copy = clone(pod);
      copy.spec.nodeName = NODE_NAME;
      const conds: Obj[] = (copy.status.conditions ?? []).filter((c: Obj) => c.type !== 'PodScheduled');
      conds.push({ type: 'PodScheduled', status: 'True', lastTransitionTime: metaTime(ctx.now()) });
      copy.status.conditions = conds;
      api.writeInternal(pods, copy);
      ctx.events.record(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${NODE_NAME}`, 'default-scheduler');
    },
  };
}
