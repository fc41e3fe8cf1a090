/**
 * Probe workers for one container instance (pkg/kubelet/prober/worker.go):
 * the startup probe runs first and gates the others; liveness and
 * readiness then run every periodSeconds (or the double's probePeriodMs
 * override) after initialDelaySeconds. A result changes only after
 * successThreshold consecutive successes or failureThreshold consecutive
 * failures. Readiness starts false. Liveness or startup failure asks the
 * kubelet to kill the container. While the pod terminates only readiness
 * keeps running, as upstream. Failures are Warning events "Unhealthy"
 * ("Readiness probe failed: ...", "... probe errored: ..." for probes the
 * double cannot run).
 */
import type { Obj } from '../lib/json.js';
import type { Timers } from '../lib/timers.js';
import type { RunningContainer } from '../runners/runner.js';
import { runHandler } from './handlers.js';

export type ProbeKind = 'startup' | 'liveness' | 'readiness';

export interface ProbeCallbacks {
  started(): void;
  ready(value: boolean): void;
  kill(kind: 'liveness' | 'startup'): void;
  event(type: 'Normal' | 'Warning', reason: string, message: string): void;
}

const LABEL: Record<ProbeKind, string> = { startup: 'Startup', liveness: 'Liveness', readiness: 'Readiness' };

export class ContainerProbes {
  private stopped = false;
  private terminating = false;
  private cancels: (() => void)[] = [];

  constructor(
    private readonly container: Obj,
    private readonly podIP: string,
    private readonly instance: RunningContainer,
    private readonly timers: Timers,
    private readonly periodOverrideMs: number | undefined,
    private readonly cb: ProbeCallbacks,
  ) {}

  start(): void {
    if (this.container.startupProbe) this.loop('startup', this.container.startupProbe);
    else this.afterStartup();
  }

  private afterStartup(): void {
    this.cb.started();
    if (this.container.livenessProbe) this.loop('liveness', this.container.livenessProbe);
    if (this.container.readinessProbe) this.loop('readiness', this.container.readinessProbe);
    else this.cb.ready(true);
  }

  private loop(kind: ProbeKind, probe: Obj): void {
    const period = this.periodOverrideMs ?? (probe.periodSeconds ?? 10) * 1000;
    const timeout = (probe.timeoutSeconds ?? 1) * 1000;
    let successes = 0;
    let failures = 0;
    let result: boolean | undefined;
    let cancel = (): void => {};
    this.cancels.push(() => cancel());
    const tick = async (): Promise<void> => {
      if (this.stopped) return;
      if (this.terminating && kind !== 'readiness') return;
      const r = await runHandler(probe, this.container, this.podIP, timeout, this.instance);
      if (this.stopped) return;
      if (r.ok) {
        successes++;
        failures = 0;
      } else {
        failures++;
        successes = 0;
        this.cb.event('Warning', 'Unhealthy', `${LABEL[kind]} probe ${r.unsupported ? 'errored' : 'failed'}: ${r.error}`);
      }
      if (kind === 'startup') {
        if (successes >= 1) return this.afterStartup();
        if (failures >= (probe.failureThreshold ?? 3)) return this.cb.kill('startup');
      } else if (kind === 'liveness') {
        if (failures >= (probe.failureThreshold ?? 3)) return this.cb.kill('liveness');
      } else {
        if (result !== true && successes >= (probe.successThreshold ?? 1)) {
          result = true;
          this.cb.ready(true);
        } else if (result !== false && failures >= (probe.failureThreshold ?? 3)) {
          result = false;
          this.cb.ready(false);
        }
      }
      cancel = this.timers.after(period, () => void tick());
    };
    cancel = this.timers.after((probe.initialDelaySeconds ?? 0) * 1000, () => void tick());
  }

  /** Graceful termination: liveness and startup stop, readiness goes on until the container exits. */
  terminate(): void {
    this.terminating = true;
  }

  stop(): void {
    this.stopped = true;
    for (const c of this.cancels) c();
    this.cancels = [];
  }
}
