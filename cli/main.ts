/**
 * paas: the command-line client. Wiring only: builds the real effects
 * (process argv and env, fetch, fs, git, the terminal) and hands them to
 * runCli (run.ts), which does everything else.
 *
 * Environment (see `paas help`): PAAS_API_URL, PAAS_TOKEN, PAAS_CONFIG_DIR
 * (else $XDG_CONFIG_HOME/paas, else ~/.config/paas).
 */
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

// `paas apps | head -1` closes our stdout early; that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
});

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
});
process.exitCode = exitCode;
