/**
 * The release phase on Kubernetes: a Job of one pod that is never retried
 * (backoffLimit 0) and is killed at the deadline (activeDeadlineSeconds).
 * Its output is followed while it runs and handed to `onLine` for the pusher
 * to watch; its exit code decides; the Job is deleted afterwards, its pod
 * with it. A pod that cannot start (an image that cannot be pulled, a
 * Secret missing) fails the run at once with the reason instead of waiting
 * for the deadline.
 */
import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import type { Log, V1Pod } from '@kubernetes/client-node';
import type { OneOffSpec, RunOnceOptions, RunOnceResult } from '../runtime.js';
import { containerName } from './names.js';
import { parseLogLine } from './pod-logs.js';

export const RUN_ONCE_OUTPUT_LINES = 50;
const STUCK = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError']);

export interface ReleaseJobDeps {
  /** Creates the Job; resolves with its name. */
  createJob(spec: OneOffSpec, timeoutSeconds: number): Promise<{ name: string; namespace: string }>;
  deleteJob(namespace: string, name: string): Promise<void>;
  /** The Job's pod as the informer sees it now. */
  podOf(namespace: string, job: string): V1Pod | undefined;
  onPodsChanged(listener: () => void): () => void;
  readLog(namespace: string, pod: string, container: string): Promise<string>;
  follow: Log;
}

export async function runReleaseJob(deps: ReleaseJobDeps, spec: OneOffSpec, options: RunOnceOptions): Promise<RunOnceResult> {
  const job = await deps.createJob(spec, options.timeoutMs / 1000);
  const output: string[] = [];
  const seen = new Set<string>();
  const emit = (text: string) => {
    output.push(text);
    if (output.length > RUN_ONCE_OUTPUT_LINES) output.shift();
    options.onLine?.(text);
  };
  let following: Promise<void> | undefined;
  const container = containerName(spec.process);

  const follow = (pod: V1Pod) => {
    const sink = new PassThrough();
    createInterface({ input: sink }).on('line', (line) => {
      const entry = parseLogLine(line, pod);
      if (!entry || seen.has(`${entry.stamp} ${entry.line.line}`)) return;
      seen.add(`${entry.stamp} ${entry.line.line}`);
      emit(entry.line.line);
    });
    return new Promise<void>((resolve) => {
      sink.once('finish', () => resolve());
      deps.follow.log(job.namespace, pod.metadata!.name!, container, sink, { follow: true, timestamps: true }).catch(() => resolve());
    });
  };

  try {
    const outcome = await new Promise<{ exitCode: number; note?: string }>((resolve) => {
      const timer = setTimeout(() => finish({ exitCode: 124, note: `Timed out after ${Math.round(options.timeoutMs / 100) / 10} s: paas stopped the ${spec.process} command.` }), options.timeoutMs);
      const unsubscribe = deps.onPodsChanged(() => check());
      let done = false;
      function finish(result: { exitCode: number; note?: string }) {
        if (done) return;
        done = true;
        clearTimeout(timer);
        unsubscribe();
        resolve(result);
      }
      function check() {
        const pod = deps.podOf(job.namespace, job.name);
        if (!pod) return;
        const status = pod.status?.containerStatuses?.[0];
        if ((status?.state?.running || status?.state?.terminated) && !following) following = follow(pod);
        const terminated = status?.state?.terminated;
        if (terminated) finish({ exitCode: terminated.exitCode ?? 1 });
        else if (pod.status?.phase === 'Failed') finish({ exitCode: 1, note: pod.status.message ?? 'the pod failed' });
        const waiting = status?.state?.waiting;
        if (waiting?.reason && STUCK.has(waiting.reason)) finish({ exitCode: 1, note: `The ${spec.process} pod cannot start: ${waiting.reason}: ${waiting.message ?? ''}` });
      }
      check();
    });
    // The followed stream ends with the container; give it a moment to deliver the last lines.
    if (following) await Promise.race([following, new Promise((r) => setTimeout(r, 2000))]);
    const pod = deps.podOf(job.namespace, job.name);
    if (pod && output.length === 0) {
      for (const line of (await deps.readLog(job.namespace, pod.metadata!.name!, container).catch(() => '')).split('\n')) {
        const entry = parseLogLine(line, pod);
        if (entry) emit(entry.line.line);
      }
    }
    if (outcome.note) emit(outcome.note);
    return { exitCode: outcome.exitCode, output: [...output] };
  } finally {
    await deps.deleteJob(job.namespace, job.name).catch(() => undefined);
  }
}
