/**
 * paas: the command-line client. Wiring only: builds the real effects
 * (process argv and env, fetch, fs, git, the terminal) and hands them to
 * runCli (run.ts), which does everything else.
 *
 * Environment (see `paas help`): PAAS_API_URL, PAAS_TOKEN, PAAS_CONFIG_DIR
 * (else $XDG_CONFIG_HOME/paas, else ~/.config/paas).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Output } from './context.js';
import { createGitRunner } from './git-remote.js';
import { createTerminalInput } from './prompt.js';
import { runCli } from './run.js';

function output(stream: NodeJS.WriteStream): Output {
  return {
    write: (text) => void stream.write(text),
    line: (text = '') => void stream.write(`${text}\n`),
  };
}

// `paas apps | head -1` closes our stdout early; that is not an error, and
// nobody reads what follows (`paas logs --tail | head` would stream forever).
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(0);
});

/**
 * `paas open` on a terminal: the platform's opener (xdg-open, open, start),
 * detached so the CLI can exit. Not on a pipe (`curl "$(paas open)"`), and
 * a missing opener only means the URL is printed.
 */
function openUrl(url: string): Promise<boolean> {
  if (!process.stdout.isTTY) return Promise.resolve(false);
  const [command, ...args] = process.platform === 'darwin' ? ['open', url]
    : process.platform === 'win32' ? ['cmd', '/c', 'start', '""', url]
    : ['xdg-open', url];
  return new Promise((resolve) => {
    const child = spawn(command!, args, { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}

const exitCode = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  cwd: process.cwd(),
  homedir: homedir(),
  fetch: globalThis.fetch,
  fs,
  git: createGitRunner(),
  stdout: output(process.stdout),
  stderr: output(process.stderr),
  input: createTerminalInput({ stdin: process.stdin, stderr: process.stderr }),
  // bin/paas.js, for git to call back as a credential helper (dist/cli/main.js ▶ ../../bin).
  self: { node: process.execPath, script: fileURLToPath(new URL('../../bin/paas.js', import.meta.url)) },
  userAgent: 'paas-cli/0.1.0',
  // Ctrl-C while streaming (logs --tail): the command ends its stream and
  // exits 0. With no handler registered, SIGINT ends the process as usual.
  onInterrupt: (handler) => {
    process.on('SIGINT', handler);
    return () => void process.off('SIGINT', handler);
  },
  openUrl,
});
process.exitCode = exitCode;
