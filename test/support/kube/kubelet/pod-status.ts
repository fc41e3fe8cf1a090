/**
 * A pod's status as the kubelet computes it (pkg/kubelet/kubelet_pods.go
 * generateAPIPodStatus and getPhase, pkg/kubelet/status/generate.go): the
 * phase from the container states (a waiting container that ran before
 * counts as stopped, so a crash-looping pod with restartPolicy Always is
 * Running; a terminal pod never leaves its phase), and the conditions in
 * upstream order: PodReadyToStartContainers, Initialized, Ready,
 * ContainersReady, PodScheduled, each keeping its lastTransitionTime while
 * its status holds. Pure.
 */
import type { Obj } from '../lib/json.js';
import { metaTime } from '../lib/time.js';

export interface PodStatusInput {
  pod: Obj;
  podIP?: string;
  hostIP: string;
  startTime?: string;
  initStatuses: Obj[];
  containerStatuses: Obj[];
  /** Set once the pod is finished for good (all containers done without restart, or terminated). */
  terminalPhase?: 'Succeeded' | 'Failed';
  initialized: boolean;
  sandboxReady: boolean;
  reason?: string;
  message?: string;
  now: number;
}

export function podPhase(restartPolicy: string, containers: Obj[], initialized: boolean, podIsTerminal: boolean): string {
  if (!initialized) return 'Pending';
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of containers) {
    if (c.state?.running) running++;
    else if (c.state?.terminated) {
      stopped++;
      if (c.state.terminated.exitCode === 0) succeeded++;
    } else if (c.lastState?.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function condition(prev: Obj[], type: string, status: boolean, now: number, reason?: string, message?: string): Obj {
  const s = status ? 'True' : 'False';
  const old = prev.find((c) => c.type === type);
  const c: Obj = { type, status: s, lastTransitionTime: old && old.status === s ? old.lastTransitionTime : metaTime(now) };
  if (!status && reason) c.reason = reason;
  if (!status && message !== undefined) c.message = message;
  return c;
}

export function computePodStatus(i: PodStatusInput): Obj {
  const prev: Obj[] = i.pod.status?.conditions ?? [];
  const restartPolicy = i.pod.spec?.restartPolicy ?? 'Always';
  let phase = i.terminalPhase ?? podPhase(restartPolicy, i.containerStatuses, i.initialized, false);
  if (!i.terminalPhase && !i.initialized && restartPolicy === 'Never' && i.initStatuses.some((c) => c.state?.terminated && c.state.terminated.exitCode !== 0)) phase = 'Failed';
  const unready = i.containerStatuses.filter((c) => !c.ready).map((c) => c.name);
  const incompleteInit = i.initStatuses.filter((c) => !(c.state?.terminated?.exitCode === 0)).map((c) => c.name);
  const completed = phase === 'Succeeded';
  const ready = unready.length === 0 && !completed;
  const readyReason = completed ? 'PodCompleted' : 'ContainersNotReady';
  const readyMessage = completed ? '' : `containers with unready status: [${unready.join(' ')}]`;
  const conditions: Obj[] = [
    condition(prev, 'PodReadyToStartContainers', i.sandboxReady, i.now),
    completed
      ? { ...condition(prev, 'Initialized', true, i.now), reason: 'PodCompleted' }
      : condition(prev, 'Initialized', i.initialized, i.now, 'ContainersNotInitialized', `containers with incomplete status: [${incompleteInit.join(' ')}]`),
    condition(prev, 'Ready', ready, i.now, readyReason, readyMessage),
    condition(prev, 'ContainersReady', ready, i.now, readyReason, readyMessage),
  ];
  const scheduled = prev.find((c) => c.type === 'PodScheduled');
  if (scheduled) conditions.push(scheduled);
  const status: Obj = { phase, conditions };
  if (i.reason) status.reason = i.reason;
  if (i.message) status.message = i.message;
  status.hostIP = i.hostIP;
  status.hostIPs = [{ ip: i.hostIP }];
  if (i.podIP) {
    status.podIP = i.podIP;
    status.podIPs = [{ ip: i.podIP }];
  }
  if (i.startTime) status.startTime = i.startTime;
  if (i.initStatuses.length) status.initContainerStatuses = i.initStatuses;
  status.containerStatuses = i.containerStatuses;
  status.qosClass = i.pod.status?.qosClass;
  return status;
}
