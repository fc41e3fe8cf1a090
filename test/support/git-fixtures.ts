/**
 * Fixture repositories made with the real `git` binary, for tests of the git
 * endpoint and end-to-end pushes. git runs with a throwaway HOME and no
 * system config, never prompts (GIT_TERMINAL_PROMPT=0), and every call is
 * bounded in time.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface GitOptions {
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** A HOME with no .gitconfig, shared by every git call (and every test run: nothing writes to it). */
async function gitHome(): Promise<string> {
  const home = join(tmpdir(), 'paas-test-git-home');
  await mkdir(home, { recursive: true });
  return home;
}

export async function git(args: readonly string[], options: GitOptions = {}): Promise<GitResult> {
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: await gitHome(),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
    LANG: 'C',
    ...options.env,
  };
  return new Promise((resolve) => {
    execFile('git', [...args], { cwd: options.cwd, env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Like git() but throws with git's stderr when it fails. */
export async function gitOk(args: readonly string[], options: GitOptions = {}): Promise<string> {
  const result = await git(args, options);
  if (result.code !== 0) throw new Error(`git ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout.trim();
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `paas-${prefix}-`));
}

export async function removeDir(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

export type Files = Record<string, string | Buffer>;

/** A work tree on branch main with one commit of `files`; returns its path. */
export async function makeRepo(files: Files, message = 'initial'): Promise<string> {
  const dir = await tempDir('repo');
  await gitOk(['init', '-q', '-b', 'main', dir]);
  await commitFiles(dir, files, message);
  return dir;
}

/** Writes `files` and commits them all; returns the new HEAD id. */
export async function commitFiles(repo: string, files: Files, message: string): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(repo, path)), { recursive: true });
    await writeFile(join(repo, path), content);
  }
  await gitOk(['add', '-A'], { cwd: repo });
  await gitOk(['commit', '-q', '--allow-empty', '-m', message], { cwd: repo });
  return head(repo);
}

/**
 * A repository whose history deltifies well (one growing file edited line by
 * line over 9 commits, plus a binary), so packs made from it have delta chains.
 */
export async function makeHistoryRepo(): Promise<string> {
  const lines = Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`);
  const repo = await makeRepo({ 'data.txt': lines.join('\n'), 'bin/blob': Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256)) });
  for (let round = 1; round <= 8; round++) {
    lines[round * 20] = `changed in round ${round}`;
    lines.push(`appended ${round}`);
    await commitFiles(repo, { 'data.txt': lines.join('\n'), [`dir${round % 3}/f${round}.txt`]: `file ${round}\n` }, `round ${round}`);
  }
  return repo;
}

export async function head(repo: string, ref = 'HEAD'): Promise<string> {
  return gitOk(['rev-parse', ref], { cwd: repo });
}

/** Lines of git's stderr that came from the server ("remote: ..."), without the prefix. */
export function remoteLines(stderr: string): string[] {
  return stderr
    .split(/\r?\n|\r/)
    .filter((line) => line.startsWith('remote: '))
    .map((line) => line.slice('remote: '.length).trimEnd());
}
