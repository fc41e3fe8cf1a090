/**
 * A deadline on one Docker engine call. dockerode has none by default, and
 * one engine that accepts a request and never answers (a stuck shim, a full
 * disk) would otherwise hold the set's convergence, the app's applier and
 * the app's controller lock for ever, and a rollback with them. The call is
 * aborted (dockerode passes `abortSignal` to the HTTP request) and the
 * caller gets UNAVAILABLE saying what did not answer.
 */
import { PaasError } from '../../errors.js';

/** Long enough for a loaded engine, short enough that an operator is still watching. */
export const ENGINE_TIMEOUT_MS = 30_000;

export async function engineCall<T>(action: string, call: (signal: AbortSignal) => Promise<T>, timeoutMs = ENGINE_TIMEOUT_MS): Promise<T> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    return await call(signal);
  } catch (err) {
    if (!signal.aborted) throw err;
    throw new PaasError('UNAVAILABLE', `The Docker engine did not ${action} within ${Math.round(timeoutMs / 1000)} s`, {
      hint: 'Check the engine (docker info, its log); paas tries again on the next change.',
      cause: err,
    });
  }
}
