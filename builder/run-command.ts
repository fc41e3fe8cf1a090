/**
 * Runs one host binary with an argument array (never a shell) and hands its
 * output to the caller line by line as it arrives. The stack image build uses
 * it for debootstrap, chroot and tar; everything else in the builder talks to
 * the Docker Engine API instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { PaasError } from '../server/errors.js';

export interface RunCommandOptions {
  /** Called for every complete output line (stdout and stderr). */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
  /** How many trailing lines to keep for the error message. */
  keepLines?: number;
  /** The whole environment of the child (nothing is inherited when given). */
  env?: Record<string, string>;
}

export interface CommandResult {
  /** Everything printed on stdout, trimmed. */
  stdout: string;
}

/** Resolves with the output, or throws BUILD_FAILED naming the command and its last lines. */
export async function runCommand(file: string, args: string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  const keep = options.keepLines ?? 15;
  const tail: string[] = [];
  let stdout = '';
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal, env: options.env });
  const collect = (line: string) => {
    tail.push(line);
    if (tail.length > keep) tail.shift();
    options.onLine?.(line);
  };
  splitLines(child, 'stdout', (line) => {
    stdout += `${line}\n`;
    collect(line);
  });
  splitLines(child, 'stderr', collect);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', (err) => reject(new PaasError('BUILD_FAILED', `Could not run ${file}: ${err.message}`, { cause: err })));
    child.once('close', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) {
    throw new PaasError('BUILD_FAILED', `${file} ${args[0] ?? ''} exited with code ${code}. Last output:\n${tail.join('\n')}`, {
      hint: `Run the same command by hand to see the whole output: ${file} ${args.join(' ')}`,
    });
  }
  return { stdout: stdout.trim() };
}

function splitLines(child: ChildProcess, which: 'stdout' | 'stderr', onLine: (line: string) => void): void {
  let partial = '';
  const stream = child[which];
  if (!stream) return;
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) onLine(line.replace(/\r$/, ''));
  });
  stream.on('end', () => {
    if (partial !== '') onLine(partial);
    partial = '';
  });
}
