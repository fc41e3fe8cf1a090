/**
 * JSON Patch, RFC 6902 (operations add, remove, replace, move, copy, test)
 * over JSON Pointers, RFC 6901 (`~1` is '/', `~0` is '~', `-` appends to an
 * array). Errors carry the wording of evanphx/json-patch, the library the
 * apiserver applies these patches with.
 */
import { clone, isPlainObject, jsonEqual } from '../lib/json.js';

export class JsonPatchError extends Error {
  /** true when the patch document itself is malformed (400), false when it does not apply (422). */
  constructor(
    message: string,
    readonly malformed: boolean,
  ) {
    super(message);
  }
}

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer: ${JSON.stringify(pointer)}`, false);
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function parent(doc: unknown, parts: string[], op: string, pointer: string): { container: Container; key: string } {
  let cur: unknown = doc;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (isPlainObject(cur)) cur = cur[part];
    else cur = undefined;
    if (cur === undefined) throw new JsonPatchError(`${op} operation does not apply: doc is missing path: ${JSON.stringify(pointer)}: missing value`, false);
  }
  if (!Array.isArray(cur) && !isPlainObject(cur)) throw new JsonPatchError(`${op} operation does not apply: doc is missing path: ${JSON.stringify(pointer)}: missing value`, false);
  return { container: cur as Container, key: parts[parts.length - 1] ?? '' };
}

function arrayIndex(arr: unknown[], key: string, forInsert: boolean, pointer: string): number {
  if (forInsert && key === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(key)) throw new JsonPatchError(`Unable to access invalid index: ${key}: invalid index referenced`, false);
  const idx = Number(key);
  if (idx > arr.length || (!forInsert && idx >= arr.length)) throw new JsonPatchError(`Unable to access invalid index: ${idx}: invalid index referenced in ${pointer}`, false);
  return idx;
}

function get(doc: unknown, pointer: string, op: string): unknown {
  const parts = parsePointer(pointer);
  if (parts.length === 0) return doc;
  const { container, key } = parent(doc, parts, op, pointer);
  const value = Array.isArray(container) ? container[arrayIndex(container, key, false, pointer)] : container[key];
  if (value === undefined) throw new JsonPatchError(`${op} operation does not apply: doc is missing path: ${JSON.stringify(pointer)}: missing value`, false);
  return value;
}

function add(doc: unknown, pointer: string, value: unknown, op = 'add'): unknown {
  const parts = parsePointer(pointer);
  if (parts.length === 0) return clone(value);
  const { container, key } = parent(doc, parts, op, pointer);
  if (Array.isArray(container)) container.splice(arrayIndex(container, key, true, pointer), 0, clone(value));
  else container[key] = clone(value);
  return doc;
}

function remove(doc: unknown, pointer: string, op = 'remove'): unknown {
  const parts = parsePointer(pointer);
  const { container, key } = parent(doc, parts, op, pointer);
  if (Array.isArray(container)) container.splice(arrayIndex(container, key, false, pointer), 1);
  else {
    if (!(key in container)) throw new JsonPatchError(`${op} operation does not apply: doc is missing path: ${JSON.stringify(pointer)}: missing value`, false);
    delete container[key];
  }
  return doc;
}

export function applyJsonPatch(document: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw new JsonPatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch', true);
  let doc = clone(document);
  for (const raw of patch) {
    if (!isPlainObject(raw)) throw new JsonPatchError('json: cannot unmarshal into Go value of type jsonpatch.Operation', true);
    const op = raw as unknown as Operation;
    if (typeof op.path !== 'string') throw new JsonPatchError(`${op.op} operation missing path`, true);
    switch (op.op) {
      case 'add':
        if (!('value' in raw)) throw new JsonPatchError('add operation missing value', true);
        doc = add(doc, op.path, op.value);
        break;
      case 'remove':
        doc = remove(doc, op.path);
        break;
      case 'replace': {
        if (!('value' in raw)) throw new JsonPatchError('replace operation missing value', true);
        get(doc, op.path, 'replace');
        const parts = parsePointer(op.path);
        if (parts.length === 0) doc = clone(op.value);
        else {
          const { container, key } = parent(doc, parts, 'replace', op.path);
          if (Array.isArray(container)) container[arrayIndex(container, key, false, op.path)] = clone(op.value);
          else container[key] = clone(op.value);
        }
        break;
      }
      case 'move': {
        if (typeof op.from !== 'string') throw new JsonPatchError('move operation missing from', true);
        const value = get(doc, op.from, 'move');
        doc = remove(doc, op.from, 'move');
        doc = add(doc, op.path, value, 'move');
        break;
      }
      case 'copy': {
        if (typeof op.from !== 'string') throw new JsonPatchError('copy operation missing from', true);
        doc = add(doc, op.path, get(doc, op.from, 'copy'), 'copy');
        break;
      }
      case 'test': {
        let actual: unknown;
        try {
          actual = get(doc, op.path, 'test');
        } catch {
          actual = undefined;
        }
        if (!jsonEqual(actual, op.value ?? null)) throw new JsonPatchError(`testing value ${op.path} failed: test failed`, false);
        break;
      }
      default:
        throw new JsonPatchError(`Unexpected kind: ${String(op.op)}`, true);
    }
  }
  return doc;
}
