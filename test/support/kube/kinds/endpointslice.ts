/**
 * discovery.k8s.io/v1 EndpointSlice, after pkg/apis/discovery/validation
 * (addresses valid for the addressType, at most 1000 endpoints, unique port
 * names, protocol required) and pkg/registry/discovery/endpointslice
 * strategy (generation 1 at create, +1 when endpoints, ports or
 * addressType change; addressType immutable). Empty `endpoints`/`ports`
 * lists are served as null: they are non-omitempty fields and etcd's
 * protobuf encoding cannot tell an empty list from a missing one, so a real
 * server returns `"endpoints": null` for a Service without ready pods.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { EndpointSlice } from 'kubernetes-models/discovery.k8s.io/v1/EndpointSlice';
import { fieldError, path, type FieldError } from '../api/field-errors.js';
import { semanticEqual, type Obj } from '../lib/json.js';
import { objectMetaKeys } from '../patch/merge-keys.js';
import { isDNS1123Label, nameIsDNSSubdomain } from '../validation/names.js';
import { ALL_VERBS, type KindDef } from './kind.js';

function validateSlice(obj: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const type = obj.addressType;
  if (!['IPv4', 'IPv6', 'FQDN'].includes(type)) errs.push(fieldError.notSupported('addressType', type ?? '', ['FQDN', 'IPv4', 'IPv6']));
  const endpoints: Obj[] = obj.endpoints ?? [];
  if (endpoints.length > 1000) errs.push(fieldError.tooMany('endpoints', endpoints.length, 1000));
  endpoints.forEach((ep, i) => {
    const addrs: string[] = ep.addresses ?? [];
    const f = path('endpoints', i, 'addresses');
    if (addrs.length === 0) errs.push(fieldError.required(f, 'must contain at least 1 address'));
    else if (addrs.length > 100) errs.push(fieldError.tooMany(f, addrs.length, 100));
    addrs.forEach((a, j) => {
      if (type === 'IPv4' && !isIPv4(a)) errs.push(fieldError.invalid(path(f, j), a, 'must be a valid IPv4 address'));
      if (type === 'IPv6' && !isIPv6(a)) errs.push(fieldError.invalid(path(f, j), a, 'must be a valid IPv6 address'));
    });
    if (ep.hostname) for (const m of isDNS1123Label(ep.hostname)) errs.push(fieldError.invalid(path('endpoints', i, 'hostname'), ep.hostname, m));
  });
  const names = new Set<string>();
  ((obj.ports ?? []) as Obj[]).forEach((p, i) => {
    const name = p.name ?? '';
    if (name) for (const m of isDNS1123Label(name)) errs.push(fieldError.invalid(path('ports', i, 'name'), name, m));
    if (names.has(name)) errs.push(fieldError.duplicate(path('ports', i, 'name'), name));
    names.add(name);
    if (!p.protocol) errs.push(fieldError.required(path('ports', i, 'protocol')));
    else if (!['SCTP', 'TCP', 'UDP'].includes(p.protocol)) errs.push(fieldError.notSupported(path('ports', i, 'protocol'), p.protocol, ['SCTP', 'TCP', 'UDP']));
  });
  return errs;
}

export const endpointSliceKind: KindDef = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  resource: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  verbs: ALL_VERBS,
  model: EndpointSlice,
  nameValidator: nameIsDNSSubdomain,
  generation: true,
  mergeKeys: objectMetaKeys('metadata'),

  defaults(obj) {
    for (const p of (obj.ports ?? []) as Obj[]) {
      p.name ??= '';
      p.protocol ??= 'TCP';
    }
  },

  validate: validateSlice,

  validateUpdate(obj, old) {
    return obj.addressType === old.addressType ? [] : [fieldError.immutable('addressType', obj.addressType)];
  },

  generationChanged(obj, old) {
    return !semanticEqual(obj.endpoints, old.endpoints) || !semanticEqual(obj.ports, old.ports) || obj.addressType !== old.addressType;
  },

  encode(obj) {
    const out = { ...obj };
    if (!out.endpoints?.length) out.endpoints = null;
    if (!out.ports?.length) out.ports = null;
    return out;
  },
};
