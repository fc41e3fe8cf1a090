/**
 * Test support for the router's tests: real upstream HTTP servers and a
 * real router on 127.0.0.1 port 0, and a small client that reports what a
 * user would see (status, headers, body, or the error). Test code only.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RouterMetrics } from './metrics.js';
import { createRouterServer, type RouterServerOptions } from './proxy.js';
import type { RouteTable } from './route-table.js';
import { createRouteTableHolder, type RouteTableHolder } from './table-holder.js';

export async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

export async function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export interface Upstream {
  name: string;
  port: number;
  server: http.Server;
  /** Requests received so far. */
  hits: number;
  close(): Promise<void>;
}

/**
 * An app instance. By default it answers 200 with its name as the body and
 * the request's method, url and raw headers as JSON in `X-Echo`.
 */
export async function startUpstream(
  name: string,
  handler?: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<Upstream> {
  const upstream: Upstream = {
    name,
    port: 0,
    hits: 0,
    server: http.createServer((req, res) => {
      upstream.hits++;
      if (handler !== undefined) {
        handler(req, res);
        return;
      }
      req.resume();
      req.on('end', () => {
        const echo = JSON.stringify({ method: req.method, url: req.url, headers: req.rawHeaders });
        res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Echo': encodeURIComponent(echo) });
        res.end(name);
      });
    }),
    close: () => close(upstream.server),
  };
  upstream.port = await listen(upstream.server);
  return upstream;
}

/** A port nothing listens on: bound once, then closed. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  const port = await listen(server);
  await close(server);
  return port;
}

export interface TestRouter {
  port: number;
  table: RouteTableHolder;
  metrics: RouterMetrics;
  logs: string[];
  close(): Promise<void>;
}

export async function startRouter(table: RouteTable, options: Partial<RouterServerOptions> = {}): Promise<TestRouter> {
  const holder = createRouteTableHolder(table);
  const metrics = new RouterMetrics();
  const logs: string[] = [];
  const server = createRouterServer({ table: holder, metrics, logger: (m) => logs.push(m), ...options });
  const port = await listen(server);
  return { port, table: holder, metrics, logs, close: () => close(server) };
}

/** One app with one release per entry: `[release, weight, ports]`. */
export function tableOf(app: string, releases: [number, number, number[]][]): RouteTable {
  return {
    [app]: {
      app,
      releases: releases.map(([release, weight, ports]) => ({
        release,
        weight,
        endpoints: ports.map((port, i) => ({ id: `${app}-v${release}-${i}`, host: '127.0.0.1', port })),
      })),
    },
  };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

export interface SendOptions {
  host: string;
  path?: string;
  method?: string;
  headers?: Record<string, string> | string[];
  body?: string | Buffer;
  agent?: http.Agent;
}

export function send(port: number, options: SendOptions): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = Array.isArray(options.headers)
      ? ['Host', options.host, ...options.headers]
      : { host: options.host, ...options.headers };
    const req = http.request(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/', headers, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The request as the upstream saw it, from the default handler's X-Echo. */
export function echoed(reply: Reply): { method: string; url: string; headers: string[] } {
  const raw = reply.headers['x-echo'];
  if (typeof raw !== 'string') throw new Error(`no X-Echo in reply (status ${reply.status}: ${reply.body})`);
  return JSON.parse(decodeURIComponent(raw)) as { method: string; url: string; headers: string[] };
}

/** Lowercased names of a rawHeaders array. */
export function headerNames(raw: string[]): string[] {
  return raw.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
}

export function headerValue(raw: string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) return raw[i + 1];
  return undefined;
}
