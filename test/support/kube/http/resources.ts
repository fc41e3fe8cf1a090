/**
 * Resource requests: the REST verbs of one kind at
 * /api[s]/<group>/<version>/[namespaces/<ns>/]<resource>[/<name>[/<sub>]],
 * dispatched as k8s.io/apiserver pkg/endpoints/installer.go registers
 * them. Anything the double does not serve answers loudly: unknown
 * resources and subresources 404, a verb the kind does not support 405,
 * a body it cannot read 415.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, invalid, methodNotAllowed, resourceNotFound, unsupportedMediaType } from '../api/status.js';
import { fieldError } from '../api/field-errors.js';
import { isPlainObject, type Obj } from '../lib/json.js';
import type { ApiServer, WriteOptions } from '../apiserver/api-server.js';
import type { DeleteOptions, PropagationPolicy } from '../apiserver/deletion.js';
import type { ListOptions } from '../apiserver/list.js';
import type { KindDef } from '../kinds/kind.js';
import { servePodLog, type PodLogSource } from './logs.js';
import type { RequestInfo } from './request-info.js';
import { parseJsonBody, readBody, requireJsonAccept, sendJson } from './respond.js';
import { getScale, patchScale, updateScale } from './scale.js';
import { serveWatch, type WatchContext } from './watch.js';

export interface ResourceContext extends WatchContext {
  api: ApiServer;
  logs: PodLogSource;
  authorize: WriteOptions['authorize'];
}

function writeOptions(url: URL, ctx: ResourceContext): WriteOptions {
  const q = url.searchParams;
  const dryRun = q.getAll('dryRun');
  if (dryRun.some((d) => d !== 'All')) {
    throw invalid({ group: 'meta.k8s.io', kind: 'CreateOptions' }, '', [fieldError.notSupported('dryRun', dryRun.find((d) => d !== 'All'), ['All'])]);
  }
  const fv = q.get('fieldValidation');
  if (fv !== null && !['', 'Ignore', 'Warn', 'Strict'].includes(fv)) {
    throw badRequest(`fieldValidation: Unsupported value: ${JSON.stringify(fv)}: supported values: "Ignore", "Warn", "Strict"`);
  }
  const fm = q.get('fieldManager');
  if (fm !== null && (fm.length > 128 || /[^\x20-\x7e]/.test(fm))) throw invalid({ group: 'meta.k8s.io', kind: 'CreateOptions' }, '', [fieldError.invalid('fieldManager', fm, 'must be less than 128 characters and printable')]);
  return { dryRun: dryRun.length > 0, authorize: ctx.authorize };
}

function listOptions(url: URL): ListOptions {
  const q = url.searchParams;
  const limit = q.get('limit');
  return {
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
    limit: limit !== null ? Number(limit) : undefined,
    continue: q.get('continue') ?? undefined,
    resourceVersion: q.get('resourceVersion') ?? undefined,
    resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
  };
}

async function jsonBody(req: IncomingMessage, what: string): Promise<unknown> {
  const type = (req.headers['content-type'] ?? 'application/json').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json' && type !== '*/*' && type !== '') {
    throw unsupportedMediaType(['application/json'], ' (the Kubernetes API double reads JSON only)');
  }
  return parseJsonBody(await readBody(req), what);
}

async function deleteOptions(req: IncomingMessage, url: URL): Promise<DeleteOptions> {
  const raw = await readBody(req);
  const body: Obj = raw.trim() ? (parseJsonBody(raw, 'DeleteOptions') as Obj) : {};
  if (!isPlainObject(body)) throw badRequest('the object provided is unrecognized (must be of type DeleteOptions)');
  const q = url.searchParams;
  const grace = q.get('gracePeriodSeconds') ?? body.gracePeriodSeconds;
  const opts: DeleteOptions = {};
  if (grace !== undefined && grace !== null) opts.gracePeriodSeconds = Number(grace);
  const policy = q.get('propagationPolicy') ?? body.propagationPolicy;
  if (policy) opts.propagationPolicy = policy as PropagationPolicy;
  const orphan = q.get('orphanDependents') ?? body.orphanDependents;
  if (orphan !== undefined && orphan !== null) opts.orphanDependents = orphan === true || orphan === 'true';
  if (body.preconditions) opts.preconditions = body.preconditions;
  if (q.getAll('dryRun').length > 0 || (body.dryRun ?? []).length > 0) opts.dryRun = true;
  return opts;
}

function requireVerb(kind: KindDef, verb: string): void {
  if (!(kind.verbs as readonly string[]).includes(verb)) throw methodNotAllowed();
}

export async function serveResource(ctx: ResourceContext, kind: KindDef, info: RequestInfo, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { api } = ctx;
  const ns = kind.namespaced ? info.namespace || undefined : undefined;
  const name = info.pathName;
  const sub = info.subresource;
  if (info.extra.length > 0) throw resourceNotFound();
  if (!kind.namespaced && info.namespace && kind.resource !== 'namespaces') throw resourceNotFound();
  if (kind.namespaced && name && !info.namespace) throw resourceNotFound();
  if (sub && !((sub === 'status' && kind.status) || (sub === 'scale' && kind.scale) || (sub === 'log' && kind.log))) throw resourceNotFound();
  requireJsonAccept(req);
  // the cluster-wide path of a namespaced resource only serves list and watch
  if (kind.namespaced && !info.namespace && info.verb !== 'list' && info.verb !== 'watch') throw methodNotAllowed();

  switch (info.verb) {
    case 'get': {
      requireVerb(kind, 'get');
      if (sub === 'log') return servePodLog(ctx.logs, api.get(kind, ns, name), url, res);
      if (sub === 'scale') return sendJson(res, 200, getScale(api, kind, ns ?? '', name));
      return sendJson(res, 200, api.get(kind, ns, name));
    }
    case 'list':
      requireVerb(kind, 'list');
      return sendJson(res, 200, api.list(kind, ns, listOptions(url)));
    case 'watch':
      requireVerb(kind, 'watch');
      return serveWatch(ctx, kind, ns, url, res);
    case 'create': {
      if (name || sub) throw methodNotAllowed();
      requireVerb(kind, 'create');
      const opts = writeOptions(url, ctx);
      const body = await jsonBody(req, kind.kind);
      return sendJson(res, 201, api.create(kind, ns, body, opts));
    }
    case 'update': {
      if (!name || sub === 'log') throw methodNotAllowed();
      requireVerb(kind, 'update');
      const opts = writeOptions(url, ctx);
      const body = await jsonBody(req, sub === 'scale' ? 'Scale' : kind.kind);
      if (sub === 'scale') return sendJson(res, 200, updateScale(api, kind, ns ?? '', name, body));
      return sendJson(res, 200, api.update(kind, ns, name, body, { ...opts, subresource: sub === 'status' ? 'status' : undefined }));
    }
    case 'patch': {
      if (!name || sub === 'log') throw methodNotAllowed();
      requireVerb(kind, 'patch');
      const opts = writeOptions(url, ctx);
      const contentType = req.headers['content-type'] ?? '';
      const raw = await readBody(req);
      if (sub === 'scale') return sendJson(res, 200, patchScale(api, kind, ns ?? '', name, contentType, raw));
      return sendJson(res, 200, api.patch(kind, ns, name, contentType, raw, { ...opts, subresource: sub === 'status' ? 'status' : undefined }));
    }
    case 'delete': {
      if (sub) throw methodNotAllowed();
      requireVerb(kind, 'delete');
      const opts = await deleteOptions(req, url);
      const result = api.delete(kind, ns, name, opts);
      // batch/v1 Jobs still orphan their pods by default; the apiserver says so (job strategy WarningsOnDelete)
      const warning: Record<string, string> =
        kind.resource === 'jobs' && kind.group === 'batch' && opts.propagationPolicy === undefined && opts.orphanDependents === undefined
          ? { Warning: '299 - "child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning"' }
          : {};
      return sendJson(res, 200, result.body, warning);
    }
    case 'deletecollection': {
      if (sub) throw methodNotAllowed();
      requireVerb(kind, 'deletecollection');
      return sendJson(res, 200, api.deleteCollection(kind, ns, listOptions(url), await deleteOptions(req, url)));
    }
    default:
      throw methodNotAllowed();
  }
}
