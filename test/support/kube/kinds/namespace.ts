/**
 * core/v1 Namespace, after pkg/registry/core/namespace: names are DNS-1123
 * labels; create sets phase Active and the `kubernetes` spec finalizer;
 * the `kubernetes.io/metadata.name` label always equals the name
 * (NamespaceDefaultLabelName, 1.21+); spec.finalizers and status only
 * change through the namespace controller; DELETE marks the namespace
 * Terminating and it leaves storage once its spec finalizers are gone.
 */
import { Namespace } from 'kubernetes-models/v1/Namespace';
import type { Obj } from '../lib/json.js';
import { objectMetaKeys, STATUS_CONDITIONS } from '../patch/merge-keys.js';
import { nameIsDNSLabel } from '../validation/names.js';
import type { KindDef } from './kind.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

function canonicalize(obj: Obj): void {
  obj.metadata.labels = { ...(obj.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: obj.metadata.name };
}

export const namespaceKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  resource: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  model: Namespace,
  nameValidator: nameIsDNSLabel,
  status: true,
  returnDeletedObject: true,
  mergeKeys: { ...objectMetaKeys('metadata'), ...STATUS_CONDITIONS },
  fieldSelectors: { 'status.phase': (o) => o.status?.phase ?? '' },

  defaults(obj) {
    obj.spec ??= {};
  },

  prepareForCreate(obj) {
    obj.status = { phase: 'Active' };
    const finalizers: string[] = obj.spec.finalizers ?? [];
    if (!finalizers.includes('kubernetes')) finalizers.push('kubernetes');
    obj.spec.finalizers = finalizers;
    if (obj.metadata.name) canonicalize(obj);
  },

  prepareForUpdate(obj, old) {
    obj.spec = { ...(obj.spec ?? {}), finalizers: old.spec?.finalizers };
    if (!obj.spec.finalizers) delete obj.spec.finalizers;
    canonicalize(obj);
  },

  canRemove(obj) {
    return (obj.spec?.finalizers ?? []).length === 0;
  },
};

/** What DELETE does to a namespace before it can go (the REST Delete in namespace storage). */
export function markNamespaceTerminating(obj: Obj): void {
  obj.status = { ...(obj.status ?? {}), phase: 'Terminating' };
}
