/**
 * core/v1 Pod, after pkg/registry/core/pod/strategy.go and
 * pkg/apis/core/validation: PrepareForCreate resets status to Pending with
 * the computed QoS class; updates may only change container images,
 * activeDeadlineSeconds and tolerations (ValidatePodUpdate); deletion is
 * graceful (CheckGracefulDelete: the given gracePeriodSeconds or
 * spec.terminationGracePeriodSeconds, but 0 for unscheduled or finished
 * pods); DELETE answers with the pod (ReturnDeletedObject).
 */
import { Pod } from 'kubernetes-models/v1/Pod';
import { fieldError, type FieldError } from '../api/field-errors.js';
import { clone, semanticEqual, type Obj } from '../lib/json.js';
import { compareQuantities } from '../lib/quantity.js';
import { objectMetaKeys, podSpecKeys, STATUS_CONDITIONS } from '../patch/merge-keys.js';
import { nameIsDNSSubdomain } from '../validation/names.js';
import { validatePodSpec } from '../validation/pod-spec.js';
import { ALL_VERBS, type KindDef } from './kind.js';
import { defaultPodOnly, defaultPodSpec } from './pod-defaults.js';

/** qos.GetPodQOS (pkg/apis/core/helper/qos). */
export function podQOS(spec: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers: Obj[] = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req: Obj = c.resources?.requests ?? {};
    const lim: Obj = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined && compareQuantities(req[r], 0) !== 0) any = true;
      if (lim[r] !== undefined && compareQuantities(lim[r], 0) !== 0) any = true;
      if (lim[r] === undefined || (req[r] !== undefined && compareQuantities(req[r], lim[r]) !== 0)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function validatePodUpdate(obj: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const spec: Obj = obj.spec ?? {};
  const oldSpec: Obj = old.spec ?? {};
  if ((spec.containers ?? []).length !== (oldSpec.containers ?? []).length) {
    return [fieldError.forbidden('spec.containers', 'pod updates may not add or remove containers')];
  }
  const munged = clone(spec);
  (munged.containers as Obj[]).forEach((c, i) => (c.image = oldSpec.containers[i].image));
  ((munged.initContainers ?? []) as Obj[]).forEach((c, i) => (c.image = oldSpec.initContainers?.[i]?.image));
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  const oldTolerations: Obj[] = oldSpec.tolerations ?? [];
  if (oldTolerations.every((t) => (spec.tolerations ?? []).some((n: Obj) => semanticEqual(n, t)))) munged.tolerations = oldSpec.tolerations;
  if (!semanticEqual(munged, oldSpec)) {
    errs.push(
      fieldError.forbidden(
        'spec',
        'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      ),
    );
  }
  if (oldSpec.activeDeadlineSeconds !== undefined && (spec.activeDeadlineSeconds === undefined || spec.activeDeadlineSeconds > oldSpec.activeDeadlineSeconds)) {
    errs.push(fieldError.invalid('spec.activeDeadlineSeconds', spec.activeDeadlineSeconds ?? null, 'must be less than or equal to previous value'));
  }
  return errs;
}

export const podKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  resource: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  verbs: ALL_VERBS,
  model: Pod,
  nameValidator: nameIsDNSSubdomain,
  status: true,
  statusWritableMetadata: ['labels', 'annotations'],
  log: true,
  returnDeletedObject: true,
  mergeKeys: {
    ...objectMetaKeys('metadata'),
    ...podSpecKeys('spec'),
    ...STATUS_CONDITIONS,
    'status.podIPs': { key: 'ip' },
    'status.hostIPs': { key: 'ip' },
  },
  fieldSelectors: {
    'spec.nodeName': (o) => o.spec?.nodeName ?? '',
    'spec.restartPolicy': (o) => o.spec?.restartPolicy ?? '',
    'spec.schedulerName': (o) => o.spec?.schedulerName ?? '',
    'spec.serviceAccountName': (o) => o.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': (o) => String(o.spec?.hostNetwork ?? false),
    'status.phase': (o) => o.status?.phase ?? '',
    'status.podIP': (o) => o.status?.podIP ?? '',
    'status.nominatedNodeName': (o) => o.status?.nominatedNodeName ?? '',
  },

  defaults(obj) {
    const spec = (obj.spec ??= {});
    defaultPodSpec(spec);
    defaultPodOnly(spec);
  },

  prepareForCreate(obj) {
    obj.status = { phase: 'Pending', qosClass: podQOS(obj.spec ?? {}) };
  },

  validate(obj) {
    return validatePodSpec(obj.spec ?? {}, 'spec');
  },

  validateUpdate: validatePodUpdate,

  gracePeriod(obj, req) {
    let period = req.gracePeriodSeconds ?? obj.spec?.terminationGracePeriodSeconds ?? 0;
    if (!obj.spec?.nodeName) period = 0;
    if (obj.status?.phase === 'Failed' || obj.status?.phase === 'Succeeded') period = 0;
    return period < 0 ? 1 : period;
  },
};
