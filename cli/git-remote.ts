/**
 * The CLI's view of the user's git repository: which app the `paas` remote
 * points at, adding or updating that remote, and registering this CLI as the
 * git credential helper for the paas server so `git push paas main`
 * authenticates with the stored token.
 *
 * git runs through execFile with argument arrays, never a shell. The one
 * place a shell appears is inside git itself: a credential helper starting
 * with "!" is run by git through `sh -c` (gitcredentials(7), "Custom
 * helpers"), so `credentialHelperCommand` single-quotes both paths.
 */
import { execFile } from 'node:child_process';
import type { SelfCommand } from './context.js';
import { CliError } from './errors.js';
import { shellQuote } from './format.js';

export interface GitResult {
  /** Exit code; 127 when git itself could not be started. */
  code: number;
  stdout: string;
  stderr: string;
}

export type GitRunner = (args: readonly string[], options: { cwd: string }) => Promise<GitResult>;

export const DEFAULT_REMOTE = 'paas';
/** The user name git sends with the token; the server accepts any (DESIGN.md decision 11). */
export const GIT_USERNAME = 'paas';
const GIT_TIMEOUT_MS = 30_000;

export function createGitRunner(env?: NodeJS.ProcessEnv): GitRunner {
  return (args, options) =>
    new Promise((resolve) => {
      execFile('git', [...args], { cwd: options.cwd, env, encoding: 'utf8', timeout: GIT_TIMEOUT_MS, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
        if (!err) return resolve({ code: 0, stdout, stderr });
        const code = typeof err.code === 'number' ? err.code : 127;
        resolve({ code, stdout: stdout ?? '', stderr: stderr || err.message });
      });
    });
}

/**
 * The app name in a git URL: its last path segment without `.git`.
 * `http://host:5000/my-app.git` ▶ `my-app`; scp-like `git@host:my-app.git` too.
 */
export function appNameFromGitUrl(url: string): string | undefined {
  const trimmed = url.trim();
  let path: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    try {
      path = decodeURIComponent(new URL(trimmed).pathname);
    } catch {
      return undefined;
    }
  } else {
    // scp-like `user@host:path` or a local path.
    path = trimmed.includes(':') ? trimmed.slice(trimmed.indexOf(':') + 1) : trimmed;
  }
  path = path.replace(/\/+$/, '');
  const name = path.slice(path.lastIndexOf('/') + 1).replace(/\.git$/, '');
  return name === '' ? undefined : name;
}

export async function isInsideWorkTree(git: GitRunner, cwd: string): Promise<boolean> {
  const result = await git(['rev-parse', '--is-inside-work-tree'], { cwd });
  return result.code === 0 && result.stdout.trim() === 'true';
}

/** The remote's URL, or undefined (no repo, no such remote, no git). */
export async function remoteUrl(git: GitRunner, cwd: string, remote: string): Promise<string | undefined> {
  const result = await git(['remote', 'get-url', '--', remote], { cwd });
  return result.code === 0 ? result.stdout.trim() || undefined : undefined;
}

export type RemoteChange =
  | { change: 'added' | 'unchanged' }
  | { change: 'updated'; previous: string };

/** Points `remote` at `url`, adding the remote if it is missing. */
export async function upsertRemote(git: GitRunner, cwd: string, remote: string, url: string): Promise<RemoteChange> {
  const current = await remoteUrl(git, cwd, remote);
  if (current === url) return { change: 'unchanged' };
  if (current === undefined) {
    await runGit(git, cwd, ['remote', 'add', '--', remote, url]);
    return { change: 'added' };
  }
  await runGit(git, cwd, ['remote', 'set-url', '--', remote, url]);
  return { change: 'updated', previous: current };
}

export async function removeRemote(git: GitRunner, cwd: string, remote: string): Promise<void> {
  await runGit(git, cwd, ['remote', 'remove', '--', remote]);
}

/** The `!…` helper line git runs (through sh) to ask this CLI for credentials. */
export function credentialHelperCommand(self: SelfCommand): string {
  return `!${shellQuote(self.node)} ${shellQuote(self.script)} git-credential`;
}

/**
 * Registers our helper for `origin` (scheme://host:port) in the repo's own
 * config. The empty helper first clears helpers inherited from global
 * config for this URL (gitcredentials(7): "an empty string resets the
 * helper list"), so a keychain helper cannot answer with a stale token or
 * store ours. `--replace-all` makes re-running idempotent.
 */
export async function configureCredentialHelper(git: GitRunner, cwd: string, origin: string, helper: string): Promise<void> {
  const section = `credential.${origin}`;
  await runGit(git, cwd, ['config', '--local', '--replace-all', `${section}.helper`, '']);
  await runGit(git, cwd, ['config', '--local', '--add', `${section}.helper`, helper]);
  await runGit(git, cwd, ['config', '--local', `${section}.username`, GIT_USERNAME]);
}

async function runGit(git: GitRunner, cwd: string, args: string[]): Promise<GitResult> {
  const result = await git(args, { cwd });
  if (result.code !== 0) {
    throw new CliError('GIT_FAILED', `git ${args[0]} ${args[1] ?? ''} failed: ${result.stderr.trim() || `exit code ${result.code}`}`.trim(), {
      hint: result.code === 127 ? 'Install git (https://git-scm.com) and make sure it is on PATH.' : `Run "git ${args.join(' ')}" yourself to see why.`,
    });
  }
  return result;
}
