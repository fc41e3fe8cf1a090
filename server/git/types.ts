/**
 * What the git endpoint is given (auth, the build) and what it gives the
 * build for one push. The endpoint knows nothing of users, tokens or images:
 * main.ts wires those in.
 */
import type { Request } from 'express';

export type GitAction = 'push' | 'fetch';

export interface GitRouterOptions<User> {
  /** Bare repositories live at <reposDir>/<app>.git, created on first use. */
  reposDir: string;
  /**
   * The caller, from HTTP Basic credentials (any username, token as
   * password). Undefined or a PaasError UNAUTHORIZED makes a 401 with
   * `WWW-Authenticate: Basic realm="paas"`, so git asks its credential helper.
   */
  authenticate(req: Request): Promise<User | undefined>;
  /** Throws a PaasError (FORBIDDEN, APP_NOT_FOUND, ...) when `user` may not do `action` on `app`. */
  authorize(user: User, app: string, action: GitAction): Promise<void>;
  /** Runs the build and the release for a push to main; the ref moves only if this says ok. */
  onPush(push: PushContext<User>): Promise<PushOutcome>;
  /** Largest push accepted, counted after gzip decoding. */
  maxPushBytes: number;
  /** Internal errors (never sent to the client). */
  log(message: string): void;
}

/**
 * One push to main, while its objects are still in quarantine.
 *
 * Reading the pushed tree: point isomorphic-git at `gitdir`, which holds the
 * new pack plus links to every pack of the repository, and share one cache
 * object across calls (without it isomorphic-git reloads pack files on every
 * read):
 *   const cache = {};
 *   const { commit } = await git.readCommit({ fs, gitdir: push.gitdir, oid: push.newOid, cache });
 *   const { tree } = await git.readTree({ fs, gitdir: push.gitdir, oid: commit.tree, cache });
 *   const { blob } = await git.readBlob({ fs, gitdir: push.gitdir, oid: entry.oid, cache });
 * For large trees PackObjectStore (object-store.ts, exported from index.ts)
 * reads the same gitdir several times faster (native zlib; see its header):
 *   const store = await PackObjectStore.open(push.gitdir);
 *   try { const { type, content } = await store.read(oid); parseTree(content) ... } finally { await store.close(); }
 * `gitdir` is deleted when onPush settles: finish reading before returning.
 */
export interface PushContext<User> {
  app: string;
  user: User;
  /** The ref that moves on success: always refs/heads/main. */
  ref: string;
  /** The ref as the client named it (refs/heads/main or its alias refs/heads/master). */
  pushedRef: string;
  /** What main points at now; undefined on the first push. */
  oldOid: string | undefined;
  /** The pushed commit. */
  newOid: string;
  /** Quarantine gitdir: new and existing objects, readable with isomorphic-git. */
  gitdir: string;
  /** The app's repository (objects already accepted). */
  repoGitdir: string;
  /** Shown live by git as "remote: <line>". */
  progress(line: string): void;
  /**
   * Aborts when the client hangs up; a build may stop early and return
   * ok: false. If it returns ok anyway (the release was made), main still moves.
   */
  signal: AbortSignal;
}

export type PushOutcome =
  /** `message` lines are shown before git's summary, e.g. "Released v4 ▸ http://web.localhost:8080". */
  | { ok: true; message?: string | string[] }
  /** `reason` becomes "! [remote rejected] main -> main (<reason>)"; `logTail` lines are shown just before. */
  | { ok: false; reason: string; logTail?: string[] };
