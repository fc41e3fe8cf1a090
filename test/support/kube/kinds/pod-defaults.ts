/**
 * Defaulting of pod specs and templates: pkg/apis/core/v1/defaults.go
 * (SetDefaults_PodSpec, SetDefaults_Container, SetDefaults_Probe,
 * SetDefaults_HTTPGetAction, SetDefaults_ContainerPort,
 * SetDefaults_ObjectFieldSelector, SetDefaults_Volume and the volume source
 * defaultModes) plus SetDefaults_Pod, which only applies to Pods, not to
 * templates (requests default to limits, enableServiceLinks). Quantities
 * are rewritten in canonical form as the apiserver serializes them.
 */
import { isPlainObject, type Obj } from '../lib/json.js';
import { canonicalQuantity, isValidQuantity } from '../lib/quantity.js';

/** SetDefaults_Container's pull policy: Always for ":latest" or no tag, IfNotPresent otherwise (digests included). */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  if (colon < 0) return 'Always';
  return last.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultHandler(h: unknown): void {
  if (!isPlainObject(h)) return;
  if (isPlainObject(h.httpGet)) {
    h.httpGet.path ??= '/';
    h.httpGet.scheme ??= 'HTTP';
  }
}

function defaultProbe(p: unknown): void {
  if (!isPlainObject(p)) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  defaultHandler(p);
}

function canonicalResourceList(list: unknown): void {
  if (!isPlainObject(list)) return;
  for (const [k, v] of Object.entries(list)) if (isValidQuantity(v)) list[k] = canonicalQuantity(v as string);
}

function defaultContainer(c: Obj): void {
  // an unparsable (or missing) image yields no tag, hence IfNotPresent, as parsers.ParseImageName fails upstream
  if (c.imagePullPolicy === undefined) c.imagePullPolicy = typeof c.image === 'string' && c.image ? defaultPullPolicy(c.image) : 'IfNotPresent';
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  for (const p of (c.ports ?? []) as Obj[]) p.protocol ??= 'TCP';
  for (const e of (c.env ?? []) as Obj[]) if (isPlainObject(e.valueFrom?.fieldRef)) e.valueFrom.fieldRef.apiVersion ??= 'v1';
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (isPlainObject(c.lifecycle)) {
    defaultHandler(c.lifecycle.postStart);
    defaultHandler(c.lifecycle.preStop);
  }
  if (isPlainObject(c.resources)) {
    canonicalResourceList(c.resources.limits);
    canonicalResourceList(c.resources.requests);
  }
}

function defaultVolume(v: Obj): void {
  const sources = Object.keys(v).filter((k) => k !== 'name');
  if (sources.length === 0) v.emptyDir = {};
  if (isPlainObject(v.secret)) v.secret.defaultMode ??= 420;
  if (isPlainObject(v.configMap)) v.configMap.defaultMode ??= 420;
  if (isPlainObject(v.downwardAPI)) v.downwardAPI.defaultMode ??= 420;
  if (isPlainObject(v.projected)) {
    v.projected.defaultMode ??= 420;
    for (const s of (v.projected.sources ?? []) as Obj[]) {
      if (isPlainObject(s.serviceAccountToken)) s.serviceAccountToken.expirationSeconds ??= 3600;
    }
  }
  if (isPlainObject(v.emptyDir) && v.emptyDir.sizeLimit !== undefined && isValidQuantity(v.emptyDir.sizeLimit)) v.emptyDir.sizeLimit = canonicalQuantity(v.emptyDir.sizeLimit);
}

/** SetDefaults_PodSpec and everything below it. Mutates spec. */
export function defaultPodSpec(spec: Obj): void {
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  for (const c of (spec.containers ?? []) as Obj[]) defaultContainer(c);
  for (const c of (spec.initContainers ?? []) as Obj[]) defaultContainer(c);
  for (const v of (spec.volumes ?? []) as Obj[]) defaultVolume(v);
}

/** SetDefaults_Pod: only for Pod objects. */
export function defaultPodOnly(spec: Obj): void {
  for (const c of [...((spec.containers ?? []) as Obj[]), ...((spec.initContainers ?? []) as Obj[])]) {
    const limits = c.resources?.limits;
    if (isPlainObject(limits)) {
      c.resources.requests ??= {};
      for (const [k, v] of Object.entries(limits)) if (!(k in c.resources.requests)) c.resources.requests[k] = v;
    }
  }
  spec.enableServiceLinks ??= true;
}

export function defaultPodTemplate(template: unknown): void {
  if (!isPlainObject(template)) return;
  if (isPlainObject(template.spec)) defaultPodSpec(template.spec);
}
