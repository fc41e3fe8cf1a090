/**
 * The records the control plane keeps. Plain data: no methods, no
 * database types, so the store implementation can change (SQLite now,
 * PostgreSQL for a replicated control plane later).
 */

export interface User {
  id: number;
  email: string;
  admin: boolean;
  createdAt: Date;
}

export interface TokenRecord {
  id: string;
  userId: number;
  /** sha256 of the secret part, hex. The secret itself is never stored. */
  secretHash: string;
  description: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

export interface App {
  id: number;
  name: string;
  ownerId: number;
  ownerEmail: string;
  createdAt: Date;
  /** HTTP path for readiness checks; null means a TCP connect to PORT. */
  healthcheckPath: string | null;
}

export type Role = 'owner' | 'collaborator';

export interface Collaborator {
  userId: number;
  email: string;
  role: Role;
  createdAt: Date;
}

export type ConfigVars = Record<string, string>;

export type BuildStatus = 'pending' | 'building' | 'succeeded' | 'failed';

export interface Build {
  id: string;
  appId: number;
  commit: string;
  status: BuildStatus;
  /** Image reference the build produced (tag). */
  image: string | null;
  /** Registry digest (sha256:…) or the local image id when no registry. */
  digest: string | null;
  processTypes: Record<string, string> | null;
  stack: string | null;
  error: string | null;
  createdBy: string;
  createdAt: Date;
  finishedAt: Date | null;
}

export type ReleaseStatus = 'pending' | 'succeeded' | 'failed';

export interface Release {
  appId: number;
  version: number;
  buildId: string | null;
  image: string | null;
  digest: string | null;
  /** Snapshot of config vars at release time. */
  config: ConfigVars;
  processTypes: Record<string, string>;
  description: string;
  createdBy: string;
  createdAt: Date;
  status: ReleaseStatus;
  error: string | null;
  /** Set when the release ran a `release` phase (data changes may not roll back). */
  ranReleasePhase: boolean;
  /** The release whose instances serve this one (itself, or the target of a warm rollback). */
  runsOn: number;
}

export interface NewRelease {
  appId: number;
  buildId: string | null;
  image: string | null;
  digest: string | null;
  config: ConfigVars;
  processTypes: Record<string, string>;
  description: string;
  createdBy: string;
  status: ReleaseStatus;
  /** Release whose instances serve it; undefined means the new release itself. */
  runsOn?: number;
}

/** Instances wanted per process type, e.g. { web: 2, worker: 1 }. */
export type Formation = Record<string, number>;
