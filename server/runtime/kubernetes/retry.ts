/**
 * Retries of API calls that failed for reasons that pass: 429 (honouring
 * Retry-After), 5xx, or no answer, with exponential back-off and a bound on
 * attempts. 4xx answers are final and go straight to the caller (409 is
 * handled where the object is known, by re-reading it). Each attempt has a
 * deadline: a connection the network black-holes must not hold the app's
 * convergence (and its lock) until the kernel gives up on TCP.
 */
import { isTransient } from './kube-errors.js';

/** Per attempt; list calls on big clusters are the slowest legitimate ones. */
export const CALL_TIMEOUT_MS = 30_000;

class CallTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${Math.round(ms / 1000)} s`);
    this.name = 'CallTimeout';
  }
}

function withDeadline<T>(call: () => Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CallTimeout(ms)), ms);
  });
  return Promise.race([call(), deadline]).finally(() => clearTimeout(timer));
}

export interface RetryOptions {
  attempts?: number;
  timeoutMs?: number;
  baseMs?: number;
  maxMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let delay = options.baseMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await withDeadline(call, options.timeoutMs ?? CALL_TIMEOUT_MS);
    } catch (err) {
      if (attempt >= attempts || !isTransient(err)) throw err;
      const retryAfter = Number((err as { headers?: Record<string, string> }).headers?.['retry-after']);
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 10_000) : delay);
      delay = Math.min(delay * 2, options.maxMs ?? 2000);
    }
  }
}
