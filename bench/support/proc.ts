/**
 * Child processes for benchmarks: every one bounded by a timeout (SIGKILL
 * after it), its output kept, and its wall time measured from spawn to exit
 * with the monotonic clock.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  input?: string;
  /** Called for every stderr line (git's "remote:" lines) with ms since spawn. */
  onStderrLine?: (line: string, atMs: number) => void;
}

export function run(cmd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const spawnOptions: SpawnOptions = { cwd: options.cwd, env: options.env ?? process.env, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] };
    const started = performance.now();
    const child = spawn(cmd, args, spawnOptions);
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    let partial = '';
    child.stderr!.on('data', (c: Buffer) => {
      const text = c.toString();
      stderr += text;
      if (!options.onStderrLine) return;
      const at = performance.now() - started;
      const parts = (partial + text).split(/\r?\n|\r/);
      partial = parts.pop() ?? '';
      for (const line of parts) if (line.trim()) options.onStderrLine(line, at);
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
    if (options.input !== undefined) {
      // A child that exits without reading its input must not crash us with EPIPE.
      child.stdin!.on('error', () => {});
      child.stdin!.end(options.input);
    }
  });
}

/** run() that fails unless the command exits 0. */
export async function runOk(cmd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await run(cmd, args, options);
  if (result.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${result.code}:\n${result.stdout}${result.stderr}`);
  return result;
}

/** A git environment that ignores the user's config and never prompts. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@paas.local',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@paas.local',
    ...extra,
  };
}

export function git(cwd: string, args: string[], timeoutMs = 60_000): Promise<RunResult> {
  return runOk('git', args, { cwd, env: gitEnv(), timeoutMs });
}

export const sleep = (msToWait: number) => new Promise<void>((resolve) => setTimeout(resolve, msToWait));
