/**
 * A real paas-server for a benchmark: `bin/paas-server.js` on 127.0.0.1
 * (API and router on port 0) with a fresh data directory, a small API client,
 * and a cleanup that leaves nothing behind: the apps it made are destroyed
 * through the API (DELETE /v1/apps/<app>) before the server stops, then any
 * container still labelled with this installation and the images built for
 * those apps are removed, and the data directory goes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SERVER_BIN = join(REPO_ROOT, 'bin', 'paas-server.js');

export interface PaasServer {
  /** The server process. */
  pid: number;
  apiUrl: string;
  apiPort: number;
  routerPort: number;
  token: string;
  dataDir: string;
  output(): string;
  /** http://x:TOKEN@127.0.0.1:PORT/<app>.git */
  gitUrl(app: string): string;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  createApp(name: string): Promise<void>;
  destroyApp(name: string): Promise<void>;
  /** Destroys the apps, stops the server, removes leftovers. Safe to call twice. */
  stop(): Promise<void>;
  /**
   * kill -9 of the server, as a crash, then a new one on the same data
   * directory and ports; resolves when it says it listens. The apps keep
   * running in between.
   */
  crashAndRestart(): Promise<void>;
}

export interface StartPaasOptions {
  env?: Record<string, string>;
  startTimeoutMs?: number;
  /** Extra node flags for the server process (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

export async function startPaas(options: StartPaasOptions = {}): Promise<PaasServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'paas-bench-'));
  // Only what the server needs: it refuses PAAS_* variables it does not know.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
    PAAS_DATA_DIR: dataDir,
    PAAS_PORT: '0',
    PAAS_ROUTER_PORT: '0',
    PAAS_DRAIN_SECONDS: '1',
    ...options.env,
  };
  let child: ChildProcess;
  let output = '';
  const launch = async () => {
    child = spawn(process.execPath, [...(options.nodeArgs ?? []), SERVER_BIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    await waitForOutput(child, () => /paas router listening on http:\/\/127\.0\.0\.1:\d+/.test(output), options.startTimeoutMs ?? 20_000, () => output);
  };
  try {
    await launch();
  } catch (err) {
    await stopChild(child!);
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  let apiPort = Number(/paas-server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)![1]);
  let routerPort = Number(/paas router listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)![1]);
  const token = /^(paas_\S+)$/m.exec(output)?.[1] ?? '';
  let apiUrl = `http://127.0.0.1:${apiPort}`;
  const apps = new Set<string>();
  let stopped = false;

  const api = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: the caller sees the text
    }
    return { status: res.status, body: parsed as T };
  };

  const server: PaasServer = {
    pid: child!.pid!,
    apiUrl,
    apiPort,
    routerPort,
    token,
    dataDir,
    output: () => output,
    gitUrl: (app) => `http://x:${token}@127.0.0.1:${apiPort}/${app}.git`,
    async crashAndRestart() {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
      // The same ports, so clients and the load loop need no new addresses.
      env.PAAS_PORT = String(apiPort);
      env.PAAS_ROUTER_PORT = String(routerPort);
      await launch();
      apiPort = Number(/paas-server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)![1]);
      routerPort = Number(/paas router listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)![1]);
      apiUrl = `http://127.0.0.1:${apiPort}`;
      server.pid = child.pid!;
    },
    api,
    async createApp(name) {
      const res = await api('POST', '/v1/apps', { name });
      if (res.status !== 201) throw new Error(`creating app ${name}: ${res.status} ${JSON.stringify(res.body)}`);
      apps.add(name);
    },
    async destroyApp(name) {
      const res = await api('DELETE', `/v1/apps/${name}`);
      if (res.status !== 200 && res.status !== 404) throw new Error(`destroying app ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const problems: string[] = [];
      for (const name of apps) {
        await server.destroyApp(name).catch((err: Error) => problems.push(err.message));
      }
      await stopChild(child);
      await removeLeftovers(dataDir, [...apps]).catch((err: Error) => problems.push(err.message));
      await rm(dataDir, { recursive: true, force: true });
      if (problems.length > 0) process.stderr.write(`cleanup: ${problems.join('; ')}\n`);
    },
  };
  return server;
}

/** Containers of this installation that survived (the server keeps apps running across restarts) and the apps' images. */
async function removeLeftovers(dataDir: string, apps: string[]): Promise<void> {
  const docker = new Docker();
  const installation = (await readFile(join(dataDir, 'installation-id'), 'utf8').catch(() => '')).trim();
  if (installation) {
    const containers = await docker.listContainers({ all: true, filters: { label: [`paas.dev/installation=${installation}`] } });
    await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  }
  for (const app of apps) {
    const images = await docker.listImages({ filters: { label: [`paas.dev/app=${app}`] } });
    for (const image of images) {
      await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
    }
  }
}

function waitForOutput(child: ChildProcess, done: () => boolean, timeoutMs: number, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`paas-server did not start in ${timeoutMs} ms:\n${output()}`)), timeoutMs);
    const check = () => {
      if (done()) finish();
    };
    const onExit = (code: number | null) => finish(new Error(`paas-server exited with ${code}:\n${output()}`));
    function finish(err?: Error) {
      clearTimeout(timer);
      child.stdout!.off('data', check);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    }
    child.stdout!.on('data', check);
    child.once('exit', onExit);
    check();
  });
}

export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
