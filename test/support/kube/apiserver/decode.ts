/**
 * Turns a request body into an object of the endpoint's kind, failing the
 * way kube-apiserver's decoder does (handlers/create.go, update.go,
 * patch.go):
 * - wrong apiVersion/kind: 400 "the API version in the data (...) does not
 *   match the expected API version (...)";
 * - a JSON type or format error: 400 "<Kind> in version "v1" cannot be
 *   handled as a <Kind>: json: cannot unmarshal ..." on create/update, but a
 *   422 Invalid on the `patch` field for patches;
 * - unknown fields: a strict decoding error, 400 on every verb. The double
 *   is always Strict: the driver sends fieldValidation=Strict, and without
 *   it a real server would drop the field and warn, which is laxer.
 * Missing apiVersion/kind default to the endpoint's (defaultGVK upstream);
 * JSON nulls are dropped first, as Go's decoder ignores them.
 */
import { badRequest, invalid } from '../api/status.js';
import { fieldError, type FieldError } from '../api/field-errors.js';
import { isPlainObject, stripNulls, type Obj } from '../lib/json.js';
import { apiVersionOf, type KindDef } from '../kinds/kind.js';
import { checkSchema } from '../validation/schema.js';

export type DecodeMode = 'create' | 'update' | 'patch';

export interface Decoded {
  object: Obj;
  /** Schema-level validation problems (required fields, enums) to report with the semantic ones. */
  schemaErrors: FieldError[];
}

export function decodeObject(kind: KindDef, body: unknown, mode: DecodeMode): Decoded {
  const expected = apiVersionOf(kind);
  const prefix = `${kind.kind} in version "${kind.version}" cannot be handled as a ${kind.kind}`;
  if (!isPlainObject(body)) {
    throw badRequest(`the object provided is unrecognized (must be of type ${kind.kind}): couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(body) ? 'array' : typeof body} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  }
  const object = stripNulls(body) as Obj;
  if (object.apiVersion !== undefined && object.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${expected})`);
  }
  if (object.kind !== undefined && object.kind !== kind.kind) {
    throw badRequest(`${prefix}: the kind in the data (${String(object.kind)}) does not match the expected kind (${kind.kind})`);
  }
  object.apiVersion = expected;
  object.kind = kind.kind;
  if (object.metadata !== undefined && !isPlainObject(object.metadata)) {
    throw badRequest(`${prefix}: json: cannot unmarshal ${typeof object.metadata} into Go struct field ${kind.kind}.metadata of type v1.ObjectMeta`);
  }
  object.metadata ??= {};
  if (!kind.model) return { object, schemaErrors: [] };

  const result = checkSchema(kind.model, kind.kind, object);
  const firstDecode = result.decodeErrors[0];
  if (firstDecode !== undefined) {
    if (mode === 'patch') throw invalid({ group: '', kind: '' }, '', [fieldError.invalid('patch', JSON.stringify(object), firstDecode)]);
    throw badRequest(`${prefix}: ${firstDecode}`);
  }
  if (result.unknownFields.length > 0) {
    const strict = `strict decoding error: ${result.unknownFields.map((f) => `unknown field "${f}"`).join(', ')}`;
    throw badRequest(mode === 'patch' ? strict : `${prefix}: ${strict}`);
  }
  return { object, schemaErrors: result.fieldErrors };
}

/** Semantic errors first; schema errors only for fields nothing else complained about. */
export function mergeFieldErrors(semantic: FieldError[], schema: FieldError[]): FieldError[] {
  const fields = new Set(semantic.map((e) => e.field));
  return [...semantic, ...schema.filter((e) => !fields.has(e.field))];
}
