/**
 * The arithmetic of a Deployment rollout, pure, as in
 * pkg/controller/deployment/util/deployment_util.go (ResolveFenceposts,
 * MaxUnavailable, MaxSurge, NewRSNewReplicas, IsSaturated,
 * DeploymentComplete, DeploymentProgressing, GetReplicaSetProportion) and
 * rolling.go (reconcileOldReplicaSets, cleanupUnhealthyReplicas,
 * scaleDownOldReplicaSetsForRollingUpdate). ReplicaSets are reduced to the
 * numbers that matter; the controller turns results into writes.
 */
import type { Obj } from '../../lib/json.js';
import { scaledValue } from '../../lib/int-or-percent.js';

export interface RSView {
  name: string;
  /** spec.replicas (mutated by the planning functions). */
  replicas: number;
  statusReplicas: number;
  available: number;
  created: number;
  annotations: Record<string, string>;
}

export interface DeploymentView {
  replicas: number;
  rolling: boolean;
  maxSurge?: number | string;
  maxUnavailable?: number | string;
}

export function deploymentView(d: Obj): DeploymentView {
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  return { replicas: d.spec?.replicas ?? 1, rolling: d.spec?.strategy?.type !== 'Recreate', maxSurge: ru.maxSurge, maxUnavailable: ru.maxUnavailable };
}

/** Surge rounds up, unavailability down; both 0 means unavailability 1 (upstream's guard against a stuck rollout). */
export function resolveFenceposts(d: DeploymentView): { surge: number; unavailable: number } {
  const surge = scaledValue(d.maxSurge ?? 0, d.replicas, true);
  const unavailable = scaledValue(d.maxUnavailable ?? 0, d.replicas, false);
  if (surge === 0 && unavailable === 0) return { surge, unavailable: 1 };
  return { surge, unavailable };
}

export function maxUnavailable(d: DeploymentView): number {
  if (!d.rolling || d.replicas === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, d.replicas);
}

export function maxSurge(d: DeploymentView): number {
  return d.rolling ? resolveFenceposts(d).surge : 0;
}

const sum = (rss: RSView[], f: (r: RSView) => number): number => rss.reduce((n, r) => n + f(r), 0);

/** NewRSNewReplicas for RollingUpdate: how big the new ReplicaSet may be now. */
export function newRSNewReplicas(d: DeploymentView, all: RSView[], newRS: RSView): number {
  if (!d.rolling) return d.replicas;
  const current = sum(all, (r) => r.replicas);
  const maxTotal = d.replicas + maxSurge(d);
  if (current >= maxTotal) return newRS.replicas;
  const scaleUp = Math.min(maxTotal - current, d.replicas - newRS.replicas);
  return newRS.replicas + scaleUp;
}

export interface ScaleAction {
  rs: RSView;
  to: number;
}

/** reconcileOldReplicaSets: which old ReplicaSets shrink, never dropping availability below replicas - maxUnavailable. */
export function planOldScaleDown(d: DeploymentView, oldRSs: RSView[], newRS: RSView): ScaleAction[] {
  const all = [...oldRSs, newRS];
  if (sum(oldRSs, (r) => r.replicas) === 0) return [];
  const minAvailable = d.replicas - maxUnavailable(d);
  const newUnavailable = newRS.replicas - newRS.available;
  const maxScaledDown = sum(all, (r) => r.replicas) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];
  const actions: ScaleAction[] = [];
  const byAge = [...oldRSs].sort((a, b) => a.created - b.created);
  // cleanupUnhealthyReplicas: first drop old pods that are not available anyway
  let cleaned = 0;
  for (const rs of byAge) {
    if (cleaned >= maxScaledDown) break;
    if (rs.replicas === 0 || rs.available === rs.replicas) continue;
    const down = Math.min(maxScaledDown - cleaned, rs.replicas - rs.available);
    rs.replicas -= down;
    cleaned += down;
    actions.push({ rs, to: rs.replicas });
  }
  // scaleDownOldReplicaSetsForRollingUpdate: then available ones, as far as availability allows
  const available = sum(all, (r) => r.available);
  if (available > minAvailable) {
    const total = available - minAvailable;
    let done = 0;
    for (const rs of byAge) {
      if (done >= total) break;
      if (rs.replicas === 0) continue;
      const down = Math.min(rs.replicas, total - done);
      rs.replicas -= down;
      done += down;
      actions.push({ rs, to: rs.replicas });
    }
  }
  return actions;
}

/** getReplicaSetFraction + GetReplicaSetProportion for proportional scaling. */
function proportion(rs: RSView, d: DeploymentView, statusReplicas: number, toAdd: number, added: number): number {
  if (rs.replicas === 0 || toAdd === 0 || toAdd === added) return 0;
  let fraction: number;
  if (d.replicas === 0) fraction = -rs.replicas;
  else {
    const maxReplicas = d.replicas + maxSurge(d);
    let before = Number(rs.annotations['deployment.kubernetes.io/max-replicas'] ?? 0);
    if (!before) before = statusReplicas;
    fraction = before === 0 ? 0 : Math.round((rs.replicas * maxReplicas) / before) - rs.replicas;
  }
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** The proportional part of DeploymentController.scale: new sizes for every active ReplicaSet. */
export function planProportionalScale(d: DeploymentView, active: RSView[], statusReplicas: number): ScaleAction[] {
  const allowed = d.replicas > 0 ? d.replicas + maxSurge(d) : 0;
  const toAdd = allowed - sum(active, (r) => r.replicas);
  const sorted = [...active].sort((a, b) => (b.replicas !== a.replicas ? b.replicas - a.replicas : toAdd > 0 ? b.created - a.created : a.created - b.created));
  let added = 0;
  const sizes = new Map<RSView, number>();
  for (const rs of sorted) {
    const p = proportion(rs, d, statusReplicas, toAdd, added);
    sizes.set(rs, rs.replicas + p);
    added += p;
  }
  const first = sorted[0];
  if (first && toAdd !== 0) sizes.set(first, Math.max(0, (sizes.get(first) ?? 0) + toAdd - added));
  return sorted.map((rs) => ({ rs, to: sizes.get(rs) ?? rs.replicas }));
}
