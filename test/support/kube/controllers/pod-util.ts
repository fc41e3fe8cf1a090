/**
 * Pod predicates the controllers share, as k8s.io/kubernetes
 * pkg/api/v1/pod/util.go defines them: a pod is ready when its Ready
 * condition is True, available when it has been ready for minReadySeconds,
 * active while it is neither finished nor being deleted
 * (controller.FilterActivePods); plus owner-reference helpers
 * (metav1.NewControllerRef, GetControllerOf).
 */
import type { Obj } from '../lib/json.js';
import { parseTime } from '../lib/time.js';
import { apiVersionOf, type KindDef } from '../kinds/kind.js';

export function condition(obj: Obj, type: string): Obj | undefined {
  return ((obj.status?.conditions ?? []) as Obj[]).find((c) => c.type === type);
}

export function isPodReady(pod: Obj): boolean {
  return condition(pod, 'Ready')?.status === 'True';
}

export function isPodAvailable(pod: Obj, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = parseTime(condition(pod, 'Ready')?.lastTransitionTime);
  return since !== undefined && since + minReadySeconds * 1000 <= now;
}

export function isTerminal(pod: Obj): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

export function isActive(pod: Obj): boolean {
  return !isTerminal(pod) && !pod.metadata?.deletionTimestamp;
}

export function controllerRef(owner: Obj, kind: KindDef): Obj {
  return { apiVersion: apiVersionOf(kind), kind: kind.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

export function controllerOf(obj: Obj): Obj | undefined {
  return ((obj.metadata?.ownerReferences ?? []) as Obj[]).find((r) => r.controller === true);
}

export function isControlledBy(obj: Obj, owner: Obj): boolean {
  return controllerOf(obj)?.uid === owner.metadata.uid;
}

/** Milliseconds until a ready pod becomes available, or undefined when it already is (or is not ready). */
export function msUntilAvailable(pod: Obj, minReadySeconds: number, now: number): number | undefined {
  if (!isPodReady(pod) || !minReadySeconds) return undefined;
  const since = parseTime(condition(pod, 'Ready')?.lastTransitionTime);
  if (since === undefined) return undefined;
  const at = since + minReadySeconds * 1000;
  return at > now ? at - now : undefined;
}
