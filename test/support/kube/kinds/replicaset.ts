/**
 * apps/v1 ReplicaSet: SetDefaults_ReplicaSet (replicas 1),
 * ValidateReplicaSetSpec, selector immutable in apps/v1
 * (pkg/registry/apps/replicaset/strategy.go), generation on spec changes.
 */
import { ReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import { fieldError, type FieldError } from '../api/field-errors.js';
import { semanticEqual, type Obj } from '../lib/json.js';
import { objectMetaKeys, podTemplateKeys, STATUS_CONDITIONS } from '../patch/merge-keys.js';
import { formatSelector } from '../selectors/label-selector.js';
import { nameIsDNSSubdomain } from '../validation/names.js';
import { ALL_VERBS, type KindDef } from './kind.js';
import { defaultPodTemplate } from './pod-defaults.js';
import { nonNegative, validateTemplateForReplicaSet, validateWorkloadSelector } from './workload.js';

export const replicaSetKind: KindDef = {
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  resource: 'replicasets',
  singular: 'replicaset',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  verbs: ALL_VERBS,
  model: ReplicaSet,
  nameValidator: nameIsDNSSubdomain,
  status: true,
  scale: { selector: (o) => formatSelector(o.spec?.selector) },
  generation: true,
  mergeKeys: { ...objectMetaKeys('metadata'), ...podTemplateKeys('spec.template'), ...STATUS_CONDITIONS },
  fieldSelectors: { 'status.replicas': (o) => String(o.status?.replicas ?? 0) },

  defaults(obj) {
    const spec = (obj.spec ??= {});
    spec.replicas ??= 1;
    defaultPodTemplate(spec.template);
  },

  validate(obj) {
    const spec: Obj = obj.spec ?? {};
    const errs: FieldError[] = [];
    errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
    errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
    errs.push(...validateWorkloadSelector(spec.selector, 'spec.selector'));
    errs.push(...validateTemplateForReplicaSet(spec, 'spec'));
    return errs;
  },

  validateUpdate(obj, old) {
    return semanticEqual(obj.spec?.selector, old.spec?.selector) ? [] : [fieldError.immutable('spec.selector', obj.spec?.selector)];
  },
};
