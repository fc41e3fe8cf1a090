/**
 * Tags a built image as `<repository>:<tag>` and, when a registry is
 * configured, pushes it (POST /images/{name}/push) and returns the manifest
 * digest the registry stored, which releases record.
 *
 * The digest arrives in the push stream twice: as the status line
 * "v4: digest: sha256:… size: 1234" and as `aux: { Tag, Digest, Size }`.
 * Like builds, a failed push reports its error inside the stream.
 *
 * Without a registry the image only exists on this engine. Its image id
 * (the sha256 of the image config) then stands in for the digest: it is
 * content-addressed and immutable like a manifest digest, and the engine
 * runs an image by id, but it is not a registry digest and cannot be pulled
 * elsewhere.
 */
import type Dockerode from 'dockerode';
import { PaasError } from '../server/errors.js';
import { messageError, readJsonMessages } from './docker-stream.js';
import { imageReference } from './image-names.js';
import { startDeadline } from './deadline.js';

export interface PushImageOptions {
  docker: Dockerode;
  /** What buildImage returned. */
  imageId: string;
  /** From image-names.ts, e.g. "127.0.0.1:5000/web". */
  repository: string;
  /** E.g. "v4". */
  tag: string;
  /** False when no registry is configured: tag only, digest = image id. */
  push: boolean;
  onLog?: (line: string) => void;
  signal?: AbortSignal;
  timeoutMs: number;
  /** Registry credentials; never logged. */
  authconfig?: Dockerode.AuthConfig;
}

export interface PushImageResult {
  reference: string;
  /** "sha256:…": the registry's manifest digest, or the image id when not pushed. */
  digest: string;
  pushed: boolean;
}

const DIGEST = /digest: (sha256:[0-9a-f]{64})/;

export async function pushImage(options: PushImageOptions): Promise<PushImageResult> {
  const { docker, repository, tag } = options;
  const reference = imageReference(repository, tag);
  try {
    await docker.getImage(options.imageId).tag({ repo: repository, tag });
  } catch (err) {
    throw new PaasError('BUILD_FAILED', `Could not tag image ${options.imageId.slice(0, 19)} as ${reference}: ${(err as Error).message}`, { cause: err });
  }
  if (!options.push) return { reference, digest: options.imageId, pushed: false };

  const deadline = startDeadline(options.timeoutMs, options.signal);

  let digest: string | undefined;
  let failure: string | undefined;
  try {
    const stream = await docker.getImage(repository).push({
      tag,
      abortSignal: deadline.signal,
      ...(options.authconfig ? { authconfig: options.authconfig } : {}),
    } as object);
    deadline.signal.addEventListener('abort', () => (stream as { destroy?: (e: Error) => void }).destroy?.(new Error('aborted')), { once: true });
    await readJsonMessages(stream, (message) => {
      failure ??= messageError(message);
      const auxDigest = message.aux?.Digest;
      if (typeof auxDigest === 'string') digest = auxDigest;
      const status = message.status;
      if (typeof status !== 'string') return;
      digest ??= DIGEST.exec(status)?.[1];
      // Per-layer progress is noise in a git push; keep the layer outcomes.
      if (!/^(Preparing|Waiting|Pushing)$/.test(status)) options.onLog?.(message.id ? `${message.id}: ${status}` : status);
    });
  } catch (err) {
    if (deadline.timedOut()) {
      throw new PaasError('UNAVAILABLE', `Pushing ${reference} timed out after ${Math.round(options.timeoutMs / 1000)} s`, {
        cause: err,
        hint: 'Check that the registry is reachable from the Docker engine, then push again.',
      });
    }
    throw new PaasError('UNAVAILABLE', `Could not push ${reference}: ${(err as Error).message}`, {
      cause: err,
      hint: 'Check the registry setting and that the registry is reachable from the Docker engine.',
    });
  } finally {
    deadline.clear();
  }
  if (failure !== undefined) {
    throw new PaasError('UNAVAILABLE', `Could not push ${reference}: ${failure}`, {
      hint: 'Check the registry setting (and its credentials) and that the registry is reachable from the Docker engine.',
    });
  }
  if (!digest) throw new PaasError('UNAVAILABLE', `Pushed ${reference} but the registry reported no digest`);
  return { reference, digest, pushed: true };
}
