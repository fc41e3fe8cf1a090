/**
 * core/v1 Service, after pkg/apis/core/v1/defaults.go SetDefaults_Service
 * (type ClusterIP, sessionAffinity None, protocol TCP, targetPort = port,
 * internalTrafficPolicy Cluster), the service REST storage
 * (pkg/registry/core/service/storage: clusterIP/clusterIPs/ipFamilies
 * allocated on create and carried over on update when the client omits
 * them, node ports for NodePort/LoadBalancer) and ValidateService /
 * ValidateServiceUpdate (ports required, names required and unique when
 * there are several, clusterIP may not change once set).
 */
import { Service } from 'kubernetes-models/v1/Service';
import { AllocationError } from '../allocators.js';
import { invalid } from '../api/status.js';
import { fieldError, path, type FieldError } from '../api/field-errors.js';
import type { Obj } from '../lib/json.js';
import { objectMetaKeys, STATUS_CONDITIONS } from '../patch/merge-keys.js';
import { validatePortNumOrName } from '../validation/container.js';
import { isDNS1123Label, isValidPortNum, nameIsDNS1035Label } from '../validation/names.js';
import { validateLabels } from '../validation/object-meta.js';
import type { KindDef } from './kind.js';

const needsClusterIP = (s: Obj): boolean => s.spec?.type !== 'ExternalName';
const needsNodePorts = (s: Obj): boolean => s.spec?.type === 'NodePort' || s.spec?.type === 'LoadBalancer';

function validateService(obj: Obj): FieldError[] {
  const spec: Obj = obj.spec ?? {};
  const errs: FieldError[] = [];
  const ports: Obj[] = spec.ports ?? [];
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && !headless && spec.type !== 'ExternalName') errs.push(fieldError.required('spec.ports'));
  if (!['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(spec.type)) errs.push(fieldError.notSupported('spec.type', spec.type ?? '', ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']));
  if (spec.type === 'ExternalName' && !spec.externalName) errs.push(fieldError.required('spec.externalName'));
  const names = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const f = path('spec.ports', i);
    if (ports.length > 1 && !p.name) errs.push(fieldError.required(path(f, 'name')));
    else if (p.name) {
      for (const m of isDNS1123Label(String(p.name))) errs.push(fieldError.invalid(path(f, 'name'), p.name, m));
      if (names.has(p.name)) errs.push(fieldError.duplicate(path(f, 'name'), p.name));
      names.add(p.name);
    }
    for (const m of isValidPortNum(p.port)) errs.push(fieldError.invalid(path(f, 'port'), p.port ?? 0, m));
    if (!p.protocol) errs.push(fieldError.required(path(f, 'protocol')));
    else if (!['SCTP', 'TCP', 'UDP'].includes(p.protocol)) errs.push(fieldError.notSupported(path(f, 'protocol'), p.protocol, ['SCTP', 'TCP', 'UDP']));
    errs.push(...validatePortNumOrName(p.targetPort, path(f, 'targetPort')));
    if (spec.type === 'ClusterIP' && p.nodePort) errs.push(fieldError.forbidden(path(f, 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
    const key = `${p.protocol}/${p.port}`;
    if (seen.has(key)) errs.push(fieldError.duplicate(f, { protocol: p.protocol, port: p.port }));
    seen.add(key);
  });
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  if (!spec.sessionAffinity) errs.push(fieldError.required('spec.sessionAffinity'));
  else if (!['ClientIP', 'None'].includes(spec.sessionAffinity)) errs.push(fieldError.notSupported('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']));
  return errs;
}

export const serviceKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'Service',
  resource: 'services',
  singular: 'service',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  model: Service,
  nameValidator: nameIsDNS1035Label,
  status: true,
  returnDeletedObject: true,
  mergeKeys: { ...objectMetaKeys('metadata'), 'spec.ports': { key: 'port' }, ...STATUS_CONDITIONS },
  fieldSelectors: { 'spec.clusterIP': (o) => o.spec?.clusterIP ?? '', 'spec.type': (o) => o.spec?.type ?? '' },

  defaults(obj) {
    const spec = (obj.spec ??= {});
    spec.sessionAffinity ??= 'None';
    spec.type ??= 'ClusterIP';
    for (const p of (spec.ports ?? []) as Obj[]) {
      p.protocol ??= 'TCP';
      if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
    }
    if (needsNodePorts(obj)) spec.externalTrafficPolicy ??= 'Cluster';
    if (spec.type !== 'ExternalName') spec.internalTrafficPolicy ??= 'Cluster';
    if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  },

  prepareForCreate(obj, ctx) {
    obj.status = { loadBalancer: {} };
    const spec = obj.spec;
    if (needsClusterIP(obj)) {
      if (spec.clusterIP === 'None') spec.clusterIPs = ['None'];
      else {
        try {
          spec.clusterIP = ctx.allocateClusterIP(spec.clusterIP || undefined);
        } catch (e) {
          if (!(e instanceof AllocationError)) throw e;
          throw invalid({ group: '', kind: 'Service' }, obj.metadata.name ?? '', [fieldError.invalid('spec.clusterIPs', [spec.clusterIP], e.message)]);
        }
        spec.clusterIPs = [spec.clusterIP];
      }
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
    }
    if (needsNodePorts(obj)) for (const p of (spec.ports ?? []) as Obj[]) p.nodePort ??= ctx.allocateNodePort();
  },

  prepareForUpdate(obj, old, ctx) {
    const spec = (obj.spec ??= {});
    if (needsClusterIP(old) && needsClusterIP(obj)) {
      if (!spec.clusterIP) spec.clusterIP = old.spec.clusterIP;
      if (!spec.clusterIPs?.length) spec.clusterIPs = old.spec.clusterIPs;
      spec.ipFamilies ??= old.spec.ipFamilies;
      spec.ipFamilyPolicy ??= old.spec.ipFamilyPolicy;
    } else if (needsClusterIP(obj) && !spec.clusterIP) {
      spec.clusterIP = ctx.allocateClusterIP();
      spec.clusterIPs = [spec.clusterIP];
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
    }
    if (needsNodePorts(obj)) {
      for (const p of (spec.ports ?? []) as Obj[]) {
        p.nodePort ??= ((old.spec?.ports ?? []) as Obj[]).find((o) => o.port === p.port && o.protocol === p.protocol)?.nodePort ?? ctx.allocateNodePort();
      }
    }
  },

  validate: validateService,

  validateUpdate(obj, old) {
    const errs: FieldError[] = [];
    if (needsClusterIP(old) && needsClusterIP(obj)) {
      const was = old.spec?.clusterIPs?.[0] ?? old.spec?.clusterIP;
      const now = obj.spec?.clusterIPs?.[0] ?? obj.spec?.clusterIP;
      if (was && now !== was) errs.push(fieldError.invalid('spec.clusterIPs[0]', now, 'may not change once set'));
      else if (obj.spec?.clusterIP !== obj.spec?.clusterIPs?.[0]) errs.push(fieldError.invalid('spec.clusterIPs[0]', obj.spec?.clusterIPs, 'must be same as clusterIP'));
    }
    return errs;
  },

  afterRemove(obj, ctx) {
    if (obj.spec?.clusterIP && obj.spec.clusterIP !== 'None') ctx.releaseClusterIP(obj.spec.clusterIP);
  },
};
