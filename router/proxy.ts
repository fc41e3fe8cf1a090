/**
 * The router's HTTP server: `Host: <app>.<domain>` ▶ a release by weight ▶ an
 * endpoint by round robin ▶ proxied over a keep-alive upstream pool, bodies
 * streamed both ways, every response saying `X-Paas-Release: v<N>`.
 *
 * The app is looked up once per request in the compiled table (table-holder.ts),
 * so a route change (a deploy, a rollback) takes effect for the next request
 * while requests in flight finish on the endpoint they hold.
 *
 * Retries follow RFC 9110 §9.2.2: only idempotent methods, only without a
 * body (a streamed body cannot be replayed), only when the upstream failed
 * before sending any response byte. Everything else that fails upstream is a
 * 502. Every socket, request and response has an error path, because one
 * misbehaving app or client must never take the router down.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  EJECT_MS,
  pickEndpoint,
  pickRelease,
  pickRetryTarget,
  type CompiledApp,
  type CompiledEndpoint,
  type CompiledRelease,
} from './compiled-routes.js';
import { clientAddress, finishRequestHeaders, responseHeaders, scanRequestHeaders } from './headers.js';
import { createHostMatcher } from './host.js';
import { METRICS_CONTENT_TYPE, MetricSeries, NO_RELEASE, RouterMetrics } from './metrics.js';
import { badGatewayPage, startingPage, notFoundPage, routerHomePage, TEXT_CONTENT_TYPE, unavailablePage } from './pages.js';
import type { RouteTableSource } from './route-table.js';

export interface RouterServerOptions {
  /** Apps are served at `<app>.<domain>`; default `localhost`. */
  domain?: string;
  table: RouteTableSource;
  logger?: (msg: string) => void;
  /** Pass one in to read it elsewhere; the server serves it at /metrics either way. */
  metrics?: RouterMetrics;
  /** Attempts per idempotent request, the first included; default 3. */
  maxAttempts?: number;
  /** Upstream pool; default a keep-alive agent owned (and destroyed) by the server. */
  agent?: http.Agent;
  /** Monotonic clock in ms, for latency and ejection; default performance.now. */
  now?: () => number;
  /**
   * Whether /healthz says ready; default always. The standalone router is not
   * ready until its first route table arrives, so Kubernetes sends it no
   * traffic it would answer with 404s.
   */
  ready?: () => boolean;
}

/**
 * Idle client connections stay open longer than a typical load balancer's
 * idle timeout (60 s on most clouds), so the balancer never reuses a
 * connection the router is closing.
 */
const CLIENT_KEEP_ALIVE_MS = 65_000;

export function createUpstreamAgent(): http.Agent {
  return new http.Agent({
    keepAlive: true,
    // Below Node's default server keepAliveTimeout (5 s): the router closes an
    // idle upstream socket before the app does, which avoids most resets on
    // reuse (Node also honours a `Keep-Alive: timeout=N` hint from the app).
    timeout: 4_000,
    maxFreeSockets: 1024,
    scheduling: 'lifo',
    noDelay: true,
  });
}

export function createRouterServer(options: RouterServerOptions): http.Server {
  const domain = options.domain ?? 'localhost';
  const hosts = createHostMatcher(domain);
  const metrics = options.metrics ?? new RouterMetrics();
  const log = options.logger ?? (() => {});
  const now = options.now ?? (() => performance.now());
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const agent = options.agent ?? createUpstreamAgent();
  const ready = options.ready ?? (() => true);

  const context: ExchangeContext = { agent, metrics, log, now, maxAttempts, domain };

  const server = http.createServer((req, res) => {
    const start = now();
    const scanned = scanRequestHeaders(req.rawHeaders);
    const name = hosts.appFromHost(scanned.host);
    if (name === undefined) {
      serveOwn(req, res, { metrics, domain, ready });
      return;
    }
    const app = options.table.lookup(name);
    if (app === undefined) {
      metrics.unknownAppRequest();
      // Before the first route table, "no such app" would be a lie: say "try again".
      if (!ready()) sendPage(res, 503, startingPage(), undefined, false, true);
      else sendPage(res, 404, notFoundPage(name, domain), undefined);
      return;
    }
    const release = pickRelease(app);
    if (release === undefined) {
      const series = (app.series ??= metrics.series(app.app, NO_RELEASE));
      sendPage(res, 503, unavailablePage(app.app), undefined);
      metrics.observe(series, 503, false, (now() - start) / 1000);
      return;
    }
    const headers = finishRequestHeaders(scanned, clientAddress(req.socket.remoteAddress), 'http');
    const exchange = new Exchange(context, req, res, app, release, headers, start);
    exchange.begin(scanned.hasBody);
  });
  server.keepAliveTimeout = CLIENT_KEEP_ALIVE_MS;
  server.headersTimeout = CLIENT_KEEP_ALIVE_MS + 1_000;
  if (options.agent === undefined) server.on('close', () => agent.destroy());
  return server;
}

interface ExchangeContext {
  agent: http.Agent;
  metrics: RouterMetrics;
  log: (msg: string) => void;
  now: () => number;
  maxAttempts: number;
  domain: string;
}

/** One client request and its upstream attempts. */
class Exchange {
  private endpoint: CompiledEndpoint;
  private upstream: http.ClientRequest | undefined;
  private responded = false;
  private clientGone = false;
  private canRetry = false;
  private attempts = 0;
  private tried: CompiledEndpoint[] | undefined;

  constructor(
    private readonly ctx: ExchangeContext,
    private readonly req: http.IncomingMessage,
    private readonly res: http.ServerResponse,
    private readonly app: CompiledApp,
    private release: CompiledRelease,
    private readonly headers: string[],
    private readonly start: number,
  ) {
    this.endpoint = pickEndpoint(release, start);
  }

  begin(hasBody: boolean): void {
    this.canRetry = !hasBody && isIdempotent(this.req.method);
    this.res.on('close', () => this.onClientClose());
    this.attempt(hasBody);
  }

  private attempt(hasBody: boolean): void {
    this.attempts++;
    const endpoint = this.endpoint;
    let upstream: http.ClientRequest;
    try {
      upstream = http.request(
        {
          host: endpoint.host,
          port: endpoint.port,
          method: this.req.method,
          path: this.req.url,
          headers: this.headers,
          agent: this.ctx.agent,
          setHost: false,
        },
        (upRes) => this.onResponse(upstream, upRes),
      );
    } catch (err) {
      // Node validates the request line and fields when writing them; the
      // parser that read them is slightly more lenient. A throw here must not
      // escape the request handler and take the process down.
      this.ctx.log(`${this.app.app} ${this.release.label}: request not forwardable (${(err as Error).message})`);
      sendPage(this.res, 502, badGatewayPage(this.app.app, this.release.label), this.release.label, !this.req.complete);
      return;
    }
    this.upstream = upstream;
    upstream.on('error', (err) => this.onUpstreamError(upstream, err as NodeJS.ErrnoException));
    if (hasBody) this.req.pipe(upstream);
    else upstream.end();
  }

  private onResponse(upstream: http.ClientRequest, upRes: http.IncomingMessage): void {
    upRes.on('error', () => this.onUpstreamBroken());
    if (upstream !== this.upstream || this.clientGone) {
      upstream.destroy();
      return;
    }
    this.responded = true;
    const res = this.res;
    try {
      res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage ?? '', responseHeaders(upRes.rawHeaders, this.release.label));
    } catch (err) {
      // Node's parser accepts some header bytes its writer refuses; the app's
      // response cannot be relayed as sent.
      this.ctx.log(`${this.app.app} ${this.release.label}: unrelayable response headers (${(err as Error).message})`);
      upstream.destroy();
      sendPage(res, 502, badGatewayPage(this.app.app, this.release.label), this.release.label, !this.req.complete);
      return;
    }
    upRes.pipe(res);
  }

  /** The upstream connection broke after its response began: cut the client short too. */
  private onUpstreamBroken(): void {
    if (!this.res.writableFinished) this.res.destroy();
  }

  private onUpstreamError(upstream: http.ClientRequest, err: NodeJS.ErrnoException): void {
    if (upstream !== this.upstream || this.clientGone) return;
    if (this.responded) {
      this.onUpstreamBroken();
      return;
    }
    const { metrics, log, now } = this.ctx;
    const series = this.series();
    metrics.upstreamError(series);
    const endpoint = this.endpoint;
    const at = now();
    if (err.code === 'ECONNREFUSED' && endpoint.ejectedUntil <= at) {
      endpoint.ejectedUntil = at + EJECT_MS;
      log(`${this.app.app} ${this.release.label}: endpoint ${endpoint.id} (${endpoint.host}:${endpoint.port}) refused the connection; skipping it for ${EJECT_MS} ms`);
    }
    if (this.canRetry && this.attempts < this.ctx.maxAttempts) {
      (this.tried ??= []).push(endpoint);
      const target = pickRetryTarget(this.app, this.release, this.tried, at);
      if (target !== undefined) {
        metrics.retry(series);
        this.release = target.release;
        this.endpoint = target.endpoint;
        this.attempt(false);
        return;
      }
    }
    log(`${this.app.app} ${this.release.label}: 502 for ${this.req.method} after ${this.attempts} attempt(s): ${err.code ?? err.message}`);
    // A body half piped to the dead upstream stays unread; Node only drains
    // bodies nobody started reading, so the connection could not carry
    // another request: close it after the 502.
    sendPage(this.res, 502, badGatewayPage(this.app.app, this.release.label), this.release.label, !this.req.complete);
  }

  /** 'close' fires once on every response: finished, or the client went away. */
  private onClientClose(): void {
    const res = this.res;
    const aborted = !res.writableFinished;
    if (aborted) {
      this.clientGone = true;
      this.upstream?.destroy();
    }
    this.ctx.metrics.observe(this.series(), res.statusCode, aborted && !res.headersSent, (this.ctx.now() - this.start) / 1000);
  }

  private series(): MetricSeries {
    return (this.release.series ??= this.ctx.metrics.series(this.app.app, this.release.label));
  }
}

function isIdempotent(method: string | undefined): boolean {
  switch (method) {
    case 'GET':
    case 'HEAD':
    case 'OPTIONS':
    case 'PUT':
    case 'DELETE':
      return true;
    default:
      return false;
  }
}

/** A response the router writes itself; `release` when one was chosen. */
function sendPage(res: http.ServerResponse, status: number, body: string, release: string | undefined, closeAfter = false, retrySoon = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers = [
    'Content-Type', TEXT_CONTENT_TYPE,
    'Content-Length', String(Buffer.byteLength(body)),
    'Cache-Control', 'no-store',
    'X-Content-Type-Options', 'nosniff',
  ];
  if (release !== undefined) headers.push('X-Paas-Release', release);
  if (closeAfter) headers.push('Connection', 'close');
  if (retrySoon) headers.push('Retry-After', '1');
  res.writeHead(status, headers);
  res.end(body);
}

/** Hosts that are not app hosts reach the router itself: /metrics, /healthz. */
interface OwnRoutes {
  metrics: RouterMetrics;
  domain: string;
  ready: () => boolean;
}

function serveOwn(req: http.IncomingMessage, res: http.ServerResponse, { metrics, domain, ready }: OwnRoutes): void {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const readable = req.method === 'GET' || req.method === 'HEAD';
  if (readable && path === '/metrics') {
    const body = metrics.render();
    res.writeHead(200, ['Content-Type', METRICS_CONTENT_TYPE, 'Content-Length', String(Buffer.byteLength(body)), 'Cache-Control', 'no-store']);
    res.end(body);
  } else if (readable && path === '/healthz') {
    if (ready()) sendPage(res, 200, 'ok\n', undefined);
    else sendPage(res, 503, 'waiting for the first route table from the control plane\n', undefined);
  } else {
    sendPage(res, 404, routerHomePage(domain), undefined);
  }
}
