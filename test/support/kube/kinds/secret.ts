/**
 * core/v1 Secret and ConfigMap: stringData is merged into base64 `data`
 * by the v1 conversion (pkg/apis/core/v1/conversion.go) and never stored;
 * ValidateSecret / ValidateConfigMap check keys (`[-._a-zA-Z0-9]+`), the
 * 1 MiB size limit and the per-type required keys; ValidateSecretUpdate /
 * ValidateConfigMapUpdate forbid changing data once `immutable: true`.
 */
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { fieldError, key, type FieldError } from '../api/field-errors.js';
import { jsonEqual, type Obj } from '../lib/json.js';
import { objectMetaKeys } from '../patch/merge-keys.js';
import { isConfigMapKey, nameIsDNSSubdomain } from '../validation/names.js';
import { ALL_VERBS, type KindDef } from './kind.js';

export const MAX_SECRET_SIZE = 1024 * 1024;

function validateKeys(data: Obj | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of Object.keys(data ?? {})) for (const m of isConfigMapKey(k)) errs.push(fieldError.invalid(key(field, k), k, m));
  return errs;
}

const decodedSize = (data: Obj | undefined): number => Object.values(data ?? {}).reduce((n: number, v) => n + Buffer.from(String(v), 'base64').length, 0);

function requireKeys(data: Obj, keys: string[]): FieldError[] {
  return keys.filter((k) => !(k in data)).map((k) => fieldError.required(key('data', k)));
}

function validateJsonKey(data: Obj, k: string): FieldError[] {
  if (!(k in data)) return [fieldError.required(key('data', k))];
  try {
    const parsed = JSON.parse(Buffer.from(String(data[k]), 'base64').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('json: cannot unmarshal into Go value of type map[string]interface {}');
    return [];
  } catch (e) {
    return [fieldError.invalid(key('data', k), '<secret contents redacted>', (e as Error).message)];
  }
}

function immutableErrors(obj: Obj, old: Obj, dataFields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(fieldError.forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of dataFields) if (!jsonEqual(obj[f] ?? {}, old[f] ?? {})) errs.push(fieldError.forbidden(f, 'field is immutable when `immutable` is set'));
  return errs;
}

export const secretKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  resource: 'secrets',
  singular: 'secret',
  namespaced: true,
  verbs: ALL_VERBS,
  model: Secret,
  nameValidator: nameIsDNSSubdomain,
  mergeKeys: objectMetaKeys('metadata'),
  fieldSelectors: { type: (o) => o.type ?? '' },

  defaults(obj) {
    obj.type ??= 'Opaque';
    if (obj.stringData && typeof obj.stringData === 'object') {
      obj.data ??= {};
      for (const [k, v] of Object.entries(obj.stringData as Obj)) obj.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    }
    delete obj.stringData;
  },

  validate(obj) {
    const data: Obj = obj.data ?? {};
    const errs = validateKeys(data, 'data');
    if (decodedSize(data) > MAX_SECRET_SIZE) errs.push(fieldError.tooLong('data', MAX_SECRET_SIZE));
    switch (obj.type) {
      case 'kubernetes.io/service-account-token':
        if (!obj.metadata?.annotations?.['kubernetes.io/service-account.name']) errs.push(fieldError.required(key('metadata.annotations', 'kubernetes.io/service-account.name')));
        break;
      case 'kubernetes.io/dockercfg':
        errs.push(...validateJsonKey(data, '.dockercfg'));
        break;
      case 'kubernetes.io/dockerconfigjson':
        errs.push(...validateJsonKey(data, '.dockerconfigjson'));
        break;
      case 'kubernetes.io/basic-auth':
        if (!('username' in data) && !('password' in data)) errs.push(...requireKeys(data, ['username', 'password']));
        break;
      case 'kubernetes.io/ssh-auth':
        if (!data['ssh-privatekey']) errs.push(fieldError.required(key('data', 'ssh-privatekey')));
        break;
      case 'kubernetes.io/tls':
        errs.push(...requireKeys(data, ['tls.crt', 'tls.key']));
        break;
    }
    return errs;
  },

  validateUpdate(obj, old) {
    const errs: FieldError[] = [];
    if ((obj.type ?? '') !== (old.type ?? '')) errs.push(fieldError.immutable('type', obj.type));
    return [...errs, ...immutableErrors(obj, old, ['data'])];
  },
};

export const configMapKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  resource: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  verbs: ALL_VERBS,
  model: ConfigMap,
  nameValidator: nameIsDNSSubdomain,
  mergeKeys: objectMetaKeys('metadata'),

  validate(obj) {
    const errs = [...validateKeys(obj.data, 'data'), ...validateKeys(obj.binaryData, 'binaryData')];
    for (const k of Object.keys(obj.data ?? {})) {
      if (obj.binaryData && k in obj.binaryData) errs.push(fieldError.invalid(key('data', k), k, 'duplicate of key present in binaryData'));
    }
    const size = Object.values((obj.data ?? {}) as Obj).reduce((n: number, v) => n + Buffer.byteLength(String(v)), 0) + decodedSize(obj.binaryData);
    if (size > MAX_SECRET_SIZE) errs.push(fieldError.tooLong('', MAX_SECRET_SIZE));
    return errs;
  },

  validateUpdate(obj, old) {
    return immutableErrors(obj, old, ['data', 'binaryData']);
  },
};
