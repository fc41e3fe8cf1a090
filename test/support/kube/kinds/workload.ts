/**
 * Validation shared by the workload kinds that carry a pod template:
 * apps validation's ValidatePodTemplateSpecForReplicaSet (selector must
 * match the template labels, restartPolicy Always, no
 * activeDeadlineSeconds) on top of core's ValidatePodTemplateSpec
 * (template labels/annotations at `spec.template.labels`, then the pod spec).
 */
import { fieldError, path, type FieldError } from '../api/field-errors.js';
import { isPlainObject, type Obj } from '../lib/json.js';
import { matchesLabels, selectorFromStruct } from '../selectors/label-selector.js';
import { isValidPercent } from '../validation/names.js';
import { validateAnnotations, validateLabels } from '../validation/object-meta.js';
import { isEmptySelector, validateLabelSelector } from '../validation/label-selector.js';
import { validatePodSpec } from '../validation/pod-spec.js';

export const nonNegative = (value: unknown, field: string): FieldError[] =>
  typeof value === 'number' && value < 0 ? [fieldError.invalid(field, value, 'must be greater than or equal to 0')] : [];

export function validatePodTemplateSpec(template: unknown, field: string): FieldError[] {
  if (!isPlainObject(template)) return [fieldError.required(field)];
  const errs: FieldError[] = [];
  errs.push(...validateLabels(template.metadata?.labels, path(field, 'labels')));
  errs.push(...validateAnnotations(template.metadata?.annotations, path(field, 'annotations')));
  errs.push(...validatePodSpec(template.spec ?? {}, path(field, 'spec')));
  return errs;
}

/** Selector presence, syntax and non-emptiness (ValidateDeploymentSpec / ValidateReplicaSetSpec). */
export function validateWorkloadSelector(selector: unknown, field: string): FieldError[] {
  if (!isPlainObject(selector)) return [fieldError.required(field)];
  const errs = validateLabelSelector(selector, field);
  if (isEmptySelector(selector)) errs.push(fieldError.invalid(field, selector, 'empty selector is invalid for deployment'));
  return errs;
}

export function validateTemplateForReplicaSet(spec: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const template = spec.template;
  if (!isPlainObject(template)) return [fieldError.required(path(field, 'template'))];
  if (isPlainObject(spec.selector) && !isEmptySelector(spec.selector) && !matchesLabels(selectorFromStruct(spec.selector), template.metadata?.labels)) {
    errs.push(fieldError.invalid(path(field, 'template', 'metadata', 'labels'), template.metadata?.labels ?? {}, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(template, path(field, 'template')));
  const restart = template.spec?.restartPolicy;
  if (restart !== 'Always') errs.push(fieldError.notSupported(path(field, 'template', 'spec', 'restartPolicy'), restart ?? '', ['Always']));
  if (template.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(fieldError.forbidden(path(field, 'template', 'spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  }
  return errs;
}

/** ValidatePositiveIntOrPercent. */
export function validateIntOrPercent(value: unknown, field: string): FieldError[] {
  if (typeof value === 'string') return isValidPercent(value).map((m) => fieldError.invalid(field, value, m));
  return nonNegative(value, field);
}
