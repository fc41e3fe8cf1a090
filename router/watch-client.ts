/**
 * The standalone router's subscription to the control plane: one long
 * `GET <server>/v1/routes?watch=1` carrying a snapshot, then per-app changes
 * (route-stream.ts). A gap in revisions means a lost line: the connection is
 * dropped and the next one starts from a fresh snapshot.
 *
 * The router keeps serving the last table it saw while disconnected: a
 * control plane restart must not take apps offline. A connection that goes
 * quiet longer than the heartbeat timeout is treated as dead (a half-open TCP
 * connection otherwise looks healthy forever). Reconnects back off from
 * 100 ms doubling to 2 s, and start over from 100 ms once a snapshot arrives.
 */
import http from 'node:http';
import https from 'node:https';
import { parseRouteEvent, ROUTE_STREAM_CONTENT_TYPE, RouteLineSplitter } from './route-stream.js';
import type { AppRoute, RouteTable } from './route-table.js';

export interface WatchRoutesOptions {
  /** Control plane base URL, e.g. http://paas-server:5000 */
  url: string;
  token: string;
  onTable(table: RouteTable, revision: number): void;
  /** One app changed; undefined means it is gone. */
  onApp(app: string, route: AppRoute | undefined, revision: number): void;
  /** Aborting stops the watch; watchRoutes then resolves. */
  signal: AbortSignal;
  logger?: (msg: string) => void;
  /** Default 15 s: the server sends a heartbeat every few seconds. */
  heartbeatTimeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export function routesWatchUrl(base: string): string {
  return `${base.replace(/\/+$/, '')}/v1/routes?watch=1`;
}

/** Runs until `signal` aborts; never rejects. */
export async function watchRoutes(options: WatchRoutesOptions): Promise<void> {
  const log = options.logger ?? (() => {});
  const minBackoff = options.minBackoffMs ?? 100;
  const maxBackoff = options.maxBackoffMs ?? 2_000;
  let backoff = minBackoff;
  let lastProblem = '';
  while (!options.signal.aborted) {
    let gotSnapshot = false;
    try {
      await watchOnce(options, () => {
        gotSnapshot = true;
        if (lastProblem !== '') log('route watch reconnected');
        lastProblem = '';
      });
    } catch (err) {
      if (options.signal.aborted) break;
      const problem = describe(err);
      // Log changes, not every retry: a server down for a minute is one line.
      if (problem !== lastProblem) log(`route watch: ${problem}; keeping the last table and retrying`);
      lastProblem = problem;
    }
    if (gotSnapshot) backoff = minBackoff;
    await sleep(backoff, options.signal);
    backoff = Math.min(backoff * 2, maxBackoff);
  }
}

/** One connection: never resolves, rejects when it ends for any reason. */
function watchOnce(options: WatchRoutesOptions, onSnapshot: () => void): Promise<never> {
  return new Promise<never>((_, reject) => {
    const url = new URL(routesWatchUrl(options.url));
    const client = url.protocol === 'https:' ? https : http;
    const heartbeatMs = options.heartbeatTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    let ended = false;
    const fail = (err: unknown) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      options.signal.removeEventListener('abort', stop);
      request.destroy();
      reject(err);
    };
    const stop = () => fail(new Error('stopped'));
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => fail(new Error(`no data for ${heartbeatMs} ms`)), heartbeatMs);
    };
    // agent: false, because this connection lives for hours and must not sit
    // in (or be reused from) the global pool.
    const request = client.get(
      url,
      { agent: false, headers: { authorization: `Bearer ${options.token}`, accept: ROUTE_STREAM_CONTENT_TYPE } },
      (response) => {
        response.on('error', fail);
        if (response.statusCode !== 200) {
          response.resume();
          fail(new Error(statusProblem(response.statusCode ?? 0)));
          return;
        }
        response.setEncoding('utf8');
        const splitter = new RouteLineSplitter();
        let revision: number | undefined;
        response.on('data', (text: string) => {
          arm();
          try {
            for (const line of splitter.push(text)) {
              const event = parseRouteEvent(line);
              if (event?.type === 'snapshot') {
                revision = event.revision;
                options.onTable(event.routes, event.revision);
                onSnapshot();
              } else if (event?.type === 'app') {
                if (revision === undefined || event.revision !== revision + 1) {
                  throw new Error(`route stream skipped from revision ${revision ?? 'none'} to ${event.revision}`);
                }
                revision = event.revision;
                options.onApp(event.app, event.route ?? undefined, event.revision);
              }
            }
          } catch (err) {
            fail(err);
          }
        });
        response.on('end', () => fail(new Error('the server closed the stream')));
        response.on('close', () => fail(new Error('the connection closed')));
      },
    );
    request.on('error', fail);
    options.signal.addEventListener('abort', stop, { once: true });
    arm();
  });
}

function statusProblem(status: number): string {
  if (status === 401 || status === 403) {
    return `the server refused the router token (HTTP ${status}); check PAAS_ROUTER_TOKEN`;
  }
  return `the server answered HTTP ${status}`;
}

/** A one-line reason, the same for the same failure so repeats can be folded. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  return code !== undefined && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
