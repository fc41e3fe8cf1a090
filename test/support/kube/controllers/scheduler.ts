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
 * PodRequests). What the node already runs comes from a cache fed by pod
 * changes (NodeInfo below), so scheduling one pod costs the same however
 * many pods the double holds.
 */
import { clone, type Obj } from '../lib/json.js';
import { parseQuantity } from '../lib/quantity.js';
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

/** PodRequests in nano-units (exact sums, as the scheduler's integer milli-CPU and bytes are). */
export function podRequests(spec: Obj): { cpu: bigint; memory: bigint } {
  const value = (c: Obj, r: string): bigint => {
    const q = c.resources?.requests?.[r];
    return q === undefined ? 0n : (parseQuantity(q)?.nanos ?? 0n);
  };
  const sumOf = (containers: Obj[], r: string): bigint => containers.reduce((n, c) => n + value(c, r), 0n);
  const maxOf = (containers: Obj[], r: string): bigint => containers.reduce((n, c) => (value(c, r) > n ? value(c, r) : n), 0n);
  const containers: Obj[] = spec.containers ?? [];
  const init: Obj[] = spec.initContainers ?? [];
  const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
  return { cpu: max(sumOf(containers, 'cpu'), maxOf(init, 'cpu')), memory: max(sumOf(containers, 'memory'), maxOf(init, 'memory')) };
}

const pending = (p: Obj): boolean => !p.spec?.nodeName && !p.metadata.deletionTimestamp && (p.spec?.schedulerName ?? 'default-scheduler') === 'default-scheduler';
const onNode = (p: Obj): boolean => p.spec?.nodeName === NODE_NAME && !isTerminal(p);

/**
 * The scheduler's cache (pkg/scheduler/backend/cache, NodeInfo): what the
 * unfinished pods bound to the node request, and which pods wait to be
 * scheduled, kept up to date from every pod change instead of listing pods.
 */
class NodeInfo {
  private readonly requested = new Map<string, { cpu: bigint; memory: bigint }>();
  private readonly waiting = new Set<string>();
  cpu = 0n;
  memory = 0n;

  get pods(): number {
    return this.requested.size;
  }

  /** The pods waiting to be scheduled, in key order. */
  pending(): string[] {
    return [...this.waiting].sort((a, z) => (a < z ? -1 : a > z ? 1 : 0));
  }

  /** The pod's current state (undefined: it left storage); replaces whatever was known of that pod. */
  observe(uid: string, key: string, pod: Obj | undefined): void {
    const had = this.requested.get(uid);
    if (had) {
      this.cpu -= had.cpu;
      this.memory -= had.memory;
      this.requested.delete(uid);
    }
    if (pod && onNode(pod)) {
      const r = podRequests(pod.spec);
      this.requested.set(uid, r);
      this.cpu += r.cpu;
      this.memory += r.memory;
    }
    if (pod && pending(pod)) this.waiting.add(key);
    else this.waiting.delete(key);
  }
}

export function schedulerController(ctx: ControllerContext, queue: WorkQueue, capacity: NodeCapacity): Controller {
  const { api } = ctx;
  const pods = api.kind('pods');
  const node = new NodeInfo();
  const cpuCapacity = parseQuantity(capacity.cpu)?.nanos ?? 0n;
  const memoryCapacity = parseQuantity(capacity.memory)?.nanos ?? 0n;

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
      node.observe(ev.object.metadata.uid, nsKey(ev.object), ev.type === 'DELETED' ? undefined : ev.object);
      if (ev.type !== 'DELETED' && pending(ev.object)) return [nsKey(ev.object)];
      const freed = ev.type === 'DELETED' || (isTerminal(ev.object) && !isTerminal(ev.prevObject ?? {}));
      return freed ? node.pending() : [];
    },
    initialKeys: () => {
      // pods stored before the controllers started (observing a pod again replaces what was known of it)
      for (const p of api.store.scan('/pods')) node.observe(p.metadata.uid, nsKey(p), p);
      return node.pending();
    },
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const pod = api.store.peek('/pods', namespace, name);
      if (!pod || !pending(pod)) return;
      const want = podRequests(pod.spec);
      const reasons: string[] = [];
      // the float arithmetic this replaces allowed 1e-9 CPU of rounding error; one nano-CPU is the same allowance
      if (node.cpu + want.cpu > cpuCapacity + 1n) reasons.push('1 Insufficient cpu');
      if (node.memory + want.memory > memoryCapacity) reasons.push('1 Insufficient memory');
      if (node.pods + 1 > (capacity.pods ?? 110)) reasons.push('1 Too many pods');
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
