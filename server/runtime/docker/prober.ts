/**
 * Readiness and liveness probing of web instances on one host: what
 * kubelet's prober does on Kubernetes (pkg/kubelet/prober). Each running web
 * instance is probed every 50 ms until it passes (so a deploy goes live as
 * soon as the app listens), then every 2 s; a ready instance turns not ready
 * after three failures in a row (kubelet's failureThreshold default), a
 * starting one at its first. The result goes to `report`, which tells the
 * driver's cache. An instance that was ready and has failed every probe for
 * `livenessMs` is hung, not busy: `unhealthy` restarts it, as a failing
 * livenessProbe does (DESIGN.md decision 5).
 */
import type { Endpoint } from '../runtime.js';
import { probeOnce } from '../probe.js';

export interface ProbeTarget {
  id: string;
  endpoint: Endpoint;
  /** HTTP path, or null for a TCP connect. */
  path: string | null;
}

export interface ProberOptions {
  report(id: string, ready: boolean, reason: string | undefined): void;
  /** Called once when an instance that was ready has failed every probe for `livenessMs`. */
  unhealthy?(id: string): void;
  livenessMs?: number;
  fastMs?: number;
  slowMs?: number;
  failureThreshold?: number;
}

interface Loop {
  target: ProbeTarget;
  ready: boolean;
  failures: number;
  /** Has passed once: only then can it be hung rather than starting. */
  wasReady: boolean;
  /** When the current run of failures began (ms), if the instance had been ready. */
  failingSince?: number;
  timer?: NodeJS.Timeout;
  stopped: boolean;
}

export class Prober {
  private readonly loops = new Map<string, Loop>();
  private readonly fastMs: number;
  private readonly slowMs: number;
  private readonly threshold: number;

  constructor(private readonly options: ProberOptions) {
    this.fastMs = options.fastMs ?? 50;
    this.slowMs = options.slowMs ?? 2000;
    this.threshold = options.failureThreshold ?? 3;
  }

  /** Starts probing (again) from not ready: a new or restarted instance. */
  watch(target: ProbeTarget, initiallyReady = false): void {
    this.forget(target.id);
    const loop: Loop = { target, ready: initiallyReady, failures: 0, wasReady: initiallyReady, stopped: false };
    this.loops.set(target.id, loop);
    this.schedule(loop, initiallyReady ? this.slowMs : 0);
  }

  forget(id: string): void {
    const loop = this.loops.get(id);
    if (!loop) return;
    loop.stopped = true;
    clearTimeout(loop.timer);
    this.loops.delete(id);
  }

  stop(): void {
    for (const id of [...this.loops.keys()]) this.forget(id);
  }

  private schedule(loop: Loop, delay: number): void {
    loop.timer = setTimeout(() => void this.tick(loop), delay);
    loop.timer.unref();
  }

  private async tick(loop: Loop): Promise<void> {
    const result = await probeOnce(loop.target.endpoint, loop.target.path);
    if (loop.stopped) return;
    if (result.ok) {
      loop.failures = 0;
      loop.wasReady = true;
      delete loop.failingSince;
      if (!loop.ready) {
        loop.ready = true;
        this.options.report(loop.target.id, true, undefined);
      }
    } else {
      loop.failures++;
      if (loop.wasReady) {
        loop.failingSince ??= Date.now();
        if (Date.now() - loop.failingSince >= (this.options.livenessMs ?? 30_000) && this.options.unhealthy) {
          // Once per hang: the restart makes a new loop through watch().
          this.forget(loop.target.id);
          this.options.unhealthy(loop.target.id);
          return;
        }
      }
      if (!loop.ready || loop.failures >= this.threshold) {
        const changed = loop.ready;
        loop.ready = false;
        this.options.report(loop.target.id, false, result.reason);
        if (changed) loop.failures = 0;
      }
    }
    this.schedule(loop, loop.ready ? this.slowMs : this.fastMs);
  }
}
