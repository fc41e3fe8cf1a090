/**
 * Container validation as kube-apiserver does it in
 * pkg/apis/core/validation/validation.go: validateContainerCommon,
 * validateContainerPorts, ValidateEnv / validateEnvVarValueFrom,
 * ValidateEnvFrom, validateProbe / validateHandler (exactly one handler),
 * validateLivenessProbe / validateStartupProbe (successThreshold 1),
 * validateLifecycle (sleep within the grace period), ValidateVolumeMounts
 * and ValidateResourceRequirements (requests <= limits, standard names).
 */
import { fieldError, key, path, type FieldError } from '../api/field-errors.js';
import { isPlainObject, type Obj } from '../lib/json.js';
import { compareQuantities, canonicalQuantity, parseQuantity } from '../lib/quantity.js';
import { isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isEnvVarName, isQualifiedName, isValidPortName, isValidPortNum } from './names.js';

const ENV_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
const STANDARD_CONTAINER_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];

const nonNegative = (value: unknown, field: string): FieldError[] =>
  typeof value === 'number' && value < 0 ? [fieldError.invalid(field, value, 'must be greater than or equal to 0')] : [];

export function validatePortNumOrName(port: unknown, field: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => fieldError.invalid(field, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => fieldError.invalid(field, port, m));
  return [fieldError.required(field)];
}

function validatePorts(ports: Obj[] | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const f = path(field, i);
    if (port.name) {
      const msgs = isValidPortName(String(port.name));
      if (msgs.length) msgs.forEach((m) => errs.push(fieldError.invalid(path(f, 'name'), port.name, m)));
      else if (names.has(port.name)) errs.push(fieldError.duplicate(path(f, 'name'), port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(fieldError.required(path(f, 'containerPort')));
    else isValidPortNum(port.containerPort).forEach((m) => errs.push(fieldError.invalid(path(f, 'containerPort'), port.containerPort, m)));
    if (port.hostPort) isValidPortNum(port.hostPort).forEach((m) => errs.push(fieldError.invalid(path(f, 'hostPort'), port.hostPort, m)));
    if (!port.protocol) errs.push(fieldError.required(path(f, 'protocol')));
    else if (!['SCTP', 'TCP', 'UDP'].includes(port.protocol)) errs.push(fieldError.notSupported(path(f, 'protocol'), port.protocol, ['SCTP', 'TCP', 'UDP']));
  });
  return errs;
}

function validateKeySelector(ref: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const m of isDNS1123Subdomain(String(ref.name ?? ''))) errs.push(fieldError.invalid(path(field, 'name'), ref.name ?? '', m));
  if (!ref.key) errs.push(fieldError.required(path(field, 'key')));
  else for (const m of isConfigMapKey(String(ref.key))) errs.push(fieldError.invalid(path(field, 'key'), ref.key, m));
  return errs;
}

function validateFieldRef(ref: Obj, field: string): FieldError[] {
  if (!ref.apiVersion) return [fieldError.required(path(field, 'apiVersion'))];
  if (!ref.fieldPath) return [fieldError.required(path(field, 'fieldPath'))];
  const fp = String(ref.fieldPath);
  const sub = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(fp);
  if (sub) return isQualifiedName(sub[2] ?? '').map((m) => fieldError.invalid(path(field, 'fieldPath'), fp, m));
  if (!ENV_FIELD_PATHS.includes(fp)) return [fieldError.notSupported(path(field, 'fieldPath'), fp, ENV_FIELD_PATHS)];
  return [];
}

function validateEnv(env: Obj[] | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  (env ?? []).forEach((ev, i) => {
    const f = path(field, i);
    if (!ev.name) errs.push(fieldError.required(path(f, 'name')));
    else for (const m of isEnvVarName(String(ev.name))) errs.push(fieldError.invalid(path(f, 'name'), ev.name, m));
    const from = ev.valueFrom;
    if (!isPlainObject(from)) return;
    const vf = path(f, 'valueFrom');
    let sources = 0;
    if (from.fieldRef) {
      sources++;
      errs.push(...validateFieldRef(from.fieldRef, path(vf, 'fieldRef')));
    }
    if (from.resourceFieldRef) {
      sources++;
      if (!from.resourceFieldRef.resource) errs.push(fieldError.required(path(vf, 'resourceFieldRef', 'resource')));
    }
    if (from.configMapKeyRef) {
      sources++;
      errs.push(...validateKeySelector(from.configMapKeyRef, path(vf, 'configMapKeyRef')));
    }
    if (from.secretKeyRef) {
      sources++;
      errs.push(...validateKeySelector(from.secretKeyRef, path(vf, 'secretKeyRef')));
    }
    if (sources === 0) errs.push(fieldError.invalid(vf, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (ev.value) errs.push(fieldError.invalid(vf, '', 'may not be specified when `value` is not empty'));
    else if (sources > 1) errs.push(fieldError.invalid(vf, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateEnvFrom(envFrom: Obj[] | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  (envFrom ?? []).forEach((ev, i) => {
    const f = path(field, i);
    if (ev.prefix) for (const m of isEnvVarName(String(ev.prefix))) errs.push(fieldError.invalid(path(f, 'prefix'), ev.prefix, m));
    let sources = 0;
    for (const src of ['configMapRef', 'secretRef']) {
      if (!ev[src]) continue;
      sources++;
      if (!ev[src].name) errs.push(fieldError.required(path(f, src, 'name')));
      else for (const m of isDNS1123Subdomain(String(ev[src].name))) errs.push(fieldError.invalid(path(f, src, 'name'), ev[src].name, m));
    }
    if (sources === 0) errs.push(fieldError.invalid(field, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(fieldError.invalid(field, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

/** validateHandler: exactly one of exec, httpGet, tcpSocket, grpc (probes) or sleep (lifecycle). */
function validateHandler(handler: Obj, field: string, grace: number | undefined): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const kind of ['exec', 'httpGet', 'tcpSocket', 'grpc', 'sleep']) {
    const h = handler[kind];
    if (!isPlainObject(h)) continue;
    if (n > 0) {
      errs.push(fieldError.forbidden(path(field, kind), 'may not specify more than 1 handler type'));
      continue;
    }
    n++;
    const f = path(field, kind);
    if (kind === 'exec' && !(h.command ?? []).length) errs.push(fieldError.required(path(f, 'command')));
    if (kind === 'httpGet') {
      if (!h.path) errs.push(fieldError.required(path(f, 'path')));
      errs.push(...validatePortNumOrName(h.port, path(f, 'port')));
      if (!['HTTP', 'HTTPS'].includes(h.scheme)) errs.push(fieldError.notSupported(path(f, 'scheme'), h.scheme ?? '', ['HTTP', 'HTTPS']));
    }
    if (kind === 'tcpSocket') errs.push(...validatePortNumOrName(h.port, path(f, 'port')));
    if (kind === 'grpc') errs.push(...isValidPortNum(h.port).map((m) => fieldError.invalid(path(f, 'port'), h.port, m)));
    if (kind === 'sleep' && grace !== undefined && (!(h.seconds > 0) || h.seconds > grace)) {
      errs.push(fieldError.invalid(f, h.seconds, `must be greater than 0 and less than terminationGracePeriodSeconds (${grace})`));
    }
  }
  if (n === 0) errs.push(fieldError.required(field, 'must specify a handler type'));
  return errs;
}

function validateProbe(probe: unknown, field: string, kind: 'liveness' | 'readiness' | 'startup'): FieldError[] {
  if (!isPlainObject(probe)) return [];
  const errs = validateHandler({ ...probe, sleep: undefined }, field, undefined);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) errs.push(...nonNegative(probe[f], path(field, f)));
  if (probe.terminationGracePeriodSeconds !== undefined) {
    if (kind === 'readiness') errs.push(fieldError.invalid(path(field, 'terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
    else if (probe.terminationGracePeriodSeconds <= 0) errs.push(fieldError.invalid(path(field, 'terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  if (kind !== 'readiness' && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
    errs.push(fieldError.invalid(path(field, 'successThreshold'), probe.successThreshold, 'must be 1'));
  }
  return errs;
}

function validateResources(resources: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isPlainObject(resources)) return errs;
  const limits: Obj = resources.limits ?? {};
  const requests: Obj = resources.requests ?? {};
  const checkName = (name: string, f: string): void => {
    const qualified = isQualifiedName(name);
    if (qualified.length) qualified.forEach((m) => errs.push(fieldError.invalid(f, name, m)));
    else if (!STANDARD_CONTAINER_RESOURCES.includes(name) && !name.startsWith('hugepages-') && (!name.includes('/') || name.includes('kubernetes.io/'))) {
      errs.push(fieldError.invalid(f, name, 'must be a standard resource for containers'));
    }
  };
  const checkValue = (value: unknown, f: string): void => {
    const q = parseQuantity(String(value));
    if (q && q.nanos < 0n) errs.push(fieldError.invalid(f, canonicalQuantity(String(value)), 'must be greater than or equal to 0'));
  };
  for (const [name, value] of Object.entries(limits)) {
    checkName(name, key(path(field, 'limits'), name));
    checkValue(value, key(path(field, 'limits'), name));
  }
  for (const [name, value] of Object.entries(requests)) {
    checkName(name, key(path(field, 'requests'), name));
    checkValue(value, key(path(field, 'requests'), name));
    if (name in limits) {
      const overcommit = !name.startsWith('hugepages-') && (STANDARD_CONTAINER_RESOURCES.includes(name) || !name.includes('/'));
      const cmp = compareQuantities(String(value), String(limits[name]));
      const limit = canonicalQuantity(String(limits[name]));
      if (!overcommit && cmp !== 0) errs.push(fieldError.invalid(path(field, 'requests'), canonicalQuantity(String(value)), `must be equal to ${name} limit of ${limit}`));
      else if (cmp > 0) errs.push(fieldError.invalid(path(field, 'requests'), canonicalQuantity(String(value)), `must be less than or equal to ${name} limit of ${limit}`));
    }
  }
  return errs;
}

function validateVolumeMounts(mounts: Obj[] | undefined, volumes: Set<string>, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const points = new Set<string>();
  (mounts ?? []).forEach((m, i) => {
    const f = path(field, i);
    if (!m.name) errs.push(fieldError.required(path(f, 'name')));
    if (!volumes.has(m.name)) errs.push(fieldError.notFound(path(f, 'name'), m.name ?? ''));
    if (!m.mountPath) errs.push(fieldError.required(path(f, 'mountPath')));
    if (points.has(m.mountPath)) errs.push(fieldError.invalid(path(f, 'mountPath'), m.mountPath, 'must be unique'));
    points.add(m.mountPath);
  });
  return errs;
}

export interface ContainerContext {
  volumes: Set<string>;
  gracePeriod: number | undefined;
  /** Regular containers may have probes and lifecycle; init containers may not (unless sidecars). */
  init: boolean;
}

export function validateContainer(c: Obj, field: string, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(fieldError.required(path(field, 'name')));
  else for (const m of isDNS1123Label(String(c.name))) errs.push(fieldError.invalid(path(field, 'name'), c.name, m));
  if (!c.image) errs.push(fieldError.required(path(field, 'image')));
  else if (String(c.image).trim() !== c.image) errs.push(fieldError.invalid(path(field, 'image'), c.image, 'must not have leading or trailing whitespace'));
  errs.push(...validatePorts(c.ports, path(field, 'ports')));
  errs.push(...validateEnv(c.env, path(field, 'env')));
  errs.push(...validateEnvFrom(c.envFrom, path(field, 'envFrom')));
  errs.push(...validateVolumeMounts(c.volumeMounts, ctx.volumes, path(field, 'volumeMounts')));
  if (!['Always', 'IfNotPresent', 'Never'].includes(c.imagePullPolicy)) {
    errs.push(c.imagePullPolicy ? fieldError.notSupported(path(field, 'imagePullPolicy'), c.imagePullPolicy, ['Always', 'IfNotPresent', 'Never']) : fieldError.required(path(field, 'imagePullPolicy')));
  }
  if (!['File', 'FallbackToLogsOnError'].includes(c.terminationMessagePolicy)) {
    errs.push(c.terminationMessagePolicy ? fieldError.notSupported(path(field, 'terminationMessagePolicy'), c.terminationMessagePolicy, ['File', 'FallbackToLogsOnError']) : fieldError.required(path(field, 'terminationMessagePolicy')));
  }
  errs.push(...validateResources(c.resources, path(field, 'resources')));
  const sidecar = ctx.init && c.restartPolicy === 'Always';
  if (ctx.init && !sidecar) {
    for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
      if (c[f] !== undefined) errs.push(fieldError.forbidden(path(field, f), 'may not be set for init containers without restartPolicy=Always'));
    }
  } else {
    if (isPlainObject(c.lifecycle)) {
      for (const hook of ['postStart', 'preStop']) {
        if (isPlainObject(c.lifecycle[hook])) errs.push(...validateHandler(c.lifecycle[hook], path(field, 'lifecycle', hook), ctx.gracePeriod));
      }
    }
    errs.push(...validateProbe(c.livenessProbe, path(field, 'livenessProbe'), 'liveness'));
    errs.push(...validateProbe(c.readinessProbe, path(field, 'readinessProbe'), 'readiness'));
    errs.push(...validateProbe(c.startupProbe, path(field, 'startupProbe'), 'startup'));
  }
  if (!ctx.init && c.restartPolicy !== undefined) errs.push(fieldError.forbidden(path(field, 'restartPolicy'), 'may not be set for non-init containers'));
  if (ctx.init && c.restartPolicy !== undefined && c.restartPolicy !== 'Always') errs.push(fieldError.notSupported(path(field, 'restartPolicy'), c.restartPolicy, ['Always']));
  return errs;
}
