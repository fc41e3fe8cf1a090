/**
 * One `docker build` through the Engine API (POST /build, dockerode
 * buildImage) with a tar context stream. Output lines are forwarded as they
 * arrive, so `git push` shows the build live.
 *
 * The engine reports a failing step inside the 200 response stream
 * (`errorDetail`, apocas/dockerode issues 221 and 458), so success is only
 * known once the stream ends without one. That error becomes BUILD_FAILED
 * naming the step that failed and the last lines it printed.
 *
 * A timeout aborts the HTTP request; the engine cancels a build whose client
 * went away (it kills the running step's container), and we report
 * BUILD_TIMEOUT.
 */
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { PaasError } from '../server/errors.js';
import { LineSplitter, messageError, readJsonMessages } from './docker-stream.js';
import { startDeadline } from './deadline.js';

export interface BuildImageOptions {
  docker: Dockerode;
  /** The build context as a tar stream (context-tar.ts). */
  context: Readable;
  /** Path of the Dockerfile inside the context. */
  dockerfile?: string;
  /** Image reference to tag the result with, e.g. "registry:5000/web:v4". */
  tag: string;
  /** Each output line as it arrives (no trailing newline). */
  onLog: (line: string) => void;
  signal?: AbortSignal;
  timeoutMs: number;
  /**
   * Network for RUN steps. "host" where the engine has no bridge (as on
   * machines started with --bridge=none); undefined leaves the engine default.
   */
  networkMode?: string;
  /** Labels added to the image (e.g. the commit). */
  labels?: Record<string, string>;
}

export interface BuildImageResult {
  imageId: string;
  tag: string;
}

/** How many trailing output lines a BUILD_FAILED message quotes. */
export const FAILURE_TAIL_LINES = 12;
const ENGINE_NOISE = /^ ---> |^Removing intermediate container |^\s*$/;

export async function buildImage(options: BuildImageOptions): Promise<BuildImageResult> {
  const { docker, context, tag, onLog } = options;
  const deadline = startDeadline(options.timeoutMs, options.signal);
  // A context that fails to read (a missing git object) would otherwise leave
  // the upload hanging until the timeout.
  let contextError: unknown;
  context.once('error', (err) => {
    contextError = err;
    deadline.abort();
  });

  const tail: string[] = [];
  let step: string | undefined;
  let imageId: string | undefined;
  let failure: string | undefined;
  const lines = new LineSplitter((line) => {
    const stepMatch = /^Step (\d+\/\d+) : (.*)$/.exec(line);
    if (stepMatch) step = `step ${stepMatch[1]} (${stepMatch[2]})`;
    // The failure message quotes the user's output, not the engine's bookkeeping.
    if (!ENGINE_NOISE.test(line)) {
      tail.push(line);
      if (tail.length > FAILURE_TAIL_LINES) tail.shift();
    }
    onLog(line);
  });

  try {
    // Unset options are left out: dockerode would send them as empty query values.
    const stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
      t: tag,
      ...(options.dockerfile ? { dockerfile: options.dockerfile } : {}),
      ...(options.networkMode ? { networkmode: options.networkMode } : {}),
      ...(options.labels ? { labels: options.labels } : {}),
      rm: true,
      forcerm: true,
      abortSignal: deadline.signal,
    } as Dockerode.ImageBuildOptions);
    // If the engine connection is cut while the body is still streaming, make
    // sure the loop below ends instead of waiting for more messages.
    deadline.signal.addEventListener('abort', () => (stream as Readable).destroy?.(new Error('aborted')), { once: true });
    await readJsonMessages(stream, (message) => {
      if (typeof message.stream === 'string') lines.push(message.stream);
      const id = message.aux?.ID;
      if (typeof id === 'string') imageId = id;
      failure ??= messageError(message);
    });
    // An abort that raced the end of the stream still counts as an abort.
    if (deadline.signal.aborted) throw new Error('aborted');
    lines.flush();
  } catch (err) {
    lines.flush();
    if (contextError !== undefined) {
      throw contextError instanceof PaasError ? contextError : new PaasError('BUILD_FAILED', `Could not send the build context: ${(contextError as Error).message}`, { cause: contextError });
    }
    if (deadline.timedOut()) {
      throw new PaasError('BUILD_TIMEOUT', `Build timed out after ${formatDuration(options.timeoutMs)}${step ? ` during ${step}` : ''}`, {
        cause: err,
        hint: 'Make the build faster (a lockfile lets npm ci reuse the cached install), or ask the operator to raise the build timeout.',
      });
    }
    if (deadline.signal.aborted) {
      throw new PaasError('BUILD_FAILED', 'Build was cancelled', { cause: err });
    }
    throw translateEngineError(err);
  } finally {
    deadline.clear();
    context.destroy();
  }

  if (failure !== undefined) {
    throw new PaasError('BUILD_FAILED', `Build failed${step ? ` at ${step}` : ''}: ${failure.trim()}${tail.length > 0 ? `\nLast output:\n${tail.join('\n')}` : ''}`, {
      hint: 'Fix the failing step, commit, and push again.',
    });
  }
  imageId ??= await inspectId(docker, tag);
  return { imageId, tag };
}

/** HTTP-level failures: the engine refused the request before building (bad Dockerfile path, engine down). */
function translateEngineError(err: unknown): PaasError {
  if (err instanceof PaasError) return err;
  const e = err as { statusCode?: number; code?: string; message?: string; json?: { message?: string } };
  const detail = e.json?.message ?? e.message ?? String(err);
  if (e.statusCode === undefined && (e.code === 'ECONNREFUSED' || e.code === 'ENOENT' || e.code === 'EACCES')) {
    return new PaasError('UNAVAILABLE', `Cannot reach the Docker engine: ${detail}`, {
      cause: err,
      hint: 'Check that the Docker engine runs and that DOCKER_HOST points at it.',
    });
  }
  return new PaasError('BUILD_FAILED', `Build failed: ${detail}`, { cause: err, hint: 'Fix the Dockerfile, commit, and push again.' });
}

async function inspectId(docker: Dockerode, tag: string): Promise<string> {
  try {
    return (await docker.getImage(tag).inspect()).Id;
  } catch (err) {
    throw new PaasError('BUILD_FAILED', `The build finished but image ${tag} was not created`, { cause: err });
  }
}

function formatDuration(ms: number): string {
  return ms < 120_000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms / 6000) / 10} min`;
}
