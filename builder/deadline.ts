/**
 * One engine call's abort signal: fires when the caller aborts (the pusher
 * hung up) or when `timeoutMs` passes, and remembers which of the two it was
 * so the error can say "timed out" rather than "cancelled".
 */
export interface Deadline {
  signal: AbortSignal;
  abort(): void;
  timedOut(): boolean;
  /** Stops the timer and lets go of the caller's signal. */
  clear(): void;
}

export function startDeadline(timeoutMs: number, caller?: AbortSignal): Deadline {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort();
  }, timeoutMs);
  const onCallerAbort = () => controller.abort();
  caller?.addEventListener('abort', onCallerAbort, { once: true });
  if (caller?.aborted) controller.abort();
  return {
    signal: controller.signal,
    abort: () => controller.abort(),
    timedOut: () => expired,
    clear() {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
    },
  };
}
