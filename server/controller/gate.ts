/**
 * The readiness gate of a rollout: a release gets traffic only once every
 * web instance of its set passes the readiness check (DESIGN.md decision 5).
 * Either the set becomes ready before the deadline, or RELEASE_FAILED says
 * which instance failed and why, with its last log lines. Traffic is never
 * touched here.
 */
import { PaasError } from '../errors.js';
import type { ObservedSet, Runtime } from '../runtime/runtime.js';
import type { App } from '../store/types.js';
import { waitForObserved } from './wait.js';

const LOG_TAIL = 15;

type Outcome = { ready: true } | { ready: false; instance: string; reason: string };

export interface GateOptions {
  app: App;
  /** The set's release label. */
  release: number;
  process: string;
  readyTimeoutMs: number;
}

/** Ready: every wanted instance of the current template passes readiness. */
export function setIsReady(set: ObservedSet): boolean {
  return set.readyReplicas >= set.replicas && set.updated;
}

export async function gateOnReadiness(runtime: Runtime, options: GateOptions): Promise<void> {
  const { app, release, process } = options;
  const find = (sets: ObservedSet[]) => sets.find((s) => s.release === release && s.process === process);
  const outcome = await waitForObserved<Outcome>(runtime, app.name, (sets) => {
    const set = find(sets);
    if (!set) return undefined;
    if (set.failure) return { ready: false, ...set.failure };
    return setIsReady(set) ? { ready: true } : undefined;
  }, options.readyTimeoutMs);
  if (outcome?.ready) return;
  const failed = outcome ?? timedOut(find(runtime.observe(app.name)), release);
  const tail = await logTail(runtime, { app: app.name, release, process, instance: failed.instance });
  const how = app.healthcheckPath
    ? `answer GET ${app.healthcheckPath} with 2xx/3xx`
    : 'listen on the port given in $PORT (on 0.0.0.0, or 127.0.0.1 on a single host)';
  throw new PaasError('RELEASE_FAILED', `${failed.instance} did not become ready: ${failed.reason}`, {
    hint: `The app must ${how} within ${Math.round(options.readyTimeoutMs / 1000)} s. Last log lines:\n${tail.join('\n') || '(no output)'}`,
  });
}

function timedOut(set: ObservedSet | undefined, release: number): { instance: string; reason: string } {
  const waiting = set?.instances.find((i) => i.state !== 'stopping' && !i.ready);
  if (!waiting) return { instance: `v${release}`, reason: 'no web instance started before the deadline' };
  return { instance: waiting.name, reason: `not ready within the deadline (last check: ${waiting.reason ?? 'no answer yet'})` };
}

/** The last log lines of one instance, for error messages; empty when logs cannot be read. */
export async function logTail(runtime: Runtime, target: { app: string; release: number; process: string; instance: string }): Promise<string[]> {
  const lines: string[] = [];
  try {
    for await (const line of runtime.logs({ app: target.app, release: target.release, process: target.process }, { follow: false, tail: LOG_TAIL })) {
      if (line.source === target.instance) lines.push(line.line);
    }
  } catch {
    // the log tail decorates an error message; its absence must not hide the error
  }
  return lines.slice(-LOG_TAIL);
}
