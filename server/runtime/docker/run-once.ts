/**
 * One-off runs (the `release` phase) on the Docker engine: a container that
 * is not restarted, whose output is followed while it runs (each line goes
 * to `onLine` for the pusher to watch) and whose last lines make the error
 * message when it fails. A run past its timeout is killed and reported as
 * exit code 124 (timeout(1)'s convention) unless it already failed.
 */
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import type { OneOffSpec, RunOnceOptions, RunOnceResult } from '../runtime.js';
import { createRequest, makeContainerOptions } from './container-spec.js';
import { engineCall } from './engine-call.js';
import { isConflict, isNotFound, translateDockerError, type ErrorContext } from './docker-errors.js';
import { createFrameDecoder, createLineAssembler } from './log-frames.js';
import { KINDS, containerName, releaseLabel } from './names.js';

/** Lines of release-phase output kept for the error message. */
export const RUN_ONCE_OUTPUT_LINES = 50;

const REMOVE_OPTIONS = { force: true, v: true } as const;

export async function runOnceInDocker(docker: Dockerode, extraLabels: Record<string, string>, spec: OneOffSpec, options: RunOnceOptions): Promise<RunOnceResult> {
  const what = `${spec.process} of ${spec.app} ${releaseLabel(spec.release)}`;
  const context = (action: string): ErrorContext => ({ action, image: spec.image, secrets: Object.values(spec.env) });
  const name = containerName({ app: spec.app, release: spec.release, process: spec.process });
  let container: Dockerode.Container;
  try {
    container = await engineCall(`create a container to run ${what}`, (abortSignal) => docker.createContainer(createRequest(name, makeContainerOptions({ spec, kind: KINDS.oneOff, name, extraLabels }), abortSignal)));
  } catch (err) {
    throw translateDockerError(err, context(`create a container to run ${what}`));
  }
  const discard = () => container.remove(REMOVE_OPTIONS).catch(() => undefined);
  try {
    await engineCall(`run ${what}`, (abortSignal) => container.start({ abortSignal }));
  } catch (err) {
    await discard();
    throw translateDockerError(err, { ...context(`run ${what}`), fallback: 'RELEASE_FAILED' });
  }
  const output: string[] = [];
  const following = followOutput(container, (line) => {
    output.push(line);
    if (output.length > RUN_ONCE_OUTPUT_LINES) output.shift();
    options.onLine?.(line);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    // Killing (not removing) keeps the output for the report; if the kill itself fails, removal stops it for sure.
    container.kill().catch((err: unknown) => (isConflict(err) || isNotFound(err) ? undefined : discard()));
  }, options.timeoutMs);
  try {
    const waited = (await container.wait()) as { StatusCode?: number };
    await following;
    const status = typeof waited.StatusCode === 'number' ? waited.StatusCode : 1;
    if (!timedOut) return { exitCode: status, output: [...output] };
    const note = `Timed out after ${Math.round(options.timeoutMs / 100) / 10} s: paas stopped the ${spec.process} command.`;
    options.onLine?.(note);
    return { exitCode: status === 0 ? 124 : status, output: [...output, note] };
  } catch (err) {
    throw translateDockerError(err, context(`wait for ${what}`));
  } finally {
    clearTimeout(timer);
    await discard();
  }
}

/** Follows a container's output from its start until it ends; a log driver that cannot be read back says so in one line. */
async function followOutput(container: Dockerode.Container, onLine: (line: string) => void): Promise<void> {
  let stream: Readable;
  try {
    stream = (await container.logs({ follow: true, stdout: true, stderr: true, timestamps: true } as never)) as unknown as Readable;
  } catch (err) {
    onLine(`(output unavailable: ${translateDockerError(err, { action: 'read the output' }).message})`);
    return;
  }
  const decoder = createFrameDecoder();
  const assembler = createLineAssembler();
  await new Promise<void>((resolve) => {
    stream.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) for (const line of assembler.push(frame)) onLine(line.line);
    });
    let ended = false;
    const done = () => {
      if (ended) return;
      ended = true;
      for (const line of assembler.flush()) onLine(line.line);
      resolve();
    };
    stream.once('end', done);
    stream.once('close', done);
    stream.once('error', done);
  });
}
