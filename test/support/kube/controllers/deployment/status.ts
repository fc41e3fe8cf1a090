/**
 * Deployment status and conditions, pure: calculateStatus (sync.go) and
 * syncRolloutStatus (progress.go) with the upstream reasons and messages:
 * Available True/MinimumReplicasAvailable "Deployment has minimum
 * availability." or False/MinimumReplicasUnavailable; Progressing
 * NewReplicaSetCreated / FoundNewReplicaSet / ReplicaSetUpdated
 * ("ReplicaSet \"x\" is progressing.") / NewReplicaSetAvailable
 * ("ReplicaSet \"x\" has successfully progressed.") /
 * ProgressDeadlineExceeded ("ReplicaSet \"x\" has timed out progressing.")
 * once progressDeadlineSeconds pass after the last progress.
 */
import { clone, jsonEqual, type Obj } from '../../lib/json.js';
import { metaTime, parseTime } from '../../lib/time.js';
import { getCondition, omitZero, removeCondition, setCondition } from '../conditions.js';
import { deploymentView, maxUnavailable } from './rollout-math.js';

export const DeploymentReason = {
  NewReplicaSetCreated: 'NewReplicaSetCreated',
  FoundNewReplicaSet: 'FoundNewReplicaSet',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
  ReplicaSetCreateError: 'ReplicaSetCreateError',
  DeploymentPaused: 'DeploymentPaused',
  DeploymentResumed: 'DeploymentResumed',
} as const;

export const DEPLOYMENT_STATUS_COUNTERS = ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'];

export function newCondition(type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string, now: number): Obj {
  const t = metaTime(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

const count = (rss: Obj[], f: (rs: Obj) => number): number => rss.reduce((n, rs) => n + f(rs), 0);

export function calculateStatus(d: Obj, all: Obj[], newRS: Obj | undefined, now: number): Obj {
  const available = count(all, (rs) => rs.status?.availableReplicas ?? 0);
  const total = count(all, (rs) => rs.spec?.replicas ?? 0);
  const status: Obj = {
    observedGeneration: d.metadata.generation,
    replicas: count(all, (rs) => rs.status?.replicas ?? 0),
    updatedReplicas: newRS?.status?.replicas ?? 0,
    readyReplicas: count(all, (rs) => rs.status?.readyReplicas ?? 0),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (d.status?.conditions) status.conditions = clone(d.status.conditions);
  const replicas = d.spec?.replicas ?? 1;
  if (available >= replicas - maxUnavailable(deploymentView(d))) {
    setCondition(status, newCondition('Available', 'True', DeploymentReason.MinimumReplicasAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition('Available', 'False', DeploymentReason.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', now));
  }
  return status;
}

export function deploymentComplete(d: Obj, s: Obj): boolean {
  const r = d.spec?.replicas ?? 1;
  return (s.updatedReplicas ?? 0) === r && (s.replicas ?? 0) === r && (s.availableReplicas ?? 0) === r && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

function deploymentProgressing(d: Obj, s: Obj): boolean {
  const old: Obj = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld || (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

function timedOut(d: Obj, s: Obj, now: number): boolean {
  const cond = getCondition(s, 'Progressing');
  if (!cond || cond.reason === DeploymentReason.NewReplicaSetAvailable) return false;
  if (cond.reason === DeploymentReason.ProgressDeadlineExceeded) return true;
  const from = parseTime(cond.lastUpdateTime) ?? now;
  return from + d.spec.progressDeadlineSeconds * 1000 < now;
}

export interface RolloutStatus {
  status: Obj;
  /** When to look again for a progress deadline (ms from now), if the rollout is still going. */
  recheckInMs?: number;
}

/** syncRolloutStatus: the status to write after a rollout step. */
export function rolloutStatus(d: Obj, all: Obj[], newRS: Obj | undefined, replicaFailure: Obj | undefined, now: number): RolloutStatus {
  const s = calculateStatus(d, all, newRS, now);
  const hasDeadline = d.spec?.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== 2147483647;
  if (!hasDeadline) removeCondition(s, 'Progressing');
  const current = getCondition(d.status, 'Progressing');
  const complete = s.replicas === s.updatedReplicas && current?.reason === DeploymentReason.NewReplicaSetAvailable;
  const rsName = newRS?.metadata?.name;
  if (hasDeadline && !complete) {
    if (deploymentComplete(d, s)) {
      const msg = rsName ? `ReplicaSet "${rsName}" has successfully progressed.` : `Deployment "${d.metadata.name}" has successfully progressed.`;
      setCondition(s, newCondition('Progressing', 'True', DeploymentReason.NewReplicaSetAvailable, msg, now));
    } else if (deploymentProgressing(d, s)) {
      const msg = rsName ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
      const cond = newCondition('Progressing', 'True', DeploymentReason.ReplicaSetUpdated, msg, now);
      if (current?.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
      removeCondition(s, 'Progressing');
      s.conditions = [...(s.conditions ?? []), cond];
    } else if (timedOut(d, s, now)) {
      const msg = rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
      setCondition(s, newCondition('Progressing', 'False', DeploymentReason.ProgressDeadlineExceeded, msg, now));
    }
  }
  if (replicaFailure) setCondition(s, replicaFailure);
  else removeCondition(s, 'ReplicaFailure');
  omitZero(s, DEPLOYMENT_STATUS_COUNTERS);
  let recheckInMs: number | undefined;
  const cond = getCondition(s, 'Progressing');
  if (hasDeadline && cond && cond.reason !== DeploymentReason.NewReplicaSetAvailable && cond.reason !== DeploymentReason.ProgressDeadlineExceeded) {
    const from = parseTime(cond.lastUpdateTime) ?? now;
    recheckInMs = Math.max(0, from + d.spec.progressDeadlineSeconds * 1000 - now) + 1000;
  }
  return { status: s, recheckInMs };
}

export function statusChanged(d: Obj, status: Obj): boolean {
  return !jsonEqual(d.status ?? {}, status);
}
