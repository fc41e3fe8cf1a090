/**
 * Checks an object against the official OpenAPI schema of its kind, using
 * the Ajv validators that `kubernetes-models` compiles from Kubernetes'
 * swagger (`node_modules/kubernetes-models/_schemas/*.mjs`, reached through
 * each model class's `validate()`).
 *
 * Those schemas accept unknown fields, but a real apiserver with
 * `fieldValidation=Strict` rejects them. The compiled validators expose no
 * property lists, so the double learns them by watching the validator
 * work: it validates a Proxy of the object, and every property the
 * validator looks up (it checks `data.x === undefined` for each declared
 * property) is a known field at that path; a validator that enumerates an
 * object (`for (k in data)`) is checking a map, whose keys are all allowed.
 * Own keys never looked up are the unknown fields.
 *
 * Problems come back sorted the way the apiserver would report them:
 * - type and format mismatches are what Go's JSON decoder rejects (a 400
 *   BadRequest on create/update, see handlers/create.go transformDecodeError),
 * - unknown fields are strict decoding errors (also 400),
 * - missing required fields and enum violations are validation errors
 *   (422 Invalid), merged with the semantic validators' causes.
 */
import { fieldError, type FieldError } from '../api/field-errors.js';
import { isPlainObject, type Obj } from '../lib/json.js';
import { QUANTITY_REGEXP } from '../lib/quantity.js';

/** A kubernetes-models class: its prototype's validate() runs the compiled schema on `this`. */
export interface ModelClass {
  prototype: { validate(): void };
}

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export interface SchemaResult {
  /** Go-decoder style messages for type/format errors (first one is what upstream reports). */
  decodeErrors: string[];
  /** Field paths of unknown fields, e.g. "spec.template.spec.containers[0].bogus". */
  unknownFields: string[];
  /** Required / enum problems as field errors. */
  fieldErrors: FieldError[];
}

/** "/spec/template/spec/containers/0/name" -> "spec.template.spec.containers[0].name" */
export function instancePathToField(instancePath: string): string {
  let out = '';
  for (const seg of instancePath.split('/').slice(1)) {
    const s = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else out += out ? `.${s}` : s;
  }
  return out;
}

function valueAt(obj: unknown, instancePath: string): unknown {
  let cur: unknown = obj;
  for (const seg of instancePath.split('/').slice(1)) {
    const s = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) cur = cur[Number(s)];
    else if (isPlainObject(cur)) cur = cur[s];
    else return undefined;
  }
  return cur;
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v;
}

const GO_TYPES: Record<string, string> = { integer: 'int32', number: 'float64', string: 'string', boolean: 'bool', object: 'struct', array: 'slice' };

function decodeMessage(kind: string, obj: unknown, e: AjvError): string {
  const value = valueAt(obj, e.instancePath);
  const field = instancePathToField(e.instancePath);
  if (e.keyword === 'format') {
    if (e.params.format === 'byte' && typeof value === 'string') {
      const bad = value.search(/[^A-Za-z0-9+/=]/);
      return `illegal base64 data at input byte ${bad >= 0 ? bad : value.length}`;
    }
    if (e.params.format === 'quantity') return `quantities must match the regular expression '${QUANTITY_REGEXP}'`;
    if (e.params.format === 'date-time') return `parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(value)} as "2006"`;
    if (e.params.format === 'int32' || e.params.format === 'int64') return `json: cannot unmarshal number ${String(value)} into Go struct field ${kind}.${field} of type ${e.params.format}`;
    return `json: cannot unmarshal ${JSON.stringify(value)} into Go struct field ${kind}.${field} of format ${String(e.params.format)}`;
  }
  const want = e.keyword === 'type' ? (GO_TYPES[String(e.params.type)] ?? String(e.params.type)) : 'intstr.IntOrString';
  return `json: cannot unmarshal ${jsonType(value)} into Go struct field ${kind}.${field} of type ${want}`;
}

function track(value: unknown, at: string, known: Map<string, Set<string>>, maps: Set<string>): unknown {
  if (value === null || typeof value !== 'object') return value;
  let seen = known.get(at);
  if (!seen) {
    seen = new Set();
    known.set(at, seen);
  }
  const keys = seen;
  return new Proxy(value as object, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string') return v;
      keys.add(prop);
      if (v !== null && typeof v === 'object') return track(v, Array.isArray(target) ? `${at}[${prop}]` : at ? `${at}.${prop}` : prop, known, maps);
      return v;
    },
    ownKeys(target) {
      maps.add(at);
      return Reflect.ownKeys(target);
    },
  });
}

function collectUnknown(value: unknown, at: string, known: Map<string, Set<string>>, maps: Set<string>, out: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => collectUnknown(v, `${at}[${i}]`, known, maps, out));
    return;
  }
  if (!isPlainObject(value)) return;
  const keys = known.get(at);
  if (!keys) return; // the schema never looked inside: free-form (RawExtension, fieldsV1, ...)
  const isMap = maps.has(at);
  for (const [k, v] of Object.entries(value)) {
    const here = at ? `${at}.${k}` : k;
    if (!isMap && !keys.has(k)) out.push(here);
    else collectUnknown(v, here, known, maps, out);
  }
}

export function checkSchema(model: ModelClass, kind: string, obj: Obj): SchemaResult {
  const known = new Map<string, Set<string>>();
  const maps = new Set<string>();
  let errors: AjvError[] = [];
  try {
    model.prototype.validate.call(track(obj, '', known, maps));
  } catch (e) {
    const list = (e as { errors?: AjvError[] }).errors;
    if (!Array.isArray(list)) throw e;
    errors = list;
  }
  const unknownFields: string[] = [];
  collectUnknown(obj, '', known, maps, unknownFields);

  const decodeErrors: string[] = [];
  const fieldErrors: FieldError[] = [];
  const decodeByPath = new Map<string, AjvError[]>();
  for (const e of errors) {
    if (e.keyword === 'required') {
      const base = instancePathToField(e.instancePath);
      const missing = String(e.params.missingProperty);
      fieldErrors.push(fieldError.required(base ? `${base}.${missing}` : missing));
    } else if (e.keyword === 'enum') {
      fieldErrors.push(fieldError.notSupported(instancePathToField(e.instancePath), valueAt(obj, e.instancePath), ((e.params.allowedValues as unknown[]) ?? []).map(String)));
    } else {
      // type / format / oneOf (IntOrString, Quantity): the Go decoder would fail here
      const list = decodeByPath.get(e.instancePath) ?? [];
      list.push(e);
      decodeByPath.set(e.instancePath, list);
    }
  }
  for (const list of decodeByPath.values()) {
    // a Quantity or IntOrString fails several branches; the format error says most
    const best = list.find((e) => e.keyword === 'format') ?? list.find((e) => e.keyword === 'type') ?? list[0];
    if (best) decodeErrors.push(decodeMessage(kind, obj, best));
  }
  return { decodeErrors, unknownFields, fieldErrors };
}
