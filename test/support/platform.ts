/**
 * Helpers for end-to-end tests of the whole platform: the real paas-server
 * (with its embedded router) on 127.0.0.1, real `git push` over HTTP, and
 * requests through the router with `Host: <app>.localhost`.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api } from './api.js';
import { git, remoteLines, type GitResult } from './git-fixtures.js';
import { CLI_BIN, type ServerProcess } from './server-process.js';

export interface PushResult extends GitResult {
  /** The server's lines ("remote: ..." without the prefix). */
  remote: string[];
}

/** `git push <server>/<app>.git HEAD:<ref>` with the token as Basic password. */
export async function pushApp(server: Pick<ServerProcess, 'url'>, app: string, work: string, options: { token: string; ref?: string; force?: boolean; timeoutMs?: number }): Promise<PushResult> {
  const url = new URL(`${server.url}/${app}.git`);
  url.username = 'git';
  url.password = options.token;
  const args = ['push', ...(options.force ? ['--force'] : []), url.toString(), `HEAD:${options.ref ?? 'refs/heads/main'}`];
  const result = await git(args, { cwd: work, timeoutMs: options.timeoutMs ?? 120_000 });
  return { ...result, remote: remoteLines(result.stderr) };
}

export async function createApp(server: Pick<ServerProcess, 'url'>, token: string, name: string): Promise<void> {
  const res = await api(server.url, 'POST', '/v1/apps', { token, body: { name } });
  if (res.status !== 201) throw new Error(`creating ${name}: ${res.status} ${JSON.stringify(res.body)}`);
}

export interface RoutedResponse {
  status: number;
  release: string | undefined;
  body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** GET through the router as a browser would ask for http://<app>.localhost/<path>. */
export function getThroughRouter(routerUrl: string, app: string, path = '/', timeoutMs = 5000): Promise<RoutedResponse> {
  const target = new URL(path, routerUrl);
  return new Promise((resolve, reject) => {
    const req = http.get(target, { agent, headers: { host: `${app}.localhost`, connection: 'keep-alive' }, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, release: header(res.headers['x-paas-release']), body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${app}${path} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Polls (bounded) until `check` passes; returns its last value or throws with it. */
export async function eventually<T>(probe: () => Promise<T>, check: (value: T) => boolean, options: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let last: T | undefined;
  let error: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (check(last)) return last;
    } catch (err) {
      error = err;
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
  throw new Error(`${options.what ?? 'condition'} not reached in time; last value: ${JSON.stringify(last)}${error ? `, last error: ${String(error)}` : ''}`);
}

/**
 * A bounded load loop: `workers` concurrent sequential GETs until stopped (or
 * `maxMs`), recording each response. Used to prove deploys and rollbacks drop
 * no request.
 */
export function startLoad(routerUrl: string, app: string, options: { workers?: number; maxMs?: number } = {}) {
  const results: { at: number; status: number; release: string | undefined; error?: string }[] = [];
  let stopped = false;
  const deadline = Date.now() + (options.maxMs ?? 60_000);
  const worker = async () => {
    while (!stopped && Date.now() < deadline) {
      const at = Date.now();
      try {
        const res = await getThroughRouter(routerUrl, app);
        results.push({ at, status: res.status, release: res.release });
      } catch (err) {
        results.push({ at, status: 0, release: undefined, error: err instanceof Error ? err.message : String(err) });
      }
    }
  };
  const running = Promise.all(Array.from({ length: options.workers ?? 4 }, worker));
  return {
    results,
    async stop() {
      stopped = true;
      await running;
      return results;
    },
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `paas` binary as a user with `token` would, against `server`. */
export function paas(server: Pick<ServerProcess, 'url'>, token: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_BIN, ...args], {
      cwd: options.cwd,
      timeout: options.timeoutMs ?? 60_000,
      env: { PATH: process.env['PATH'] ?? '', HOME: tmpdir(), PAAS_CONFIG_DIR: join(tmpdir(), 'paas-test-cli-unused'), PAAS_API_URL: server.url, PAAS_TOKEN: token, NO_COLOR: '1' },
    }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}
