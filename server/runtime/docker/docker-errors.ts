/**
 * Translation of dockerode failures into PaasError, at the adapter
 * (STYLE.md "Errors"). dockerode rejects with an Error carrying the HTTP
 * `statusCode` and the engine's `json.message`; a missing socket shows up as
 * a Node system error (`code` ECONNREFUSED, ENOENT, EACCES). Messages may
 * echo what we sent, so config values are scrubbed before a message leaves.
 */
import { PaasError, type ErrorCode } from '../../errors.js';

interface DockerodeError {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
  message?: string;
}

export function dockerStatus(err: unknown): number | undefined {
  const status = (err as DockerodeError | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

export const isNotFound = (err: unknown): boolean => dockerStatus(err) === 404;
/** 304 from stop/start: the container already was in the wanted state. */
export const isNotModified = (err: unknown): boolean => dockerStatus(err) === 304;
/** 409 from remove: "removal of container … is already in progress". */
export const isConflict = (err: unknown): boolean => dockerStatus(err) === 409;

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/** The engine's own words, without dockerode's "(HTTP code 404) no such container - " prefix. */
export function engineMessage(err: unknown): string {
  const e = err as DockerodeError | undefined;
  const message = e?.json?.message ?? e?.message ?? String(err);
  return message.trim();
}

/** Replaces every secret value (of 4+ characters: shorter ones are not worth hiding and would shred the text). */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join('[redacted]');
  }
  return out;
}

export interface ErrorContext {
  /** What we were doing, for the message: "start web.1 of my-app v3". */
  action: string;
  image?: string;
  /** Values that must not appear in the message (config vars). */
  secrets?: readonly string[];
  /** Code for an engine refusal that is neither 404 nor 409. */
  fallback?: ErrorCode;
}

/** The cause we keep: dockerode's error may quote the request, so only scrubbed text survives. */
function scrubbedCause(err: unknown, secrets: readonly string[]): Error {
  const e = err as DockerodeError | undefined;
  const cause = new Error(redact(e?.message ?? String(err), secrets)) as Error & DockerodeError;
  if (e?.statusCode !== undefined) cause.statusCode = e.statusCode;
  if (e?.code !== undefined) cause.code = e.code;
  return cause;
}

export function translateDockerError(err: unknown, context: ErrorContext): PaasError {
  if (err instanceof PaasError) return err;
  const secrets = context.secrets ?? [];
  const detail = redact(engineMessage(err), secrets);
  const code = (err as DockerodeError | undefined)?.code;
  const cause = scrubbedCause(err, secrets);
  if (code !== undefined && UNREACHABLE.has(code)) {
    return new PaasError('UNAVAILABLE', `Cannot reach the Docker engine to ${context.action} (${code})`, {
      hint: 'Check that Docker is running and that the server can use its socket (DOCKER_HOST or /var/run/docker.sock).',
      cause,
    });
  }
  const status = dockerStatus(err);
  if (status === 404 && context.image !== undefined && /no such image|not found|pull access denied/i.test(detail)) {
    return new PaasError('NOT_FOUND', `Image ${context.image} is not on this Docker engine, so paas cannot ${context.action}`, {
      hint: 'Build it again with `git push paas main`, or roll back to a release whose image still exists (paas releases).',
      cause,
    });
  }
  if (status === 404) {
    return new PaasError('NOT_FOUND', `Cannot ${context.action}: ${detail}`, { cause });
  }
  if (status === 409) {
    return new PaasError('CONFLICT', `Cannot ${context.action}: ${detail}`, { hint: 'Try again in a moment.', cause });
  }
  return new PaasError(context.fallback ?? 'INTERNAL', `Docker could not ${context.action}: ${detail}`, { cause });
}
