/**
 * batch/v1 Job, after pkg/apis/batch/v1/defaults.go (completions and
 * parallelism 1, backoffLimit 6, completionMode NonIndexed, suspend false,
 * podReplacementPolicy TerminatingOrFailed, job labels copied from the
 * template), pkg/registry/batch/job/strategy.go (generateSelector: the
 * template gets `batch.kubernetes.io/controller-uid`, `controller-uid`,
 * `batch.kubernetes.io/job-name`, `job-name`, the selector matches the
 * uid; default deletion propagation is still Orphan for batch/v1) and
 * pkg/apis/batch/validation (restartPolicy OnFailure|Never; selector,
 * completions and template immutable).
 */
import { Job } from 'kubernetes-models/batch/v1/Job';
import { fieldError, type FieldError } from '../api/field-errors.js';
import { isPlainObject, semanticEqual, type Obj } from '../lib/json.js';
import { objectMetaKeys, podTemplateKeys, STATUS_CONDITIONS } from '../patch/merge-keys.js';
import { matchesLabels, selectorFromStruct } from '../selectors/label-selector.js';
import { validateLabelSelector } from '../validation/label-selector.js';
import { nameIsDNSSubdomain } from '../validation/names.js';
import { ALL_VERBS, type KindDef } from './kind.js';
import { defaultPodTemplate } from './pod-defaults.js';
import { nonNegative, validatePodTemplateSpec } from './workload.js';

export const JobLabel = {
  controllerUid: 'batch.kubernetes.io/controller-uid',
  legacyControllerUid: 'controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
  legacyJobName: 'job-name',
} as const;

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';

function generateSelector(obj: Obj): void {
  const template = (obj.spec.template ??= {});
  const meta = (template.metadata ??= {});
  const labels = (meta.labels ??= {});
  for (const l of [JobLabel.legacyJobName, JobLabel.jobName]) labels[l] ??= obj.metadata.name;
  for (const l of [JobLabel.legacyControllerUid, JobLabel.controllerUid]) labels[l] ??= obj.metadata.uid;
  const selector = (obj.spec.selector ??= {});
  const matchLabels = (selector.matchLabels ??= {});
  matchLabels[JobLabel.controllerUid] ??= obj.metadata.uid;
}

function validateJob(obj: Obj): FieldError[] {
  const spec: Obj = obj.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.manualSelector !== true) {
    const labels: Obj = spec.template?.metadata?.labels ?? {};
    if (labels[JobLabel.controllerUid] !== obj.metadata.uid) errs.push(fieldError.invalid('spec.template.metadata', labels, '`selector` not auto-generated'));
    if (!semanticEqual(spec.selector, { matchLabels: { [JobLabel.controllerUid]: obj.metadata.uid } })) errs.push(fieldError.invalid('spec.selector', spec.selector ?? null, '`selector` not auto-generated'));
  }
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished']) errs.push(...nonNegative(spec[f], `spec.${f}`));
  errs.push(...validatePodTemplateSpec(spec.template, 'spec.template'));
  const restart = spec.template?.spec?.restartPolicy;
  if (restart === 'Always' || !restart) errs.push(fieldError.required('spec.template.spec.restartPolicy', 'valid values: "OnFailure", "Never"'));
  else if (restart !== 'OnFailure' && restart !== 'Never') errs.push(fieldError.notSupported('spec.template.spec.restartPolicy', restart, ['OnFailure', 'Never']));
  if (!isPlainObject(spec.selector)) errs.push(fieldError.required('spec.selector'));
  else {
    errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
    if (!matchesLabels(selectorFromStruct(spec.selector), spec.template?.metadata?.labels)) {
      errs.push(fieldError.invalid('spec.template.metadata.labels', spec.template?.metadata?.labels ?? {}, '`selector` does not match template `labels`'));
    }
  }
  if (spec.completionMode && !['NonIndexed', 'Indexed'].includes(spec.completionMode)) errs.push(fieldError.notSupported('spec.completionMode', spec.completionMode, ['NonIndexed', 'Indexed']));
  return errs;
}

export const jobKind: KindDef = {
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  resource: 'jobs',
  singular: 'job',
  namespaced: true,
  categories: ['all'],
  verbs: ALL_VERBS,
  model: Job,
  nameValidator: nameIsDNSSubdomain,
  status: true,
  generation: true,
  defaultPropagation: 'Orphan',
  mergeKeys: { ...objectMetaKeys('metadata'), ...podTemplateKeys('spec.template'), ...STATUS_CONDITIONS },
  fieldSelectors: { 'status.successful': (o) => String(o.status?.succeeded ?? 0) },

  defaults(obj) {
    const spec = (obj.spec ??= {});
    if (spec.completions === undefined && spec.parallelism === undefined) {
      spec.completions = 1;
      spec.parallelism = 1;
    }
    spec.parallelism ??= 1;
    spec.backoffLimit ??= spec.backoffLimitPerIndex !== undefined ? 2147483647 : 6;
    const templateLabels = spec.template?.metadata?.labels;
    if (templateLabels && Object.keys(obj.metadata?.labels ?? {}).length === 0) obj.metadata.labels = { ...templateLabels };
    spec.completionMode ??= 'NonIndexed';
    spec.suspend ??= false;
    spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
    defaultPodTemplate(spec.template);
  },

  prepareForCreate(obj) {
    obj.status = {};
    if (obj.spec.manualSelector !== true) generateSelector(obj);
  },

  validate: validateJob,

  validateUpdate(obj, old) {
    const errs: FieldError[] = [];
    for (const f of ['completions', 'selector', 'template', 'completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy']) {
      if (!semanticEqual(obj.spec?.[f], old.spec?.[f])) errs.push(fieldError.immutable(`spec.${f}`, obj.spec?.[f] ?? null));
    }
    return errs;
  },
};
