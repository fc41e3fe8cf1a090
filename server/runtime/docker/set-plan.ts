/**
 * Pure: what the Docker driver does next for one instance set, from the set
 * it was asked to keep (replicas, template token) and the containers it
 * sees. It plays the part of Kubernetes' ReplicaSet and Deployment
 * controllers on one host (kubernetes/pkg/controller/deployment/rolling.go):
 *
 * - Containers that stopped without being asked (`docker stop`, an engine
 *   restart) are started again; Docker's own restart policy handles crashes.
 * - Without a template change: start the missing, retire the extra (the ones
 *   not ready first, then the highest numbers, as `web.3` goes before `web.1`).
 * - A template change (a rolling restart) replaces instances with a surge of
 *   one and none unavailable: a new one starts while there are fewer than
 *   replicas + 1; an old ready one is retired only while the ready count
 *   stays at replicas or above. Old instances that are not ready serve
 *   nobody and go at once.
 * - A set being deleted retires everything.
 * Retiring means out of rotation, drained, then stopped (the driver's part).
 */

export interface SetTarget {
  replicas: number;
  token: string;
  deleting: boolean;
}

export interface ContainerView {
  id: string;
  index: number;
  token: string;
  ready: boolean;
  /** Out of rotation and about to stop: no longer part of the set. */
  stopping: boolean;
  /** Stopped and not coming back by itself (exited, not restarting). */
  down: boolean;
}

export interface SetActions {
  /** New instances to start with the current token. */
  start: number;
  /** Instances to take out of rotation and stop. */
  retire: string[];
  /** Stopped instances to start again. */
  revive: string[];
}

export function planSet(target: SetTarget, containers: readonly ContainerView[]): SetActions {
  const live = containers.filter((c) => !c.stopping);
  if (target.deleting) return { start: 0, retire: live.map((c) => c.id), revive: [] };
  const revive = live.filter((c) => c.down).map((c) => c.id);
  const current = live.filter((c) => c.token === target.token);
  const old = live.filter((c) => c.token !== target.token);
  const notReadyFirst = (a: ContainerView, b: ContainerView) => Number(a.ready) - Number(b.ready) || b.index - a.index;

  if (old.length === 0) {
    const extra = [...current].sort(notReadyFirst).slice(0, Math.max(0, current.length - target.replicas));
    return { start: Math.max(0, target.replicas - current.length), retire: extra.map((c) => c.id), revive: revive.filter((id) => !extra.some((c) => c.id === id)) };
  }

  const retire = old.filter((c) => !c.ready).map((c) => c.id);
  const liveAfter = live.length - retire.length;
  const start = current.length < target.replicas && liveAfter < target.replicas + 1 ? 1 : 0;
  let spare = live.filter((c) => c.ready).length - target.replicas;
  for (const c of old.filter((o) => o.ready).sort((a, b) => a.index - b.index)) {
    if (spare <= 0) break;
    retire.push(c.id);
    spare--;
  }
  return { start, retire, revive: revive.filter((id) => !retire.includes(id)) };
}
