/**
 * Starts the real `paas-server` binary on 127.0.0.1, port 0, with a fresh
 * data directory, and gives tests its URL, the first admin token and its
 * logs. Closed (SIGTERM, then SIGKILL) by `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import Docker from 'dockerode';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SERVER_BIN = join(REPO_ROOT, 'bin', 'paas-server.js');
export const CLI_BIN = join(REPO_ROOT, 'bin', 'paas.js');

export interface ServerProcess {
  url: string;
  /** The embedded router ("http://127.0.0.1:PORT"); apps answer there with `Host: <app>.localhost`. */
  routerUrl: string;
  adminToken: string;
  dataDir: string;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM; then, unless `keepApps`, removes this installation's containers (and the data dir if the test did not give one). */
  stop(options?: { keepApps?: boolean }): Promise<void>;
  /** SIGKILL, as a crash would: nothing is cleaned up. */
  kill(): Promise<void>;
}

export interface StartServerOptions {
  dataDir?: string;
  env?: Record<string, string>;
  args?: string[];
  startTimeoutMs?: number;
}

export async function startServer(options: StartServerOptions = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'paas-test-')));
  const ownsDataDir = options.dataDir === undefined;
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...options.env };
  const args = options.args ?? [];
  const withRouter = !args.includes('--router-port');
  const child = spawn(process.execPath, [SERVER_BIN, '--port', '0', '--data-dir', dataDir, ...(withRouter ? ['--router-port', '0'] : []), ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const routerLine = /router listening on (http:\/\/[^\s;]+)/;
  const url = await waitFor(child, () => {
    const server = /paas-server listening on (http:\/\/\S+)/.exec(output)?.[1];
    return server && (!withRouter || args.includes('--embedded-router') || routerLine.test(output)) ? server : undefined;
  }, options.startTimeoutMs ?? 20_000, () => output);
  const routerUrl = routerLine.exec(output)?.[1] ?? '';
  const adminToken = /^(paas_[0-9a-f]{16}_\S+)$/m.exec(output)?.[1] ?? '';

  return {
    url,
    routerUrl,
    adminToken,
    dataDir,
    output: () => output,
    async stop(stopOptions = {}) {
      await stopChild(child);
      if (!stopOptions.keepApps) await removeInstallationContainers(dataDir);
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Removes the containers the server of `dataDir` started (labelled with its installation id). */
export async function removeInstallationContainers(dataDir: string): Promise<void> {
  const id = (await readFile(join(dataDir, 'installation-id'), 'utf8').catch(() => '')).trim();
  if (!id) return;
  const docker = new Docker();
  const containers = await docker.listContainers({ all: true, filters: { label: [`paas.dev/installation=${id}`] } });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
}

function waitFor<T>(child: ChildProcess, probe: () => T | undefined, timeoutMs: number, output: () => string): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => finish(new Error(`paas-server did not start in ${timeoutMs} ms:\n${output()}`)), timeoutMs);
    const check = () => {
      const value = probe();
      if (value !== undefined) finish(undefined, value);
    };
    const onExit = (code: number | null) => finish(new Error(`paas-server exited with ${code}:\n${output()}`));
    function finish(err?: Error, value?: T) {
      clearTimeout(timer);
      child.stdout!.off('data', check);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolvePromise(value as T);
    }
    child.stdout!.on('data', check);
    child.once('exit', onExit);
    check();
  });
}

export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
