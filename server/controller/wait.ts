/**
 * Waiting for an observed condition: "change desired, let the applier
 * converge, wait until the runtime reports X". Woken by the runtime's change
 * notifications, with a slow poll as a safety net for a notification that
 * never comes; bounded by a deadline.
 */
import type { ObservedSet, Runtime } from '../runtime/runtime.js';

const SAFETY_POLL_MS = 250;

export type Check<T> = (sets: ObservedSet[]) => T | undefined;

/** The first defined value of `check`, or undefined when `timeoutMs` passes first. */
export function waitForObserved<T>(runtime: Runtime, app: string, check: Check<T>, timeoutMs: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: T | undefined) => {
      if (done) return;
      done = true;
      unsubscribe();
      clearInterval(poll);
      clearTimeout(deadline);
      resolve(value);
    };
    const test = () => {
      const value = check(runtime.observe(app));
      if (value !== undefined) finish(value);
    };
    const unsubscribe = runtime.onChange((changed) => {
      if (changed === app) test();
    });
    const poll = setInterval(test, SAFETY_POLL_MS);
    const deadline = setTimeout(() => finish(undefined), timeoutMs);
    test();
  });
}
