/**
 * Which pods a ReplicaSet deletes first when it scales down:
 * controller.ActivePodsWithRanks.Less (pkg/controller/controller_utils.go):
 * unassigned < assigned; Pending < Unknown < Running; not ready < ready;
 * (co-location rank: one node here, always equal); ready for less time <
 * ready for longer; more restarts < fewer; newer < older. The front of the
 * sorted list goes first.
 */
import type { Obj } from '../lib/json.js';
import { parseTime } from '../lib/time.js';
import { condition, isPodReady } from './pod-util.js';

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function restarts(pod: Obj): number {
  return ((pod.status?.containerStatuses ?? []) as Obj[]).reduce((n, c) => Math.max(n, c.restartCount ?? 0), 0);
}

export function compareForDeletion(a: Obj, b: Obj): number {
  const assigned = (p: Obj): number => (p.spec?.nodeName ? 1 : 0);
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
  const phase = (p: Obj): number => PHASE_RANK[p.status?.phase ?? 'Pending'] ?? 0;
  if (phase(a) !== phase(b)) return phase(a) - phase(b);
  const ready = (p: Obj): number => (isPodReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  if (isPodReady(a) && isPodReady(b)) {
    const ta = parseTime(condition(a, 'Ready')?.lastTransitionTime) ?? 0;
    const tb = parseTime(condition(b, 'Ready')?.lastTransitionTime) ?? 0;
    if (ta !== tb) return tb - ta; // ready more recently goes first
  }
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  const ca = parseTime(a.metadata?.creationTimestamp) ?? 0;
  const cb = parseTime(b.metadata?.creationTimestamp) ?? 0;
  if (ca !== cb) return cb - ca; // newer goes first
  return String(a.metadata?.name).localeCompare(String(b.metadata?.name));
}

export function podsToDelete(pods: Obj[], count: number): Obj[] {
  return [...pods].sort(compareForDeletion).slice(0, Math.max(0, count));
}
