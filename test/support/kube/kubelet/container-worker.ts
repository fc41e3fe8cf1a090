/**
 * One container of a pod, from pull to its last exit, as the kubelet's
 * SyncPod / kuberuntime_container.go drive it: resolve the environment
 * (CreateContainerConfigError), pull (ErrImagePull, then ImagePullBackOff
 * while backing off), create and start (Created, Started events), run the
 * postStart hook and the probes, and on exit restart per restartPolicy
 * with back-off (CrashLoopBackOff, "back-off 1s restarting failed
 * container=web pod=web-abc_ns(uid)"), moving the finished instance to
 * lastState and counting restarts. Stopping runs the preStop hook, sends
 * SIGTERM and SIGKILLs after the grace period (never less than 2 s when
 * there is a grace period, kuberuntime's minimumGracePeriodInSeconds).
 * Each instance keeps its own log, addressed by containerID, so "current"
 * and "previous" logs work as `kubectl logs [-p]` expects.
 */
import type { Obj } from '../lib/json.js';
import { metaTime } from '../lib/time.js';
import type { Timers } from '../lib/timers.js';
import type { Store } from '../store/store.js';
import { ImagePullError, StartError, type PodRunner, type RunningContainer } from '../runners/runner.js';
import { Backoff, goDuration, type BackoffSettings } from './backoff.js';
import { EnvError, resolveEnv } from './env.js';
import { runHandler } from './handlers.js';
import { LogBuffer } from './log-buffer.js';
import { ContainerProbes } from './probes.js';

export interface ContainerHost {
  pod(): Obj;
  podIP(): string;
  runner: PodRunner;
  store: Store;
  timers: Timers;
  node: { cpu: string; memory: string };
  backoff: BackoffSettings;
  probePeriodMs?: number;
  event(type: 'Normal' | 'Warning', reason: string, message: string, fieldPath: string): void;
  changed(): void;
}

export type RunOutcome = 'succeeded' | 'failed' | 'stopped';

export class ContainerWorker {
  state: Obj = { waiting: { reason: 'ContainerCreating' } };
  lastState: Obj = {};
  restartCount = 0;
  ready = false;
  started = false;
  imageID = '';
  private instance?: RunningContainer;
  private probes?: ContainerProbes;
  private everStarted = false;
  private pulled = false;
  private stopping = false;
  private readonly logs = new Map<string, LogBuffer>();
  private sleeper = new AbortController();
  private readonly restartBackoff: Backoff;
  private readonly pullBackoff: Backoff;
  private startedAtMs = 0;

  constructor(
    public spec: Obj,
    private readonly host: ContainerHost,
    private readonly fieldPath: string,
  ) {
    this.restartBackoff = new Backoff(host.backoff);
    this.pullBackoff = new Backoff(host.backoff);
  }

  get name(): string {
    return this.spec.name;
  }

  private now(): number {
    return Date.now();
  }

  private podRef(): string {
    const p = this.host.pod();
    return `${p.metadata.name}_${p.metadata.namespace}(${p.metadata.uid})`;
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.host.event(type, reason, message, this.fieldPath);
  }

  private wait(reason: string, message?: string): void {
    this.state = { waiting: message ? { reason, message } : { reason } };
    this.host.changed();
  }

  private sleep(ms: number): Promise<void> {
    return this.host.timers.sleep(ms, this.sleeper.signal);
  }

  /** Loops until the container is done for good (no restart due) or stopped. */
  async run(init: boolean): Promise<RunOutcome> {
    for (;;) {
      if (this.stopping) return 'stopped';
      // the kubelet knows the pod IP before the API does: downward API env sees it from the start
      const pod: Obj = { ...this.host.pod(), status: { ...this.host.pod().status, podIP: this.host.podIP(), podIPs: [{ ip: this.host.podIP() }], hostIP: '127.0.0.1', hostIPs: [{ ip: '127.0.0.1' }] } };
      let env: Record<string, string>;
      try {
        env = resolveEnv({ pod, container: this.spec, store: this.host.store, node: this.host.node });
      } catch (e) {
        if (!(e instanceof EnvError)) throw e;
        this.wait('CreateContainerConfigError', e.message);
        this.event('Warning', 'Failed', `Error: ${e.message}`);
        await this.sleep(this.host.backoff.initialMs * 2);
        continue;
      }
      if (!this.pulled || this.spec.imagePullPolicy === 'Always') {
        try {
          if (this.spec.imagePullPolicy === 'Always') this.event('Normal', 'Pulling', `Pulling image "${this.spec.image}"`);
          const r = await this.host.runner.pull(this.spec.image, this.spec.imagePullPolicy, pod);
          this.imageID = r.imageID;
          this.pulled = true;
          this.pullBackoff.reset();
          this.event('Normal', 'Pulled', r.message);
        } catch (e) {
          if (!(e instanceof ImagePullError)) throw e;
          this.wait(e.reason, e.message);
          this.event('Warning', 'Failed', `Failed to pull image "${this.spec.image}": ${e.message}`);
          this.event('Warning', 'Failed', `Error: ${e.reason}`);
          if (e.reason === 'ErrImageNeverPull') {
            await this.sleep(this.host.backoff.maxMs);
            continue;
          }
          const delay = Math.max(this.pullBackoff.next(), this.host.backoff.initialMs);
          await this.sleep(Math.min(delay / 2, 250));
          if (this.stopping) return 'stopped';
          this.wait('ImagePullBackOff', `Back-off pulling image "${this.spec.image}": ${e.reason}: ${e.message}`);
          this.event('Normal', 'BackOff', `Back-off pulling image "${this.spec.image}"`);
          await this.sleep(delay);
          continue;
        }
      }
      const log = new LogBuffer();
      let inst: RunningContainer;
      try {
        inst = await this.host.runner.start({ pod, container: this.spec, env, podIP: this.host.podIP(), log, attempt: this.restartCount + (this.everStarted ? 1 : 0) });
      } catch (e) {
        if (!(e instanceof StartError)) throw e;
        this.wait(e.reason, e.message);
        this.event('Warning', 'Failed', `Error: ${e.message}`);
        await this.sleep(Math.max(this.restartBackoff.next(), this.host.backoff.initialMs));
        continue;
      }
      if (this.everStarted) this.restartCount++;
      this.everStarted = true;
      this.instance = inst;
      this.logs.set(inst.id, log);
      if (this.logs.size > 3) this.logs.delete([...this.logs.keys()][0] ?? '');
      this.startedAtMs = this.now();
      const startedAt = metaTime(this.startedAtMs);
      this.state = { running: { startedAt } };
      this.started = false;
      this.ready = false;
      this.event('Normal', 'Created', `Created container: ${this.spec.name}`);
      this.event('Normal', 'Started', `Started container ${this.spec.name}`);
      if (this.stopping) inst.signal('SIGKILL');
      else this.startProbes(inst);
      this.host.changed();
      if (this.spec.lifecycle?.postStart && !this.stopping) void this.postStart(inst);
      const exit = await inst.exited;
      this.probes?.stop();
      this.probes = undefined;
      this.instance = undefined;
      this.ready = false;
      this.started = false;
      const terminated: Obj = {
        exitCode: exit.exitCode,
        reason: exit.reason ?? (exit.exitCode === 0 ? 'Completed' : 'Error'),
        startedAt,
        finishedAt: metaTime(this.now()),
        containerID: inst.id,
      };
      this.state = { terminated };
      this.host.changed();
      if (this.stopping) return 'stopped';
      const policy = pod.spec?.restartPolicy ?? 'Always';
      if (init && exit.exitCode === 0) return 'succeeded';
      const restart = init ? policy !== 'Never' : policy === 'Always' || (policy === 'OnFailure' && exit.exitCode !== 0);
      if (!restart) return exit.exitCode === 0 ? 'succeeded' : 'failed';
      const delay = this.restartBackoff.next(this.now() - this.startedAtMs);
      this.lastState = { terminated };
      if (delay > 0) {
        this.wait('CrashLoopBackOff', `back-off ${goDuration(delay)} restarting failed container=${this.spec.name} pod=${this.podRef()}`);
        this.event('Warning', 'BackOff', `Back-off restarting failed container ${this.spec.name} in pod ${this.podRef()}`);
        await this.sleep(delay);
      }
    }
  }

  private startProbes(inst: RunningContainer): void {
    this.probes = new ContainerProbes(this.spec, this.host.podIP(), inst, this.host.timers, this.host.probePeriodMs, {
      started: () => {
        this.started = true;
        this.host.changed();
      },
      ready: (v) => {
        if (this.ready !== v) {
          this.ready = v;
          this.host.changed();
        }
      },
      kill: (kind) => {
        this.event('Normal', 'Killing', `Container ${this.spec.name} failed ${kind} probe, will be restarted`);
        const probe = kind === 'liveness' ? this.spec.livenessProbe : this.spec.startupProbe;
        void this.kill(inst, ((probe?.terminationGracePeriodSeconds ?? this.host.pod().spec?.terminationGracePeriodSeconds) ?? 30) * 1000);
      },
      event: (type, reason, message) => this.event(type, reason, message),
    });
    this.probes.start();
  }

  private async postStart(inst: RunningContainer): Promise<void> {
    const r = await runHandler(this.spec.lifecycle.postStart, this.spec, this.host.podIP(), 30_000, inst);
    if (r.ok || this.instance !== inst) return;
    this.event('Warning', 'FailedPostStartHook', `PostStartHook failed: ${r.error}`);
    await this.kill(inst, 0);
  }

  /** SIGTERM, then SIGKILL once the grace period is over. */
  private async kill(inst: RunningContainer, graceMs: number): Promise<void> {
    if (graceMs <= 0) inst.signal('SIGKILL');
    else inst.signal('SIGTERM');
    const timedOut = await Promise.race([inst.exited.then(() => false), this.host.timers.sleep(graceMs).then(() => true)]);
    if (timedOut) inst.signal('SIGKILL');
    await inst.exited;
  }

  /** Stops the container for good: preStop, SIGTERM, SIGKILL after the grace period. */
  async stop(graceMs: number, runPreStop: boolean): Promise<void> {
    this.stopping = true;
    this.sleeper.abort();
    const inst = this.instance;
    if (!inst) {
      if (this.state.waiting && !this.everStarted) {
        this.state = { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' } };
      }
      return;
    }
    this.probes?.terminate();
    const deadline = this.now() + graceMs;
    const preStop = this.spec.lifecycle?.preStop;
    if (runPreStop && preStop && graceMs > 0) {
      if (preStop.sleep) await this.host.timers.sleep(Math.min(preStop.sleep.seconds * 1000, graceMs));
      else {
        const r = await Promise.race([runHandler(preStop, this.spec, this.host.podIP(), graceMs, inst), this.host.timers.sleep(graceMs).then(() => ({ ok: false as const, error: 'timeout' }))]);
        if (!r.ok) this.event('Warning', 'FailedPreStopHook', `PreStopHook failed: ${r.error}`);
      }
    }
    this.event('Normal', 'Killing', `Stopping container ${this.spec.name}`);
    await this.kill(inst, graceMs > 0 ? Math.max(deadline - this.now(), 2000) : 0);
  }

  /** The pod's spec for this container changed (only the image may): restart with the new one. */
  replaceSpec(spec: Obj): void {
    if (spec.image === this.spec.image) return;
    this.spec = spec;
    this.pulled = false;
    this.restartBackoff.reset();
    this.event('Normal', 'Killing', `Container ${spec.name} definition changed, will be restarted`);
    const inst = this.instance;
    if (inst) void this.kill(inst, (this.host.pod().spec?.terminationGracePeriodSeconds ?? 30) * 1000);
    else this.sleeper.abort();
    this.sleeper = new AbortController();
  }

  /** containerStatuses[] entry. */
  status(): Obj {
    const s: Obj = {
      name: this.spec.name,
      state: this.state,
      lastState: this.lastState,
      ready: this.ready,
      restartCount: this.restartCount,
      image: this.spec.image,
      imageID: this.imageID,
      started: this.started,
    };
    const id = this.state.running ? this.instance?.id : this.state.terminated?.containerID;
    if (id) s.containerID = id;
    const mounts = ((this.spec.volumeMounts ?? []) as Obj[]).map((m) => {
      const out: Obj = { name: m.name, mountPath: m.mountPath };
      if (m.readOnly) {
        out.readOnly = true;
        out.recursiveReadOnly = 'Disabled';
      }
      return out;
    });
    if (mounts.length) s.volumeMounts = mounts;
    return s;
  }

  /** pkg/kubelet/kubelet_pods.go validateContainerLogStatus, returning the log or the kubelet's error text. */
  log(podName: string, previous: boolean): LogBuffer | string {
    const prefix = `container "${this.spec.name}" in pod "${podName}"`;
    const byId = (id: string | undefined): LogBuffer | undefined => (id ? this.logs.get(id) : undefined);
    if (previous) return byId(this.lastState.terminated?.containerID) ?? `previous terminated container "${this.spec.name}" in pod "${podName}" not found`;
    if (this.state.running) return byId(this.instance?.id) ?? `${prefix} is waiting to start - no logs yet`;
    if (this.state.terminated) return byId(this.state.terminated.containerID) ?? byId(this.lastState.terminated?.containerID) ?? `${prefix} is terminated`;
    if (this.lastState.terminated) return byId(this.lastState.terminated.containerID) ?? `${prefix} is terminated`;
    const reason = this.state.waiting?.reason;
    if (reason === 'ErrImagePull') return `${prefix} is waiting to start: image can't be pulled`;
    if (reason === 'ImagePullBackOff') return `${prefix} is waiting to start: trying and failing to pull image`;
    return `${prefix} is waiting to start: ${reason ?? 'ContainerCreating'}`;
  }
}
