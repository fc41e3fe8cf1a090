/**
 * What a request is, in the terms RBAC and the handlers use: the port of
 * k8s.io/apiserver pkg/endpoints/request/requestinfo.go. Resource paths are
 * /api/v1/... and /apis/<group>/<version>/..., optionally
 * /namespaces/<ns>/..., then resource[/name[/subresource]]. The verb comes
 * from the method; a GET without a name is list, or watch with
 * ?watch=1|true (or the deprecated /watch/ prefix); a DELETE without a name
 * is deletecollection; a list or watch whose fieldSelector pins
 * metadata.name carries that name.
 */

export interface RequestInfo {
  resourceRequest: boolean;
  path: string;
  verb: string;
  apiPrefix: 'api' | 'apis' | '';
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  /** The name RBAC sees (the path's, or a list/watch fieldSelector's metadata.name). */
  name: string;
  /** The name in the path, if any: what the handlers act on. */
  pathName: string;
  /** Everything after resource/name/subresource (not served; present means 404). */
  extra: string[];
}

const METHOD_VERBS: Record<string, string> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

export function isTrue(v: string | null): boolean {
  return v === '1' || v === 'true' || v === 'True';
}

function nameFromFieldSelector(fieldSelector: string | null): string {
  if (!fieldSelector) return '';
  for (const part of fieldSelector.split(',')) {
    const m = /^\s*metadata\.name\s*(?:==|=)\s*(.+?)\s*$/.exec(part);
    if (m && !/[/%]/.test(m[1] ?? '')) return m[1] ?? '';
  }
  return '';
}

export function parseRequestInfo(method: string, url: URL): RequestInfo {
  const path = url.pathname;
  const info: RequestInfo = { resourceRequest: false, path, verb: (method === 'GET' || method === 'HEAD' ? 'get' : method.toLowerCase()), apiPrefix: '', apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '', pathName: '', extra: [] };
  let parts = path.split('/').filter((p) => p !== '');
  if (parts[0] !== 'api' && parts[0] !== 'apis') return info;
  info.apiPrefix = parts[0];
  parts = parts.slice(1);
  if (info.apiPrefix === 'apis') {
    if (parts.length < 3) return info;
    info.apiGroup = parts[0] ?? '';
    parts = parts.slice(1);
  } else if (parts.length < 2) return info;
  info.apiVersion = parts[0] ?? '';
  parts = parts.slice(1);
  info.resourceRequest = true;
  let verb = METHOD_VERBS[method] ?? method.toLowerCase();
  if (parts[0] === 'watch') {
    verb = 'watch';
    parts = parts.slice(1);
  }
  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      info.namespace = parts[1] ?? '';
      if (parts.length > 2 && parts[2] !== 'status' && parts[2] !== 'finalize') parts = parts.slice(2);
    }
  }
  info.resource = parts[0] ?? '';
  info.name = parts[1] ?? '';
  info.subresource = parts[2] ?? '';
  info.pathName = info.name;
  info.extra = parts.slice(3);
  if (!info.name && verb === 'get') {
    verb = isTrue(url.searchParams.get('watch')) ? 'watch' : 'list';
  }
  if (!info.name && (verb === 'list' || verb === 'watch')) info.name = nameFromFieldSelector(url.searchParams.get('fieldSelector'));
  if (!info.name && verb === 'delete') verb = 'deletecollection';
  info.verb = verb;
  return info;
}
