/**
 * The kubelet's restart and image-pull back-off (client-go
 * util/flowcontrol.Backoff as kuberuntime's doBackOff uses it): the first
 * restart after an exit is immediate, later ones wait initial, 2x, 4x ...
 * up to a cap, measured from when the container finished; a container that
 * ran long enough resets it. Upstream uses 10 s doubling to 300 s; the
 * double defaults to 500 ms doubling to 4 s so tests stay short.
 */

export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
}

export class Backoff {
  private current = 0;

  constructor(private readonly settings: BackoffSettings) {}

  /** Delay before the next attempt; 0 the first time. */
  next(ranForMs = 0): number {
    if (ranForMs > this.settings.maxMs * 2) this.current = 0;
    const delay = this.current;
    this.current = this.current === 0 ? this.settings.initialMs : Math.min(this.current * 2, this.settings.maxMs);
    return delay;
  }

  /** Forget past failures (a container that started cleanly). */
  reset(): void {
    this.current = 0;
  }
}

/** Go's time.Duration.String(): "500ms", "10s", "1m20s", "5m0s". */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = ms / 1000;
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds - minutes * 60;
  const s = Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(3).replace(/0+$/, '');
  return minutes > 0 ? `${minutes}m${s}s` : `${s}s`;
}
