/**
 * apps/v1 Deployment: defaults from pkg/apis/apps/v1/defaults.go
 * (SetDefaults_Deployment: replicas 1, RollingUpdate 25%/25%,
 * revisionHistoryLimit 10, progressDeadlineSeconds 600), validation from
 * pkg/apis/apps/validation (ValidateDeploymentSpec, ValidateDeploymentStrategy,
 * ValidateRollingUpdateDeployment, selector immutable in apps/v1), and the
 * strategy's generation rule (pkg/registry/apps/deployment/strategy.go: a
 * spec change *or an annotation change* bumps generation, because the
 * controller copies annotations onto ReplicaSets).
 */
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { fieldError, type FieldError } from '../api/field-errors.js';
import { isPlainObject, semanticEqual, type Obj } from '../lib/json.js';
import { objectMetaKeys, podTemplateKeys, STATUS_CONDITIONS } from '../patch/merge-keys.js';
import { formatSelector } from '../selectors/label-selector.js';
import { nameIsDNSSubdomain } from '../validation/names.js';
import { ALL_VERBS, type KindDef } from './kind.js';
import { defaultPodTemplate } from './pod-defaults.js';
import { nonNegative, validateIntOrPercent, validateTemplateForReplicaSet, validateWorkloadSelector } from './workload.js';

function percentValue(v: unknown): number | undefined {
  return typeof v === 'string' && /^\d+%$/.test(v) ? Number(v.slice(0, -1)) : undefined;
}

function validateStrategy(strategy: Obj | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const s = strategy ?? {};
  if (s.type === 'Recreate') {
    if (s.rollingUpdate !== undefined) errs.push(fieldError.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
  } else if (s.type === 'RollingUpdate') {
    const ru = s.rollingUpdate;
    if (!isPlainObject(ru)) errs.push(fieldError.required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil'));
    else {
      errs.push(...validateIntOrPercent(ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable'));
      errs.push(...validateIntOrPercent(ru.maxSurge, 'spec.strategy.rollingUpdate.maxSurge'));
      const zero = (v: unknown): boolean => v === 0 || percentValue(v) === 0;
      if (zero(ru.maxUnavailable) && zero(ru.maxSurge)) errs.push(fieldError.invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
      if ((percentValue(ru.maxUnavailable) ?? 0) > 100) errs.push(fieldError.invalid('spec.strategy.rollingUpdate.maxUnavailable', ru.maxUnavailable, 'must not be greater than 100%'));
    }
  } else {
    errs.push(fieldError.notSupported('spec.strategy', s, ['Recreate', 'RollingUpdate']));
  }
  return errs;
}

export const deploymentKind: KindDef = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  resource: 'deployments',
  singular: 'deployment',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  verbs: ALL_VERBS,
  model: Deployment,
  nameValidator: nameIsDNSSubdomain,
  status: true,
  statusWritableMetadata: ['annotations'],
  scale: { selector: (o) => formatSelector(o.spec?.selector) },
  generation: true,
  mergeKeys: { ...objectMetaKeys('metadata'), ...podTemplateKeys('spec.template'), ...STATUS_CONDITIONS },

  defaults(obj) {
    const spec = (obj.spec ??= {});
    spec.replicas ??= 1;
    const strategy = (spec.strategy ??= {});
    strategy.type ??= 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      strategy.rollingUpdate ??= {};
      strategy.rollingUpdate.maxUnavailable ??= '25%';
      strategy.rollingUpdate.maxSurge ??= '25%';
    }
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    defaultPodTemplate(spec.template);
  },

  validate(obj) {
    const spec: Obj = obj.spec ?? {};
    const errs: FieldError[] = [];
    errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
    errs.push(...validateWorkloadSelector(spec.selector, 'spec.selector'));
    errs.push(...validateTemplateForReplicaSet(spec, 'spec'));
    errs.push(...validateStrategy(spec.strategy));
    errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
    errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
    if (spec.progressDeadlineSeconds !== undefined) {
      errs.push(...nonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
      if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
        errs.push(fieldError.invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
      }
    }
    return errs;
  },

  validateUpdate(obj, old) {
    return semanticEqual(obj.spec?.selector, old.spec?.selector) ? [] : [fieldError.immutable('spec.selector', obj.spec?.selector)];
  },

  generationChanged(obj, old) {
    return !semanticEqual(obj.spec, old.spec) || !semanticEqual(obj.metadata?.annotations, old.metadata?.annotations);
  },
};
