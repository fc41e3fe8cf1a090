/**
 * PodSpec validation (pkg/apis/core/validation/validation.go ValidatePodSpec
 * and ValidateVolumes): containers (non-empty, unique names across init and
 * regular containers), volumes (DNS-1123 label names, unique, exactly one
 * source), restartPolicy, dnsPolicy, serviceAccountName, nodeName,
 * activeDeadlineSeconds, hostname/subdomain, imagePullSecrets.
 */
import { fieldError, path, type FieldError } from '../api/field-errors.js';
import { isPlainObject, type Obj } from '../lib/json.js';
import { validateContainer } from './container.js';
import { isDNS1123Label, isDNS1123Subdomain } from './names.js';
import { validateLabels } from './object-meta.js';

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
];

function validateVolumes(volumes: Obj[] | undefined, field: string): { names: Set<string>; errs: FieldError[] } {
  const names = new Set<string>();
  const errs: FieldError[] = [];
  (volumes ?? []).forEach((v, i) => {
    const f = path(field, i);
    const sources = VOLUME_SOURCES.filter((s) => v[s] !== undefined);
    sources.slice(1).forEach((s) => errs.push(fieldError.forbidden(path(f, s), 'may not specify more than 1 volume type')));
    if (sources.length === 0) errs.push(fieldError.required(f, 'must specify a volume type'));
    if (isPlainObject(v.secret) && !v.secret.secretName) errs.push(fieldError.required(path(f, 'secret', 'secretName')));
    if (isPlainObject(v.configMap) && !v.configMap.name) errs.push(fieldError.required(path(f, 'configMap', 'name')));
    if (!v.name) errs.push(fieldError.required(path(f, 'name')));
    else for (const m of isDNS1123Label(String(v.name))) errs.push(fieldError.invalid(path(f, 'name'), v.name, m));
    if (names.has(v.name)) errs.push(fieldError.duplicate(path(f, 'name'), v.name));
    names.add(v.name);
  });
  return { names, errs };
}

export function validatePodSpec(spec: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const { names: volumes, errs: volErrs } = validateVolumes(spec.volumes, path(field, 'volumes'));
  errs.push(...volErrs);
  const grace = typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : undefined;
  const containers: Obj[] = spec.containers ?? [];
  const initContainers: Obj[] = spec.initContainers ?? [];
  const seen = new Set<string>();
  containers.forEach((c, i) => {
    const f = path(field, 'containers', i);
    errs.push(...validateContainer(c, f, { volumes, gracePeriod: grace, init: false }));
    if (c.name && seen.has(c.name)) errs.push(fieldError.duplicate(path(f, 'name'), c.name));
    seen.add(c.name);
  });
  if (containers.length === 0) errs.push(fieldError.required(path(field, 'containers')));
  initContainers.forEach((c, i) => {
    const f = path(field, 'initContainers', i);
    errs.push(...validateContainer(c, f, { volumes, gracePeriod: grace, init: true }));
    if (c.name && seen.has(c.name)) errs.push(fieldError.duplicate(path(f, 'name'), c.name));
    seen.add(c.name);
  });
  const restart = spec.restartPolicy;
  if (!restart) errs.push(fieldError.required(path(field, 'restartPolicy')));
  else if (!['Always', 'OnFailure', 'Never'].includes(restart)) errs.push(fieldError.notSupported(path(field, 'restartPolicy'), restart, ['Always', 'OnFailure', 'Never']));
  const dns = spec.dnsPolicy;
  if (!dns) errs.push(fieldError.required(path(field, 'dnsPolicy')));
  else if (!['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'].includes(dns)) {
    errs.push(fieldError.notSupported(path(field, 'dnsPolicy'), dns, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']));
  }
  errs.push(...validateLabels(spec.nodeSelector, path(field, 'nodeSelector')));
  if (spec.serviceAccountName) for (const m of isDNS1123Subdomain(String(spec.serviceAccountName))) errs.push(fieldError.invalid(path(field, 'serviceAccountName'), spec.serviceAccountName, m));
  if (spec.nodeName) for (const m of isDNS1123Subdomain(String(spec.nodeName))) errs.push(fieldError.invalid(path(field, 'nodeName'), spec.nodeName, m));
  if (spec.activeDeadlineSeconds !== undefined && (spec.activeDeadlineSeconds < 1 || spec.activeDeadlineSeconds > 2147483647)) {
    errs.push(fieldError.invalid(path(field, 'activeDeadlineSeconds'), spec.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
  }
  for (const f of ['hostname', 'subdomain']) if (spec[f]) for (const m of isDNS1123Label(String(spec[f]))) errs.push(fieldError.invalid(path(field, f), spec[f], m));
  ((spec.imagePullSecrets ?? []) as Obj[]).forEach((s, i) => {
    if (!s.name) errs.push(fieldError.required(path(field, 'imagePullSecrets', i, 'name')));
  });
  return errs;
}
