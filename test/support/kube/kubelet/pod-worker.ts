/**
 * One pod on the double's node, as the kubelet's pod worker
 * (pkg/kubelet/pod_workers.go, kubelet.go SyncPod / SyncTerminatingPod /
 * SyncTerminatedPod) handles it: create the sandbox (pod IP, startTime),
 * run init containers one by one, then the app containers; write status
 * whenever something changes; on graceful deletion stop every container
 * (preStop, SIGTERM, SIGKILL at the deadline), record the terminal phase
 * and confirm the deletion with gracePeriodSeconds=0 (the status manager's
 * final delete, with the pod's uid as precondition); on force deletion just
 * kill everything. activeDeadlineSeconds fails the pod with reason
 * DeadlineExceeded.
 */
import { badRequest, type StatusError } from '../api/status.js';
import { clone, jsonEqual, type Obj } from '../lib/json.js';
import { metaTime } from '../lib/time.js';
import type { Timers } from '../lib/timers.js';
import type { ApiServer } from '../apiserver/api-server.js';
import type { EventRecorder } from '../controllers/events.js';
import type { PodRunner } from '../runners/runner.js';
import type { BackoffSettings } from './backoff.js';
import { ContainerWorker } from './container-worker.js';
import type { LogBuffer } from './log-buffer.js';
import { computePodStatus } from './pod-status.js';

export const HOST_IP = '127.0.0.1';

export interface PodWorkerContext {
  api: ApiServer;
  events: EventRecorder;
  timers: Timers;
  backoff: BackoffSettings;
  probePeriodMs?: number;
  node: { cpu: string; memory: string };
  log(line: string): void;
}

export class PodWorker {
  private latest: Obj;
  private ip?: string;
  private startTime?: string;
  private readonly init: ContainerWorker[];
  private readonly app: ContainerWorker[];
  private initialized = false;
  private terminalPhase?: 'Succeeded' | 'Failed';
  private reason?: string;
  private message?: string;
  private terminating = false;
  private gone = false;
  private writePending = false;
  private cancelDeadline = (): void => {};

  constructor(
    pod: Obj,
    private readonly ctx: PodWorkerContext,
    private readonly runner: PodRunner,
  ) {
    this.latest = pod;
    const host = {
      pod: () => this.latest,
      podIP: () => this.ip ?? '',
      runner,
      store: ctx.api.store,
      timers: ctx.timers,
      node: ctx.node,
      backoff: ctx.backoff,
      probePeriodMs: ctx.probePeriodMs,
      event: (type: 'Normal' | 'Warning', reason: string, message: string, fieldPath: string) => this.event(type, reason, message, fieldPath),
      changed: () => this.scheduleStatus(),
    };
    this.init = ((pod.spec?.initContainers ?? []) as Obj[]).map((c) => new ContainerWorker(c, host, `spec.initContainers{${c.name}}`));
    this.app = ((pod.spec?.containers ?? []) as Obj[]).map((c) => new ContainerWorker(c, host, `spec.containers{${c.name}}`));
    this.initialized = this.init.length === 0;
  }

  get uid(): string {
    return this.latest.metadata.uid;
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    const pod = this.ctx.api.tryGet(this.ctx.api.kind('pods'), this.latest.metadata.namespace, this.latest.metadata.name) ?? this.latest;
    this.ctx.events.record(pod, type, reason, message, 'kubelet', fieldPath);
  }

  start(): void {
    setImmediate(() => void this.run().catch((e) => this.ctx.log(`kube-double: kubelet ${this.latest.metadata.name}: ${(e as Error)?.stack ?? String(e)}`)));
  }

  private async run(): Promise<void> {
    if (this.gone) return;
    this.startTime = metaTime(Date.now());
    this.ip = await this.runner.createSandbox(this.latest);
    if (this.gone) {
      await this.runner.removeSandbox(this.latest, this.ip);
      return;
    }
    const ads = this.latest.spec?.activeDeadlineSeconds;
    if (ads !== undefined) this.cancelDeadline = this.ctx.timers.after(ads * 1000, () => void this.deadlineExceeded());
    this.scheduleStatus();
    if (this.latest.metadata.deletionTimestamp) return;
    for (const w of this.init) {
      const outcome = await w.run(true);
      if (outcome === 'stopped') return;
      if (outcome === 'failed') {
        this.terminalPhase = 'Failed';
        this.scheduleStatus();
        return;
      }
    }
    this.initialized = true;
    this.scheduleStatus();
    const outcomes = await Promise.all(this.app.map((w) => w.run(false)));
    if (this.terminating || this.gone || outcomes.includes('stopped')) return;
    this.terminalPhase = outcomes.every((o) => o === 'succeeded') ? 'Succeeded' : 'Failed';
    this.cancelDeadline();
    this.scheduleStatus();
  }

  private async deadlineExceeded(): Promise<void> {
    if (this.terminating || this.terminalPhase || this.gone) return;
    this.reason = 'DeadlineExceeded';
    this.message = 'Pod was active on the node longer than the specified deadline';
    this.event('Warning', 'DeadlineExceeded', this.message);
    const grace = (this.latest.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
    await Promise.all([...this.init, ...this.app].map((w) => w.stop(grace, true)));
    this.terminalPhase = 'Failed';
    this.scheduleStatus();
  }

  /** A newer version of the pod arrived from the API. */
  update(pod: Obj): void {
    if (pod.metadata.uid !== this.latest.metadata.uid) return;
    this.latest = pod;
    if (pod.metadata.deletionTimestamp && !this.terminating) {
      this.terminating = true;
      setImmediate(() => void this.terminate().catch((e) => this.ctx.log(`kube-double: kubelet terminating ${pod.metadata.name}: ${(e as Error)?.message}`)));
      return;
    }
    const specs: Obj[] = pod.spec?.containers ?? [];
    this.app.forEach((w, i) => {
      const s = specs[i];
      if (s && s.name === w.name && s.image !== w.spec.image) w.replaceSpec(s);
    });
  }

  private async terminate(): Promise<void> {
    const grace = (this.latest.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
    this.cancelDeadline();
    await Promise.all([...this.init, ...this.app].map((w) => w.stop(grace, true)));
    if (this.gone) return;
    if (!this.terminalPhase) {
      const statuses = this.app.map((w) => w.status());
      this.terminalPhase = statuses.every((s) => s.state?.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
    }
    this.writeStatus();
    try {
      this.ctx.api.delete(this.ctx.api.kind('pods'), this.latest.metadata.namespace, this.latest.metadata.name, { gracePeriodSeconds: 0, preconditions: { uid: this.uid } });
    } catch (e) {
      const code = (e as { code?: number }).code;
      if (code !== 404 && code !== 409) throw e;
    }
  }

  /** The pod left storage: kill what runs, free the sandbox. */
  async removed(): Promise<void> {
    if (this.gone) return;
    this.gone = true;
    this.cancelDeadline();
    await Promise.all([...this.init, ...this.app].map((w) => w.stop(0, false)));
    if (this.ip) await this.runner.removeSandbox(this.latest, this.ip);
  }

  private scheduleStatus(): void {
    if (this.gone || this.writePending) return;
    this.writePending = true;
    setImmediate(() => {
      this.writePending = false;
      try {
        this.writeStatus();
      } catch (e) {
        this.ctx.log(`kube-double: kubelet status ${this.latest.metadata.name}: ${(e as Error)?.message}`);
      }
    });
  }

  private writeStatus(): void {
    if (this.gone) return;
    const pods = this.ctx.api.kind('pods');
    const pod = this.ctx.api.tryGet(pods, this.latest.metadata.namespace, this.latest.metadata.name);
    if (!pod || pod.metadata.uid !== this.uid) return;
    const status = computePodStatus({
      pod,
      podIP: this.ip,
      hostIP: HOST_IP,
      startTime: this.startTime,
      initStatuses: this.init.map((w) => w.status()),
      containerStatuses: this.app.map((w) => w.status()),
      terminalPhase: this.terminalPhase,
      initialized: this.initialized,
      sandboxReady: this.ip !== undefined && !this.terminalPhase,
      reason: this.reason,
      message: this.message,
      now: Date.now(),
    });
    if (jsonEqual(pod.status, status)) return;
    const copy = clone(pod);
    copy.status = status;
    delete copy.metadata.resourceVersion;
    this.ctx.api.update(pods, pod.metadata.namespace, pod.metadata.name, copy, { subresource: 'status' });
  }

  log(container: string, previous: boolean): LogBuffer | StatusError {
    const w = [...this.init, ...this.app].find((x) => x.name === container);
    if (!w) return badRequest(`container ${container} is not valid for pod ${this.latest.metadata.name}`);
    const r = w.log(this.latest.metadata.name, previous);
    return typeof r === 'string' ? badRequest(r) : r;
  }
}
