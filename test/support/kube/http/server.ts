/**
 * The double's HTTP(S) front door, in the order kube-apiserver's handler
 * chain runs (k8s.io/apiserver pkg/server/config.go DefaultBuildHandlerChain):
 * injected latency, authentication (bearer token; anything else is 401
 * Unauthorized), request info, recording of the request as RBAC sees it,
 * authorization (403 with the upstream message), injected failures, then
 * discovery, health and the resource handlers. Every error is a Status.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { timingSafeEqual } from 'node:crypto';
import { forbidden, makeStatus, resourceNotFound, StatusError, unauthorized } from '../api/status.js';
import type { Authorizer, RequestAttributes } from '../auth/rbac.js';
import { forbiddenMessage } from '../auth/rbac.js';
import type { FailureQueue } from '../faults.js';
import type { Registry } from '../kinds/kind.js';
import { discoveryDocument, SERVER_VERSION } from './discovery.js';
import { parseRequestInfo } from './request-info.js';
import { sendJson, sendStatus, sendText } from './respond.js';
import { serveResource, type ResourceContext } from './resources.js';

export interface RecordedRequest {
  verb: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** Non-resource requests (discovery, /version, /healthz) have no resource. */
  resourceRequest: boolean;
  method: string;
  path: string;
  allowed: boolean;
  /** HTTP status of the answer (200 for watches and log streams once they start). */
  code?: number;
}

export interface ServerContext extends ResourceContext {
  registry: Registry;
  token: string;
  authorizer: Authorizer;
  failures: FailureQueue;
  latencyMs(): number;
  record(r: RecordedRequest): void;
  log(line: string): void;
  serverAddress(): string;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]?.trim() ?? '');
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function handle(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://double.invalid');
  const latency = ctx.latencyMs();
  if (latency > 0) await ctx.timers.sleep(latency);
  if (!tokenMatches(req.headers.authorization, ctx.token)) {
    sendStatus(res, unauthorized());
    return;
  }
  const info = parseRequestInfo(req.method ?? 'GET', url);
  const attrs: RequestAttributes = {
    user: ctx.authorizer.user,
    verb: info.verb,
    resourceRequest: info.resourceRequest,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    resource: info.resource,
    subresource: info.subresource,
    namespace: info.namespace,
    name: info.name,
    path: url.pathname,
  };
  const decision = ctx.authorizer.authorize(attrs);
  const record: RecordedRequest = {
    verb: info.verb,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    resource: info.resource,
    resourceRequest: info.resourceRequest,
    method: req.method ?? 'GET',
    path: url.pathname,
    allowed: decision.allowed,
  };
  if (info.subresource) record.subresource = info.subresource;
  if (info.namespace) record.namespace = info.namespace;
  if (info.name) record.name = info.name;
  ctx.record(record);
  res.on('finish', () => (record.code = res.statusCode));
  try {
    if (!decision.allowed) {
      if (!info.resourceRequest) throw new StatusError(makeStatus(403, 'Forbidden', `forbidden: ${forbiddenMessage(attrs)}`, {}));
      throw forbidden({ group: info.apiGroup, resource: info.resource }, info.name, forbiddenMessage(attrs));
    }
    const injected = ctx.failures.take({ verb: info.verb, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name });
    if (injected) throw injected;
    if (!info.resourceRequest) return serveNonResource(ctx, url, res);
    const kind = ctx.registry.lookup(info.apiGroup, info.apiVersion, info.resource);
    if (!kind) throw resourceNotFound();
    await serveResource(ctx, kind, info, url, req, res);
  } catch (e) {
    if (!(e instanceof StatusError)) ctx.log(`kube-double: internal error on ${req.method} ${url.pathname}: ${(e as Error)?.stack ?? String(e)}`);
    if (res.headersSent) res.destroy();
    else sendStatus(res, e);
  }
}

function serveNonResource(ctx: ServerContext, url: URL, res: ServerResponse): void {
  const p = url.pathname;
  if (p === '/version' || p === '/version/') return sendJson(res, 200, SERVER_VERSION);
  if (p === '/healthz' || p === '/readyz' || p === '/livez') return sendText(res, 200, 'ok');
  const doc = discoveryDocument(ctx.registry, p, ctx.serverAddress());
  if (doc) return sendJson(res, 200, doc);
  throw resourceNotFound();
}

export function createApiServer(ctx: ServerContext, tls?: { key: string; cert: string }): Server {
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    handle(ctx, req, res).catch((e) => {
      ctx.log(`kube-double: ${(e as Error)?.stack ?? String(e)}`);
      if (!res.headersSent) sendStatus(res, e);
      else res.destroy();
    });
  };
  return tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler) : createHttpServer(handler);
}
