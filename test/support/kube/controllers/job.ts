/**
 * The Job controller (pkg/controller/job/job_controller.go) and the
 * TTL-after-finished controller (pkg/controller/ttlafterfinished). Pods
 * "<job>-<random>" from the template, tracked with the
 * batch.kubernetes.io/job-tracking finalizer that is removed once a
 * finished pod is counted (job tracking with finalizers, GA in 1.26);
 * parallelism and completions; backoffLimit (failed pods, plus container
 * restarts for restartPolicy OnFailure); activeDeadlineSeconds. Status:
 * startTime, active, ready, terminating, succeeded, failed,
 * completionTime; conditions as 1.31+ writes them: SuccessCriteriaMet then
 * Complete (reason CompletionsReached), FailureTarget then Failed (reason
 * BackoffLimitExceeded or DeadlineExceeded), the terminal condition only
 * once no pod is still terminating. Indexed completion mode, suspend
 * semantics beyond "create nothing" and podFailurePolicy are not
 * implemented.
 */
import { clone, jsonEqual, type Obj } from '../lib/json.js';
import { metaTime, parseTime } from '../lib/time.js';
import { JOB_TRACKING_FINALIZER } from '../kinds/job.js';
import { getCondition, omitZero } from './conditions.js';
import type { Controller, ControllerContext } from './manager.js';
import { nsKey, splitKey } from './manager.js';
import { controllerOf, controllerRef, isControlledBy, isPodReady, isTerminal } from './pod-util.js';
import { podFromTemplate } from './replicaset.js';
import type { WorkQueue } from './work-queue.js';

const isFinished = (job: Obj): boolean => ['Complete', 'Failed'].some((t) => getCondition(job.status, t)?.status === 'True');

function jobCondition(type: string, reason: string, message: string, now: number): Obj {
  const t = metaTime(now);
  return { type, status: 'True', lastProbeTime: t, lastTransitionTime: t, reason, message };
}

export function jobController(ctx: ControllerContext, queue: WorkQueue): Controller {
  const { api } = ctx;
  const jobs = api.kind('jobs');
  const pods = api.kind('pods');

  const dropFinalizer = (pod: Obj): void => {
    if (!(pod.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER)) return;
    const copy = clone(pod);
    copy.metadata.finalizers = copy.metadata.finalizers.filter((f: string) => f !== JOB_TRACKING_FINALIZER);
    delete copy.metadata.resourceVersion;
    try {
      api.update(pods, pod.metadata.namespace, pod.metadata.name, copy);
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
  };

  const deletePod = (job: Obj, pod: Obj): void => {
    try {
      api.delete(pods, pod.metadata.namespace, pod.metadata.name);
      ctx.events.record(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, 'job-controller');
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
  };

  const ttl = (job: Obj, now: number): void => {
    const seconds = job.spec.ttlSecondsAfterFinished;
    if (seconds === undefined) return;
    const finishedAt = parseTime(job.status?.completionTime) ?? parseTime(getCondition(job.status, 'Failed')?.lastTransitionTime) ?? now;
    const at = finishedAt + seconds * 1000;
    if (at > now) {
      queue.addAfter(nsKey(job), at - now + 10);
      return;
    }
    try {
      // the TTL-after-finished controller deletes in the foreground (ttlafterfinished_controller.go processJob)
      api.delete(jobs, job.metadata.namespace, job.metadata.name, { propagationPolicy: 'Foreground', preconditions: { uid: job.metadata.uid } });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
  };

  const sync = (job: Obj): void => {
    const now = ctx.now();
    const ownedPods = (): Obj[] => api.store.ownedBy('/pods', job.metadata.uid).filter((p) => p.metadata.namespace === job.metadata.namespace && isControlledBy(p, job));
    const owned = ownedPods();
    if (isFinished(job)) {
      for (const p of owned) if (isTerminal(p) || p.metadata.deletionTimestamp) dropFinalizer(p);
      return ttl(job, now);
    }
    const status: Obj = clone(job.status ?? {});
    const suspended = job.spec.suspend === true;
    if (!suspended) status.startTime ??= metaTime(now);
    for (const p of owned) {
      if (!isTerminal(p) || !(p.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER)) continue;
      if (p.status.phase === 'Succeeded') status.succeeded = (status.succeeded ?? 0) + 1;
      else status.failed = (status.failed ?? 0) + 1;
      dropFinalizer(p);
    }
    let active = owned.filter((p) => !isTerminal(p) && !p.metadata.deletionTimestamp);
    const restarts = job.spec.template?.spec?.restartPolicy === 'OnFailure' ? active.reduce((n, p) => n + ((p.status?.containerStatuses ?? []) as Obj[]).reduce((m, c) => m + (c.restartCount ?? 0), 0), 0) : 0;
    const completions: number | undefined = job.spec.completions;
    const succeeded = status.succeeded ?? 0;
    const deadline = job.spec.activeDeadlineSeconds;
    const started = parseTime(status.startTime);
    let failure: { reason: string; message: string } | undefined;
    // once the controller decided (FailureTarget / SuccessCriteriaMet), the outcome no longer changes
    const target = getCondition(status, 'FailureTarget');
    if (target?.status === 'True') failure = { reason: target.reason, message: target.message };
    else if ((status.failed ?? 0) + restarts > (job.spec.backoffLimit ?? 6)) failure = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    else if (deadline !== undefined && started !== undefined && now - started >= deadline * 1000) failure = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
    const complete = !failure && ((completions !== undefined && succeeded >= completions) || getCondition(status, 'SuccessCriteriaMet')?.status === 'True');

    if (failure || complete) {
      for (const p of active) deletePod(job, p);
      active = [];
    } else if (!suspended) {
      const want = Math.max(0, Math.min(job.spec.parallelism ?? 1, (completions ?? Infinity) - succeeded) - active.length);
      for (let i = 0; i < want; i++) {
        const pod = podFromTemplate(job.spec.template, job, controllerRef(job, jobs));
        pod.metadata.finalizers = [...(pod.metadata.finalizers ?? []), JOB_TRACKING_FINALIZER];
        try {
          const created = api.create(pods, job.metadata.namespace, pod);
          ctx.events.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`, 'job-controller');
          active.push(created);
        } catch (e) {
          ctx.events.record(job, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`, 'job-controller');
          queue.addAfter(nsKey(job), 1000);
          break;
        }
      }
    }
    const terminating = ownedPods().filter((p) => p.metadata.deletionTimestamp && !isTerminal(p)).length;
    status.active = active.length;
    status.ready = active.filter(isPodReady).length;
    status.terminating = terminating;
    status.uncountedTerminatedPods = {};
    const conditions: Obj[] = clone(status.conditions ?? []);
    const add = (type: string, reason: string, message: string): void => {
      if (!conditions.some((c) => c.type === type)) conditions.push(jobCondition(type, reason, message, now));
    };
    if (failure) {
      add('FailureTarget', failure.reason, failure.message);
      if (terminating === 0) {
        add('Failed', failure.reason, failure.message);
        ctx.events.record(job, 'Warning', failure.reason, failure.message, 'job-controller');
      }
    } else if (complete) {
      add('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods');
      if (terminating === 0) {
        add('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods');
        status.completionTime ??= metaTime(now);
        ctx.events.record(job, 'Normal', 'Completed', 'Job completed', 'job-controller');
      }
    }
    if (conditions.length) status.conditions = conditions;
    omitZero(status, ['active', 'succeeded', 'failed']);
    if (!jsonEqual(job.status ?? {}, status)) {
      const copy = clone(job);
      copy.status = status;
      delete copy.metadata.resourceVersion;
      api.update(jobs, job.metadata.namespace, job.metadata.name, copy, { subresource: 'status' });
    }
    if (deadline !== undefined && started !== undefined && !failure && !complete) queue.addAfter(nsKey(job), Math.max(0, started + deadline * 1000 - now) + 10);
  };

  return {
    name: 'job',
    keysFor(ev) {
      if (ev.resource === 'batch/jobs') return ev.type === 'DELETED' ? [] : [nsKey(ev.object)];
      if (ev.resource !== '/pods') return [];
      const ref = controllerOf(ev.object);
      const tracked = ev.type !== 'DELETED' && (ev.object.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
      // orphaned job pods (their Job deleted with propagation Orphan) still carry the finalizer: release them
      if (ref?.kind !== 'Job') return tracked ? [`orphan:${nsKey(ev.object)}`] : [];
      const key = `${ev.object.metadata.namespace}/${ref.name}`;
      if (tracked) {
        const job = api.store.peek('batch/jobs', ev.object.metadata.namespace, ref.name);
        if (!job || job.metadata.uid !== ref.uid) return [`orphan:${nsKey(ev.object)}`];
      }
      return [key];
    },
    initialKeys: () => api.store.scan('batch/jobs').map(nsKey),
    reconcile(key) {
      if (key.startsWith('orphan:')) {
        const { namespace, name } = splitKey(key.slice('orphan:'.length));
        const pod = api.tryGet(pods, namespace, name);
        if (pod) dropFinalizer(pod);
        return;
      }
      const { namespace, name } = splitKey(key);
      const job = api.tryGet(jobs, namespace, name);
      if (!job || job.metadata.deletionTimestamp) {
        for (const p of api.store.scan('/pods', namespace)) {
          const ref = controllerOf(p);
          if (ref?.kind === 'Job' && ref.name === name && (!job || ref.uid === job.metadata.uid) && (isTerminal(p) || p.metadata.deletionTimestamp)) dropFinalizer(p);
        }
        return;
      }
      sync(job);
    },
  };
}
