/**
 * The JSON the paas API v1 answers with, as the CLI reads it. Mirrors the
 * server's presenters (server/http/present.ts); kept as plain types because
 * the CLI only displays these records and passes them through --json.
 */

export interface WhoAmI {
  email: string;
  admin: boolean;
}

export interface App {
  name: string;
  owner: string;
  createdAt: string;
  gitUrl: string;
  webUrl: string;
}

export type ConfigVars = Record<string, string>;

export interface Collaborator {
  email: string;
  role: 'owner' | 'collaborator';
  createdAt: string;
}

export interface User {
  email: string;
  admin: boolean;
  createdAt: string;
}

export interface Token {
  id: string;
  description: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

/** A token as created: the only time the secret is shown. */
export interface IssuedToken extends Token {
  token: string;
}

export interface CreatedUser {
  user: User;
  token: IssuedToken;
}

/** The API's error body (server/errors.ts ErrorBody). */
export interface ErrorBody {
  code: string;
  message: string;
  hint?: string;
  details?: { path: string; message: string }[];
}

/** A build (server/http/routes/builds.ts presentBuild). */
export interface Build {
  id: string;
  commit: string;
  status: 'pending' | 'building' | 'succeeded' | 'failed';
  stack: string | null;
  image: string | null;
  digest: string | null;
  processTypes: string[];
  error: string | null;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
  durationMs: number | null;
}

export interface BuildWithLog extends Build {
  log: string[];
}

/** A release (server/http/routes/releases.ts presentRelease). */
export interface Release {
  version: number;
  description: string;
  status: 'pending' | 'succeeded' | 'failed';
  createdBy: string;
  createdAt: string;
  image: string | null;
  digest: string | null;
  buildId: string | null;
  processTypes: string[];
  /** The release whose instances serve this one: itself, or the target of a warm rollback. */
  runsOn: number;
  /** Share of the app's new requests, 0 to 100. */
  traffic: number;
  /** Not serving, but its instances run: rolling back to it only moves traffic. */
  warm: boolean;
  error: string | null;
  ranReleasePhase: boolean;
  /** Only from GET releases/:version: the names of the config vars it runs with. */
  configKeys?: string[];
}

/** POST releases/rollback. */
export interface RollbackResult {
  /** The new release the rollback made. */
  release: Release;
  /** The version rolled back to. */
  target: number;
  /** The version that was live before. */
  previous: number;
  /** True when traffic moved to instances that were still running (no start). */
  warm: boolean;
  warnings: string[];
  durationMs: number;
}

/** One instance from GET ps. `release` is the instance set's label (a release's runsOn). */
export interface Instance {
  name: string;
  process: string;
  release: number;
  state: 'starting' | 'running' | 'restarting' | 'exited' | 'stopped' | 'unknown';
  /** True when these instances serve the live release. */
  serving: boolean;
  startedAt: string | null;
  uptimeSeconds: number | null;
  restarts: number;
}

/** Instances wanted per process type, e.g. { web: 2, worker: 1 }. */
export type Formation = Record<string, number>;

/** The readiness check: an HTTP GET of `path`, or a TCP connect to $PORT when null. */
export interface Healthcheck {
  path: string | null;
}
