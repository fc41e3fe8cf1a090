/**
 * Kinds the driver only touches lightly: core/v1 ServiceAccount (what the
 * ServiceAccount admission plugin looks up for every pod) and core/v1
 * Event (written by the double's controllers and kubelet; clients may
 * create them too, and updates create when missing, AllowCreateOnUpdate,
 * as in pkg/registry/core/event/strategy.go).
 */
import { Event } from 'kubernetes-models/v1/Event';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { fieldError } from '../api/field-errors.js';
import { objectMetaKeys } from '../patch/merge-keys.js';
import { nameIsDNSSubdomain, nameIsPathSegment } from '../validation/names.js';
import { ALL_VERBS, type KindDef } from './kind.js';

export const serviceAccountKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  resource: 'serviceaccounts',
  singular: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  verbs: ALL_VERBS,
  model: ServiceAccount,
  nameValidator: nameIsDNSSubdomain,
  mergeKeys: { ...objectMetaKeys('metadata'), secrets: { key: 'name' }, imagePullSecrets: { key: 'name' } },
};

export const eventKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'Event',
  resource: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  verbs: ALL_VERBS,
  model: Event,
  nameValidator: nameIsPathSegment,
  allowCreateOnUpdate: true,
  mergeKeys: objectMetaKeys('metadata'),
  fieldSelectors: {
    'involvedObject.kind': (o) => o.involvedObject?.kind ?? '',
    'involvedObject.namespace': (o) => o.involvedObject?.namespace ?? '',
    'involvedObject.name': (o) => o.involvedObject?.name ?? '',
    'involvedObject.uid': (o) => o.involvedObject?.uid ?? '',
    'involvedObject.apiVersion': (o) => o.involvedObject?.apiVersion ?? '',
    'involvedObject.resourceVersion': (o) => o.involvedObject?.resourceVersion ?? '',
    'involvedObject.fieldPath': (o) => o.involvedObject?.fieldPath ?? '',
    reason: (o) => o.reason ?? '',
    reportingComponent: (o) => o.reportingComponent ?? '',
    source: (o) => o.source?.component ?? '',
    type: (o) => o.type ?? '',
  },

  validate(obj) {
    const ns = obj.involvedObject?.namespace;
    return ns && ns !== obj.metadata.namespace ? [fieldError.invalid('involvedObject.namespace', ns, 'does not match event.namespace')] : [];
  },
};
