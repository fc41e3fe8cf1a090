/**
 * The deployment controller (pkg/controller/deployment: deployment_controller.go
 * syncDeployment, sync.go getNewReplicaSet / scale / cleanupDeployment,
 * rolling.go rolloutRolling, recreate.go rolloutRecreate, progress.go).
 * One ReplicaSet per pod template (`<deployment>-<pod-template-hash>`),
 * rolling updates within maxSurge/maxUnavailable, Recreate waiting for old
 * pods to be gone, proportional scaling, revision annotations, status and
 * conditions, and old ReplicaSets pruned beyond revisionHistoryLimit.
 */
import { clone, type Obj } from '../../lib/json.js';
import { matchesLabels, selectorFromStruct } from '../../selectors/label-selector.js';
import { getCondition, setCondition } from '../conditions.js';
import type { Controller, ControllerContext } from '../manager.js';
import { nsKey, splitKey } from '../manager.js';
import { controllerOf, controllerRef, isControlledBy, isTerminal } from '../pod-util.js';
import type { WorkQueue } from '../work-queue.js';
import { deploymentView, maxSurge, newRSNewReplicas, planOldScaleDown, planProportionalScale, type RSView } from './rollout-math.js';
import { byCreation, DeploymentAnnotation, equalIgnoreHash, findNewReplicaSet, makeReplicaSet, revisionOf, setNewReplicaSetAnnotations, setReplicasAnnotations, templateHash } from './replica-sets.js';
import { calculateStatus, deploymentComplete, DeploymentReason, DEPLOYMENT_STATUS_COUNTERS, newCondition, rolloutStatus, statusChanged } from './status.js';
import { omitZero } from '../conditions.js';

const view = (rs: Obj): RSView => ({
  name: rs.metadata.name,
  replicas: rs.spec?.replicas ?? 0,
  statusReplicas: rs.status?.replicas ?? 0,
  available: rs.status?.availableReplicas ?? 0,
  created: Date.parse(rs.metadata.creationTimestamp ?? '') || 0,
  annotations: rs.metadata.annotations ?? {},
});

const hasProgressDeadline = (d: Obj): boolean => d.spec?.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== 2147483647;

export function deploymentController(ctx: ControllerContext, queue: WorkQueue): Controller {
  const { api } = ctx;
  const deployments = api.kind('deployments');
  const replicasets = api.kind('replicasets');

  const ownerKey = (rs: Obj | undefined): string[] => {
    const ref = rs ? controllerOf(rs) : undefined;
    return rs && ref?.kind === 'Deployment' ? [`${rs.metadata.namespace}/${ref.name}`] : [];
  };

  /** Writes status (and annotations, which the status strategy lets through) unconditionally: reconciles never interleave here. */
  const writeStatus = (d: Obj): Obj => {
    const copy = clone(d);
    delete copy.metadata.resourceVersion;
    return api.update(deployments, d.metadata.namespace, d.metadata.name, copy, { subresource: 'status' });
  };

  const scaleRS = (d: Obj, rs: Obj, to: number): Obj => {
    const dv = deploymentView(d);
    const copy = clone(rs);
    const from = copy.spec.replicas ?? 0;
    copy.spec.replicas = to;
    const annotationsChanged = setReplicasAnnotations(copy, dv.replicas, dv.replicas + maxSurge(dv));
    if (from === to && !annotationsChanged) return rs;
    delete copy.metadata.resourceVersion;
    const updated = api.update(replicasets, rs.metadata.namespace, rs.metadata.name, copy);
    if (from !== to) {
      // sync.go scaleReplicaSet words it "to N from M"; creating a ReplicaSet says "from 0 to N"
      ctx.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} to ${to} from ${from}`, 'deployment-controller');
    }
    return updated;
  };

  /** ClaimReplicaSets: owned ones, plus orphans matching the selector (adopted). */
  const claimReplicaSets = (d: Obj): Obj[] => {
    const selector = selectorFromStruct(d.spec.selector);
    const out: Obj[] = [];
    for (const rs of api.store.scan('apps/replicasets', d.metadata.namespace)) {
      if (isControlledBy(rs, d)) out.push(rs);
      else if (!controllerOf(rs) && !rs.metadata.deletionTimestamp && !d.metadata.deletionTimestamp && matchesLabels(selector, rs.metadata.labels)) {
        const copy = clone(rs);
        copy.metadata.ownerReferences = [...(copy.metadata.ownerReferences ?? []), controllerRef(d, deployments)];
        out.push(api.update(replicasets, rs.metadata.namespace, rs.metadata.name, copy));
      }
    }
    return out;
  };

  const setRevision = (d: Obj, revision: string | undefined): boolean => {
    if (revision === undefined) return false;
    d.metadata.annotations ??= {};
    if (d.metadata.annotations[DeploymentAnnotation.revision] === revision) return false;
    d.metadata.annotations[DeploymentAnnotation.revision] = revision;
    return true;
  };

  /** getAllReplicaSetsAndSyncRevision / getNewReplicaSet. */
  const replicaSetsOf = (state: { d: Obj }, rsList: Obj[], create: boolean): { newRS?: Obj; oldRSs: Obj[] } => {
    let d = state.d;
    const existing = findNewReplicaSet(d, rsList);
    const oldRSs = rsList.filter((rs) => rs.metadata.uid !== existing?.metadata.uid);
    const newRevision = Math.max(0, ...oldRSs.map(revisionOf)) + 1;
    const dv = deploymentView(d);
    const desired = dv.replicas;
    const max = desired + maxSurge(dv);
    if (existing) {
      const copy = clone(existing);
      const annotationsChanged = setNewReplicaSetAnnotations(d, copy, newRevision, true, desired, max);
      const minReadyChanged = (copy.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0);
      copy.spec.minReadySeconds = d.spec.minReadySeconds ?? 0;
      let rs = existing;
      if (annotationsChanged || minReadyChanged) {
        delete copy.metadata.resourceVersion;
        rs = api.update(replicasets, existing.metadata.namespace, existing.metadata.name, copy);
      }
      let needsUpdate = setRevision(d, rs.metadata.annotations?.[DeploymentAnnotation.revision]);
      if (hasProgressDeadline(d) && !getCondition(d.status, 'Progressing')) {
        d.status ??= {};
        setCondition(d.status, newCondition('Progressing', 'True', DeploymentReason.FoundNewReplicaSet, `Found new replica set "${rs.metadata.name}"`, ctx.now()));
        needsUpdate = true;
      }
      if (needsUpdate) state.d = d = writeStatus(d);
      return { newRS: rs, oldRSs };
    }
    if (!create) return { oldRSs };
    const hash = templateHash(d);
    const candidate = makeReplicaSet(d, hash, 0, controllerRef(d, deployments));
    candidate.spec.replicas = newRSNewReplicas(dv, [...oldRSs, candidate].map(view), view(candidate));
    setNewReplicaSetAnnotations(d, candidate, newRevision, false, desired, max);
    let created: Obj;
    let alreadyExisted = false;
    try {
      created = api.create(replicasets, d.metadata.namespace, candidate);
    } catch (e) {
      const status = (e as { status?: Obj }).status;
      if (status?.reason === 'AlreadyExists') {
        const found = api.tryGet(replicasets, d.metadata.namespace, candidate.metadata.name);
        if (found && isControlledBy(found, d) && equalIgnoreHash(found.spec.template, d.spec.template)) {
          created = found;
          alreadyExisted = true;
        } else {
          d.status = { ...(d.status ?? {}), collisionCount: (d.status?.collisionCount ?? 0) + 1 };
          state.d = writeStatus(d);
          throw e;
        }
      } else {
        if ((status?.details?.causes ?? []).some((c: Obj) => c.reason === 'NamespaceTerminating')) return { oldRSs };
        const msg = `Failed to create new replica set "${candidate.metadata.name}": ${(e as Error).message}`;
        if (hasProgressDeadline(d)) {
          d.status ??= {};
          setCondition(d.status, newCondition('Progressing', 'False', DeploymentReason.ReplicaSetCreateError, msg, ctx.now()));
          state.d = writeStatus(d);
        }
        ctx.events.record(d, 'Warning', DeploymentReason.ReplicaSetCreateError, msg, 'deployment-controller');
        return { oldRSs };
      }
    }
    if (!alreadyExisted && (created.spec.replicas ?? 0) > 0) {
      ctx.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${created.spec.replicas}`, 'deployment-controller');
    }
    let needsUpdate = setRevision(d, String(newRevision));
    if (!alreadyExisted && hasProgressDeadline(d)) {
      d.status ??= {};
      setCondition(d.status, newCondition('Progressing', 'True', DeploymentReason.NewReplicaSetCreated, `Created new replica set "${created.metadata.name}"`, ctx.now()));
      needsUpdate = true;
    }
    if (needsUpdate) state.d = writeStatus(d);
    return { newRS: created, oldRSs };
  };

  const replicaFailure = (newRS: Obj | undefined, oldRSs: Obj[]): Obj | undefined => {
    for (const rs of [...(newRS ? [newRS] : []), ...oldRSs]) {
      const c = getCondition(rs.status, 'ReplicaFailure');
      if (c?.status === 'True') return { type: 'ReplicaFailure', status: 'True', lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message };
    }
    return undefined;
  };

  const syncRolloutStatus = (state: { d: Obj }, all: Obj[], newRS: Obj | undefined): void => {
    const d = state.d;
    const { status, recheckInMs } = rolloutStatus(d, all, newRS, replicaFailure(newRS, all.filter((r) => r !== newRS)), ctx.now());
    if (statusChanged(d, status)) state.d = writeStatus({ ...d, status });
    if (recheckInMs !== undefined) queue.addAfter(nsKey(d), recheckInMs);
  };

  const cleanup = (d: Obj, oldRSs: Obj[]): void => {
    const limit = d.spec.revisionHistoryLimit;
    if (limit === undefined || limit === null) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    const diff = cleanable.length - limit;
    for (const rs of cleanable.slice(0, Math.max(0, diff))) {
      if ((rs.status?.replicas ?? 0) !== 0 || (rs.spec.replicas ?? 0) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        api.delete(replicasets, rs.metadata.namespace, rs.metadata.name);
      } catch (e) {
        if ((e as { code?: number }).code !== 404) throw e;
      }
    }
  };

  /** DeploymentController.scale: scaling without a template change. */
  const scale = (d: Obj, newRS: Obj | undefined, oldRSs: Obj[]): void => {
    const dv = deploymentView(d);
    const all = [...(newRS ? [newRS] : []), ...oldRSs];
    const active = all.filter((rs) => (rs.spec.replicas ?? 0) > 0);
    if (active.length <= 1) {
      const target = active[0] ?? newRS ?? [...oldRSs].sort(byCreation).reverse()[0];
      if (target) scaleRS(d, target, dv.replicas);
      return;
    }
    const desiredAnnotation = Number(newRS?.metadata.annotations?.[DeploymentAnnotation.desiredReplicas]);
    if (newRS && newRS.spec.replicas === dv.replicas && desiredAnnotation === dv.replicas && (newRS.status?.availableReplicas ?? 0) === dv.replicas) {
      for (const rs of oldRSs.filter((r) => (r.spec.replicas ?? 0) > 0)) scaleRS(d, rs, 0);
      return;
    }
    if (!dv.rolling) return;
    const views = active.map(view);
    for (const a of planProportionalScale(dv, views, d.status?.replicas ?? 0)) {
      const rs = active[views.indexOf(a.rs)];
      if (rs) scaleRS(d, rs, a.to);
    }
  };

  const isScalingEvent = (d: Obj, rsList: Obj[]): boolean => {
    const replicas = deploymentView(d).replicas;
    return rsList.some((rs) => {
      if ((rs.spec.replicas ?? 0) <= 0) return false;
      const desired = rs.metadata.annotations?.[DeploymentAnnotation.desiredReplicas];
      return desired !== undefined && Number(desired) !== replicas;
    });
  };

  const syncOnly = (state: { d: Obj }, rsList: Obj[]): void => {
    const { newRS, oldRSs } = replicaSetsOf(state, rsList, false);
    scale(state.d, newRS, oldRSs);
    if (state.d.spec.paused) cleanup(state.d, oldRSs);
    const all = claimReplicaSets(state.d);
    const fresh = newRS ? all.find((r) => r.metadata.uid === newRS.metadata.uid) : undefined;
    const status = omitZero(calculateStatus(state.d, all, fresh, ctx.now()), DEPLOYMENT_STATUS_COUNTERS);
    if (statusChanged(state.d, status)) state.d = writeStatus({ ...state.d, status });
  };

  const rolloutRolling = (state: { d: Obj }, rsList: Obj[]): void => {
    const { newRS, oldRSs } = replicaSetsOf(state, rsList, true);
    if (!newRS) return;
    const d = state.d;
    const dv = deploymentView(d);
    let all = [...oldRSs, newRS];
    const current = newRS.spec.replicas ?? 0;
    if (current !== dv.replicas) {
      const target = current > dv.replicas ? dv.replicas : newRSNewReplicas(dv, all.map(view), view(newRS));
      if (target !== current) {
        const scaled = scaleRS(d, newRS, target);
        return syncRolloutStatus(state, [...oldRSs, scaled], scaled);
      }
    }
    const activeOld = oldRSs.filter((rs) => (rs.spec.replicas ?? 0) > 0);
    const views = activeOld.map(view);
    const before = views.map((v) => v.replicas);
    planOldScaleDown(dv, views, view(newRS));
    let scaledDown = false;
    views.forEach((v, i) => {
      const rs = activeOld[i];
      if (rs && v.replicas !== before[i]) {
        scaleRS(d, rs, v.replicas);
        scaledDown = true;
      }
    });
    all = claimReplicaSets(state.d);
    const fresh = all.find((r) => r.metadata.uid === newRS.metadata.uid);
    if (scaledDown) return syncRolloutStatus(state, all, fresh);
    if (deploymentComplete(d, d.status ?? {})) cleanup(d, all.filter((r) => r.metadata.uid !== newRS.metadata.uid));
    syncRolloutStatus(state, claimReplicaSets(state.d), fresh);
  };

  const oldPodsRunning = (newRS: Obj | undefined, oldRSs: Obj[]): boolean => {
    if (oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0)) return true;
    const namespace = newRS?.metadata.namespace ?? oldRSs[0]?.metadata.namespace;
    return oldRSs.some((rs) => api.store.ownedBy('/pods', rs.metadata.uid).some((p) => (namespace === undefined || p.metadata.namespace === namespace) && controllerOf(p)?.uid === rs.metadata.uid && !isTerminal(p)));
  };

  const rolloutRecreate = (state: { d: Obj }, rsList: Obj[]): void => {
    let { newRS, oldRSs } = replicaSetsOf(state, rsList, false);
    let scaledDown = false;
    for (const rs of oldRSs.filter((r) => (r.spec.replicas ?? 0) > 0)) {
      scaleRS(state.d, rs, 0);
      scaledDown = true;
    }
    if (scaledDown || oldPodsRunning(newRS, oldRSs)) {
      const all = claimReplicaSets(state.d);
      return syncRolloutStatus(state, all, newRS ? all.find((r) => r.metadata.uid === newRS?.metadata.uid) : undefined);
    }
    if (!newRS) ({ newRS, oldRSs } = replicaSetsOf(state, claimReplicaSets(state.d), true));
    if (newRS && (newRS.spec.replicas ?? 0) !== deploymentView(state.d).replicas) newRS = scaleRS(state.d, newRS, deploymentView(state.d).replicas);
    if (deploymentComplete(state.d, state.d.status ?? {})) cleanup(state.d, oldRSs);
    const all = claimReplicaSets(state.d);
    syncRolloutStatus(state, all, newRS ? all.find((r) => r.metadata.uid === newRS?.metadata.uid) : undefined);
  };

  const checkPausedConditions = (state: { d: Obj }): void => {
    const d = state.d;
    const cond = getCondition(d.status, 'Progressing');
    if (cond?.reason === DeploymentReason.ProgressDeadlineExceeded) return;
    const pausedExists = cond?.reason === DeploymentReason.DeploymentPaused;
    let reason: string | undefined;
    if (d.spec.paused && !pausedExists) reason = DeploymentReason.DeploymentPaused;
    else if (!d.spec.paused && pausedExists) reason = DeploymentReason.DeploymentResumed;
    if (!reason) return;
    d.status ??= {};
    setCondition(d.status, newCondition('Progressing', 'Unknown', reason, d.spec.paused ? 'Deployment is paused' : 'Deployment is resumed', ctx.now()));
    state.d = writeStatus(d);
  };

  return {
    name: 'deployment',
    keysFor(ev) {
      if (ev.resource === 'apps/deployments') return ev.type === 'DELETED' ? [] : [nsKey(ev.object)];
      if (ev.resource === 'apps/replicasets') {
        const keys = [...ownerKey(ev.object), ...ownerKey(ev.prevObject)];
        if (keys.length === 0 && ev.type !== 'DELETED') {
          for (const d of api.store.scan('apps/deployments', ev.object.metadata.namespace)) {
            if (matchesLabels(selectorFromStruct(d.spec?.selector), ev.object.metadata.labels)) keys.push(nsKey(d));
          }
        }
        return [...new Set(keys)];
      }
      if (ev.resource === '/pods' && (ev.type === 'DELETED' || ev.object.status?.phase !== ev.prevObject?.status?.phase)) {
        const ref = controllerOf(ev.object);
        if (ref?.kind !== 'ReplicaSet') return [];
        return ownerKey(api.store.peek('apps/replicasets', ev.object.metadata.namespace, ref.name));
      }
      return [];
    },
    initialKeys: () => api.store.scan('apps/deployments').map(nsKey),
    reconcile(key) {
      const { namespace, name } = splitKey(key);
      const d = api.tryGet(deployments, namespace, name);
      if (!d || d.metadata.deletionTimestamp) return;
      const state = { d };
      const rsList = claimReplicaSets(d);
      checkPausedConditions(state);
      if (state.d.spec.paused || isScalingEvent(state.d, rsList)) return syncOnly(state, rsList);
      if (state.d.spec.strategy?.type === 'Recreate') return rolloutRecreate(state, rsList);
      return rolloutRolling(state, rsList);
    },
  };
}
