/**
 * Condition lists as controllers maintain them: a condition's
 * lastTransitionTime only moves when its status changes
 * (SetDeploymentCondition, SetReplicaSetCondition, the job controller's
 * ensureJobConditionStatus), and zero counters are left out of status
 * because those fields are `omitempty` in the Go types.
 */
import type { Obj } from '../lib/json.js';

export function getCondition(status: Obj | undefined, type: string): Obj | undefined {
  return ((status?.conditions ?? []) as Obj[]).find((c) => c.type === type);
}

/** SetDeploymentCondition: same status and reason = no change; same status keeps lastTransitionTime; the new one goes last. */
export function setCondition(status: Obj, cond: Obj): void {
  const current = getCondition(status, cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return;
  if (current && current.status === cond.status) cond.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...((status.conditions ?? []) as Obj[]).filter((c) => c.type !== cond.type), cond];
}

export function removeCondition(status: Obj, type: string): void {
  if (!status.conditions) return;
  status.conditions = (status.conditions as Obj[]).filter((c) => c.type !== type);
  if (status.conditions.length === 0) delete status.conditions;
}

export function omitZero(status: Obj, fields: string[]): Obj {
  for (const f of fields) if (status[f] === 0 || status[f] === undefined) delete status[f];
  return status;
}
