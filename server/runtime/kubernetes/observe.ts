/**
 * Pure: what the Runtime interface reports for one instance set, read from
 * its Deployment, its pods and its EndpointSlices as the informers last saw
 * them.
 *
 * - An instance is a pod; it is `stopping` once it has a deletionTimestamp.
 * - A web instance is ready when an EndpointSlice of its set's Service lists
 *   it ready (that is what sends it traffic; kubelet's readiness probe is
 *   behind it); any other instance when its Ready condition is true.
 * - A pod is current when its template token (the restart annotation) is the
 *   Deployment's; the set is updated when the Deployment controller has seen
 *   the latest spec and every pod left is current.
 * - A failure is what keeps a current pod from ever becoming ready without a
 *   change, as Kubernetes itself judges it: a crash loop (CrashLoopBackOff),
 *   a pull that keeps failing (ImagePullBackOff), a container that cannot be
 *   configured, pods that cannot be created (ReplicaFailure), or the
 *   Deployment's progress deadline. Passing states are no verdict: a single
 *   crash, a first failed pull, or a pod Unschedulable while a cluster
 *   autoscaler adds a node; they are the reason given if the deadline passes.
 */
import type { V1Deployment, V1EndpointSlice, V1Pod } from '@kubernetes/client-node';
import type { Instance, InstanceState, ObservedSet, SetKey } from '../runtime.js';
import { ANNOTATIONS, APP_PORT, WEB_PROCESS, instanceName } from './names.js';

export interface SetObjects {
  key: SetKey;
  deployment: V1Deployment;
  pods: V1Pod[];
  slices: V1EndpointSlice[];
}

export function observeSet(input: SetObjects): ObservedSet {
  const { key, deployment } = input;
  const token = deployment.spec?.template?.metadata?.annotations?.[ANNOTATIONS.restartedAt] ?? '';
  const readyEndpoints = new Set(input.slices.flatMap((slice) => (slice.endpoints ?? [])
    .filter((e) => e.conditions?.ready === true && e.targetRef?.kind === 'Pod')
    .map((e) => e.targetRef!.name)));
  const pods = [...input.pods].sort((a, b) => time(a.metadata?.creationTimestamp) - time(b.metadata?.creationTimestamp) || name(a).localeCompare(name(b)));
  const instances = pods.map((pod) => toInstance(key, pod, key.process === WEB_PROCESS ? readyEndpoints.has(name(pod)) : podReady(pod)));
  const live = pods.filter((pod) => !pod.metadata?.deletionTimestamp);
  const current = live.filter((pod) => (pod.metadata?.annotations?.[ANNOTATIONS.restartedAt] ?? '') === token);
  const readyNames = new Set(instances.filter((i) => i.ready).map((i) => i.id));
  const seenSpec = (deployment.status?.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
  const failure = failureOf(key, deployment, current.filter((pod) => !readyNames.has(name(pod))));
  return {
    ...key,
    replicas: deployment.spec?.replicas ?? 1,
    instances,
    readyReplicas: current.filter((pod) => readyNames.has(name(pod))).length,
    updated: seenSpec && current.length === live.length,
    template: token,
    ...(failure ? { failure } : {}),
  };
}

function toInstance(key: SetKey, pod: V1Pod, ready: boolean): Instance {
  const status = pod.status?.containerStatuses?.[0];
  const running = status?.state?.running;
  const terminated = status?.state?.terminated ?? status?.lastState?.terminated;
  const instance: Instance = {
    id: name(pod),
    name: instanceName(key.process, name(pod)),
    app: key.app,
    release: key.release,
    process: key.process,
    state: stateOf(pod),
    restartCount: status?.restartCount ?? 0,
    ready: ready && !pod.metadata?.deletionTimestamp,
  };
  if (key.process === WEB_PROCESS && pod.status?.podIP) instance.endpoint = { host: pod.status.podIP, port: APP_PORT };
  if (running?.startedAt) instance.startedAt = new Date(running.startedAt);
  if (terminated?.exitCode !== undefined && instance.state !== 'running') instance.exitCode = terminated.exitCode;
  const waiting = status?.state?.waiting;
  if (!instance.ready) {
    const reason = unscheduled(pod) ?? (waiting ? `${waiting.reason ?? 'waiting'}${waiting.message ? `: ${waiting.message}` : ''}` : running ? 'readiness probe not passing yet' : undefined);
    if (reason) instance.reason = reason;
  }
  return instance;
}

function stateOf(pod: V1Pod): InstanceState {
  if (pod.metadata?.deletionTimestamp) return 'stopping';
  const status = pod.status?.containerStatuses?.[0];
  if (status?.state?.running) return 'running';
  if (status?.state?.waiting?.reason === 'CrashLoopBackOff') return 'restarting';
  if (status?.state?.terminated) return pod.spec?.restartPolicy === 'Always' ? 'restarting' : 'exited';
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed' ? 'exited' : 'starting';
}

function podReady(pod: V1Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function unscheduled(pod: V1Pod): string | undefined {
  const condition = (pod.status?.conditions ?? []).find((c) => c.type === 'PodScheduled' && c.status === 'False');
  return condition ? `${condition.reason ?? 'Unschedulable'}: ${condition.message ?? 'no node can run it'}` : undefined;
}

const PULL_FAILURES = new Set(['ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);
const CONFIG_FAILURES = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

function failureOf(key: SetKey, deployment: V1Deployment, notReady: V1Pod[]): { instance: string; reason: string } | undefined {
  for (const pod of notReady) {
    const status = pod.status?.containerStatuses?.[0];
    const waiting = status?.state?.waiting;
    const instance = instanceName(key.process, name(pod));
    const exit = status?.lastState?.terminated?.exitCode ?? status?.state?.terminated?.exitCode;
    if (waiting?.reason && PULL_FAILURES.has(waiting.reason)) return { instance, reason: `its image cannot be pulled (${waiting.reason}: ${waiting.message ?? 'no details'})` };
    if (waiting?.reason && CONFIG_FAILURES.has(waiting.reason)) return { instance, reason: `it cannot start (${waiting.reason}: ${waiting.message ?? 'no details'})` };
    if (waiting?.reason === 'CrashLoopBackOff') return { instance, reason: `it crashed (exit code ${exit ?? '?'}) and is restarting` };
  }
  for (const condition of deployment.status?.conditions ?? []) {
    if (condition.type === 'Progressing' && condition.status === 'False' && condition.reason === 'ProgressDeadlineExceeded') {
      return { instance: key.process, reason: `the Deployment made no progress (${condition.message ?? condition.reason})` };
    }
    if (condition.type === 'ReplicaFailure' && condition.status === 'True') {
      return { instance: key.process, reason: `pods cannot be created (${condition.reason ?? ''}: ${condition.message ?? ''})` };
    }
  }
  return undefined;
}

function name(pod: V1Pod): string {
  return pod.metadata?.name ?? '';
}

function time(value: Date | string | undefined): number {
  return value === undefined ? 0 : new Date(value).getTime();
}
