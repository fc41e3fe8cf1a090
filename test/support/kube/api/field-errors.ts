/**
 * field.Error from apimachinery pkg/util/validation/field/errors.go: one
 * problem at one field path, rendered as "<field>: <Type>: <value>: <detail>".
 * Validators return lists of these so a 422 reports every problem at once,
 * each as a Status cause {reason, message, field}.
 */

export const ErrorType = {
  NotFound: { text: 'Not found', cause: 'FieldValueNotFound' },
  Required: { text: 'Required value', cause: 'FieldValueRequired' },
  Duplicate: { text: 'Duplicate value', cause: 'FieldValueDuplicate' },
  Invalid: { text: 'Invalid value', cause: 'FieldValueInvalid' },
  NotSupported: { text: 'Unsupported value', cause: 'FieldValueNotSupported' },
  Forbidden: { text: 'Forbidden', cause: 'FieldValueForbidden' },
  TooLong: { text: 'Too long', cause: 'FieldValueTooLong' },
  TooMany: { text: 'Too many', cause: 'FieldValueTooMany' },
  Internal: { text: 'Internal error', cause: 'InternalError' },
} as const;
export type ErrorType = (typeof ErrorType)[keyof typeof ErrorType];

export interface FieldError {
  type: ErrorType;
  field: string;
  /** ErrorBody(): what follows "<field>: ". */
  body: string;
}

/** Go's rendering of a bad value: %q for strings, %v for numbers and bools, JSON for the rest. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function make(type: ErrorType, field: string, value: unknown, detail: string, withValue: boolean): FieldError {
  let body: string = type.text;
  if (withValue) body += `: ${formatValue(value)}`;
  if (detail) body += `: ${detail}`;
  return { type, field, body };
}

export const fieldError = {
  required: (field: string, detail = ''): FieldError => make(ErrorType.Required, field, undefined, detail, false),
  invalid: (field: string, value: unknown, detail: string): FieldError => make(ErrorType.Invalid, field, value, detail, true),
  duplicate: (field: string, value: unknown): FieldError => make(ErrorType.Duplicate, field, value, '', true),
  notFound: (field: string, value: unknown): FieldError => make(ErrorType.NotFound, field, value, '', true),
  forbidden: (field: string, detail: string): FieldError => make(ErrorType.Forbidden, field, undefined, detail, false),
  tooLong: (field: string, max: number): FieldError => make(ErrorType.TooLong, field, undefined, `may not be more than ${max} bytes`, false),
  tooMany: (field: string, actual: number, max: number): FieldError => make(ErrorType.TooMany, field, actual, `must have at most ${max} items`, true),
  notSupported: (field: string, value: unknown, supported: string[]): FieldError =>
    make(ErrorType.NotSupported, field, value, supported.length ? `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` : '', true),
  immutable: (field: string, value: unknown): FieldError => make(ErrorType.Invalid, field, value, 'field is immutable', true),
};

export function errorString(e: FieldError): string {
  return `${e.field}: ${e.body}`;
}

/** utilerrors.NewAggregate(...).Error(): one message alone, several in brackets, duplicates once. */
export function formatAggregate(errors: FieldError[]): string {
  const seen = new Set<string>();
  const msgs: string[] = [];
  for (const e of errors) {
    const s = errorString(e);
    if (!seen.has(s)) {
      seen.add(s);
      msgs.push(s);
    }
  }
  if (msgs.length === 0) return '';
  if (msgs.length === 1) return msgs[0] ?? '';
  return `[${msgs.join(', ')}]`;
}

/** Field path helper: path('spec', 'containers', 0, 'name') -> "spec.containers[0].name". */
export function path(...parts: (string | number)[]): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (p.startsWith('[')) out += p;
    else out += out ? `.${p}` : p;
  }
  return out;
}

/** path + key: "data[key]" as field.NewPath("data").Key(key). */
export function key(base: string, k: string): string {
  return `${base}[${k}]`;
}
