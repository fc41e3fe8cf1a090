/**
 * Discovery documents for what the double serves, in the legacy
 * (unaggregated) format: /api (APIVersions), /apis (APIGroupList),
 * /apis/<group> (APIGroup), /api/v1 and /apis/<group>/<version>
 * (APIResourceList, subresources as "pods/log" entries), and /version.
 * kubectl asks for aggregated discovery first and falls back to these when
 * the response's Content-Type is plain application/json, as upstream
 * clients do against older servers.
 *
 * The version is what the schemas in kubernetes-models 4.5.1 describe:
 * Kubernetes 1.33 (they have Lifecycle.stopSignal and networking/v1
 * ServiceCIDR, but not the 1.34 FileKeySelector).
 */
import { apiVersionOf, type KindDef, type Registry } from '../kinds/kind.js';

export const SERVER_VERSION = {
  major: '1',
  minor: '33',
  gitVersion: 'v1.33.0',
  gitCommit: '60a317eadfcb839692a68eab88b2096f4d708f4f',
  gitTreeState: 'clean',
  buildDate: '2025-04-23T13:00:00Z',
  goVersion: 'go1.24.2',
  compiler: 'gc',
  platform: 'linux/amd64',
} as const;

function resourceEntries(k: KindDef): object[] {
  const main: Record<string, unknown> = { name: k.resource, singularName: k.singular, namespaced: k.namespaced, kind: k.kind, verbs: [...k.verbs] };
  if (k.shortNames) main.shortNames = k.shortNames;
  if (k.categories) main.categories = k.categories;
  const out: object[] = [main];
  if (k.status) out.push({ name: `${k.resource}/status`, singularName: '', namespaced: k.namespaced, kind: k.kind, verbs: ['get', 'patch', 'update'] });
  if (k.scale) out.push({ name: `${k.resource}/scale`, singularName: '', namespaced: k.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  if (k.log) out.push({ name: `${k.resource}/log`, singularName: '', namespaced: k.namespaced, kind: k.kind, verbs: ['get'] });
  return out;
}

/** The discovery document for a path, or undefined when the path is not a discovery path. */
export function discoveryDocument(registry: Registry, path: string, serverAddress: string): object | undefined {
  const p = path.replace(/\/+$/, '');
  const gvs = registry.groupVersions();
  if (p === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  const group = (name: string): object => {
    const versions = gvs.filter((g) => g.group === name).map((g) => ({ groupVersion: `${g.group}/${g.version}`, version: g.version }));
    return { name, versions, preferredVersion: versions[0] };
  };
  if (p === '/apis') {
    const names = [...new Set(gvs.filter((g) => g.group !== '').map((g) => g.group))];
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: names.map(group) };
  }
  const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(p);
  if (p === '/api/v1' || (m && m[2])) {
    const g = p === '/api/v1' ? '' : (m?.[1] ?? '');
    const v = p === '/api/v1' ? 'v1' : (m?.[2] ?? '');
    const kinds = registry.all().filter((k) => k.group === g && k.version === v);
    if (kinds.length === 0) return undefined;
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group: g, version: v }), resources: kinds.flatMap(resourceEntries) };
  }
  if (m && gvs.some((g) => g.group === m[1])) return { kind: 'APIGroup', apiVersion: 'v1', ...group(m[1] ?? '') };
  return undefined;
}
