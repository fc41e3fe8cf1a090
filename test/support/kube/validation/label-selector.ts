/**
 * metav1 LabelSelector struct validation (apimachinery
 * pkg/apis/meta/v1/validation: ValidateLabelSelector and
 * ValidateLabelSelectorRequirement).
 */
import { fieldError, path, type FieldError } from '../api/field-errors.js';
import { isPlainObject, type Obj } from '../lib/json.js';
import { isQualifiedName, isValidLabelValue } from './names.js';
import { validateLabels } from './object-meta.js';

export function validateLabelSelector(selector: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isPlainObject(selector)) return errs;
  errs.push(...validateLabels(selector.matchLabels, path(field, 'matchLabels')));
  ((selector.matchExpressions ?? []) as Obj[]).forEach((expr, i) => {
    const f = path(field, 'matchExpressions', i);
    const values: unknown[] = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(fieldError.required(path(f, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(fieldError.forbidden(path(f, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(fieldError.invalid(path(f, 'operator'), expr.operator ?? '', 'not a valid selector operator'));
    }
    for (const msg of isQualifiedName(String(expr.key ?? ''))) errs.push(fieldError.invalid(path(f, 'key'), expr.key ?? '', msg));
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(String(v))) errs.push(fieldError.invalid(path(f, 'values', j), v, msg));
    });
  });
  return errs;
}

/** True when the selector selects nothing in particular (no labels, no expressions). */
export function isEmptySelector(selector: unknown): boolean {
  if (!isPlainObject(selector)) return true;
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}
