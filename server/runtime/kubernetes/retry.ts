/**
 * Retries of API calls that failed for reasons that pass: 429 (honouring
 * Retry-After), 5xx, or no answer, with exponential back-off and a bound on
 * attempts. 4xx answers are final and go straight to the caller (409 is
 * handled where the object is known, by re-reading it).
 */
import { isTransient } from './kube-errors.js';

export interface RetryOptions {
  attempts?: number;
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
      return await call();
    } catch (err) {
      if (attempt >= attempts || !isTransient(err)) throw err;
      const retryAfter = Number((err as { headers?: Record<string, string> }).headers?.['retry-after']);
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 10_000) : delay);
      delay = Math.min(delay * 2, options.maxMs ?? 2000);
    }
  }
}
