/**
 * ObjectMeta validation: apimachinery pkg/api/validation/objectmeta.go
 * (ValidateObjectMeta, ValidateObjectMetaUpdate, ValidateAnnotations,
 * ValidateOwnerReferences, ValidateFinalizers) and metav1 validation's
 * ValidateLabels / ValidateLabelSelector.
 */
import { fieldError, path, type FieldError } from '../api/field-errors.js';
import { isPlainObject, jsonEqual, type Obj } from '../lib/json.js';
import { isDNS1123Label, isQualifiedName, isValidLabelValue, type NameValidator } from './names.js';

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateLabels(labels: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isPlainObject(labels)) return errs;
  for (const [k, v] of Object.entries(labels)) {
    for (const msg of isQualifiedName(k)) errs.push(fieldError.invalid(field, k, msg));
    for (const msg of isValidLabelValue(String(v))) errs.push(fieldError.invalid(field, v, msg));
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isPlainObject(annotations)) return errs;
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(fieldError.invalid(field, k, msg));
    total += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(fieldError.tooLong(field, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function validateOwnerReferences(refs: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!Array.isArray(refs)) return errs;
  let firstController = '';
  for (const ref of refs as Obj[]) {
    const apiVersion = String(ref.apiVersion ?? '');
    const version = apiVersion.includes('/') ? apiVersion.split('/')[1] : apiVersion;
    if (!version) errs.push(fieldError.invalid(path(field, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (!ref.kind) errs.push(fieldError.invalid(path(field, 'kind'), ref.kind ?? '', 'must not be empty'));
    if (!ref.name) errs.push(fieldError.invalid(path(field, 'name'), ref.name ?? '', 'must not be empty'));
    if (!ref.uid) errs.push(fieldError.invalid(path(field, 'uid'), ref.uid ?? '', 'must not be empty'));
    if (ref.controller === true) {
      const current = `${ref.kind}/${ref.name}`;
      if (firstController) {
        errs.push(fieldError.invalid(field, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`));
      } else firstController = current;
    }
  }
  return errs;
}

function validateFinalizers(finalizers: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!Array.isArray(finalizers)) return errs;
  for (const f of finalizers) for (const msg of isQualifiedName(String(f))) errs.push(fieldError.invalid(field, f, msg));
  return errs;
}

export interface MetaValidationOptions {
  namespaced: boolean;
  nameValidator: NameValidator;
}

export function validateObjectMeta(meta: Obj, opts: MetaValidationOptions, field = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  if (meta.generateName) {
    for (const msg of opts.nameValidator(String(meta.generateName), true)) errs.push(fieldError.invalid(path(field, 'generateName'), meta.generateName, msg));
  }
  if (!meta.name) errs.push(fieldError.required(path(field, 'name'), 'name or generateName is required'));
  else for (const msg of opts.nameValidator(String(meta.name), false)) errs.push(fieldError.invalid(path(field, 'name'), meta.name, msg));
  if (opts.namespaced) {
    if (!meta.namespace) errs.push(fieldError.required(path(field, 'namespace')));
    else for (const msg of isDNS1123Label(String(meta.namespace))) errs.push(fieldError.invalid(path(field, 'namespace'), meta.namespace, msg));
  } else if (meta.namespace) {
    errs.push(fieldError.forbidden(path(field, 'namespace'), 'not allowed on this type'));
  }
  if (typeof meta.generation === 'number' && meta.generation < 0) errs.push(fieldError.invalid(path(field, 'generation'), meta.generation, 'must be greater than or equal to 0'));
  errs.push(...validateLabels(meta.labels, path(field, 'labels')));
  errs.push(...validateAnnotations(meta.annotations, path(field, 'annotations')));
  errs.push(...validateOwnerReferences(meta.ownerReferences, path(field, 'ownerReferences')));
  errs.push(...validateFinalizers(meta.finalizers, path(field, 'finalizers')));
  return errs;
}

export function validateObjectMetaUpdate(meta: Obj, old: Obj, field = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  if (old.deletionTimestamp) {
    const oldSet = new Set<string>(old.finalizers ?? []);
    const extra = ((meta.finalizers ?? []) as string[]).filter((f) => !oldSet.has(f));
    if (extra.length > 0) {
      errs.push(fieldError.forbidden(path(field, 'finalizers'), `no new finalizers can be added if the object is being deleted, found new finalizers []string{${extra.map((f) => JSON.stringify(f)).join(', ')}}`));
    }
  }
  if ((meta.generation ?? 0) < (old.generation ?? 0)) errs.push(fieldError.invalid(path(field, 'generation'), meta.generation, 'must not be decremented'));
  for (const f of ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds']) {
    if (!jsonEqual(meta[f], old[f])) errs.push(fieldError.immutable(path(field, f), meta[f]));
  }
  return errs;
}
