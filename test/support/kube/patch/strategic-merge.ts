/**
 * Strategic merge patch (apimachinery pkg/util/strategicpatch, documented
 * in community/contributors/devel/sig-api-machinery/strategic-merge-patch.md):
 * maps merge, `null` deletes, lists with a merge key merge element by
 * element (`{"$patch":"delete", key: ...}` removes one; a `{"$patch":
 * "replace"}` element replaces the list), `finalizers` merge as a set,
 * other lists are replaced. Directives `$patch` (replace|delete|merge),
 * `$retainKeys` and `$deleteFromPrimitiveList/<field>` are honoured;
 * `$setElementOrder/<field>` only orders elements and is dropped.
 */
import { clone, isPlainObject, jsonEqual, type Obj } from '../lib/json.js';
import type { MergeKeyTable } from './merge-keys.js';

export class StrategicMergeError extends Error {}

export function applyStrategicMergePatch(original: unknown, patch: unknown, table: MergeKeyTable): unknown {
  if (!isPlainObject(patch)) throw new StrategicMergeError('unable to find api field in struct Unknown for the json field "patch"');
  return mergeMap(isPlainObject(original) ? original : {}, patch, table, '');
}

function join(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

function mergeMap(original: Obj, patch: Obj, table: MergeKeyTable, at: string): Obj | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') {
    const out = clone(patch);
    delete out.$patch;
    return stripDirectives(out) as Obj;
  }
  if (directive !== undefined && directive !== 'merge') throw new StrategicMergeError(`Unknown patch type: ${String(directive)}`);
  const result: Obj = { ...original };
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set<string>(patch.$retainKeys);
    for (const k of Object.keys(result)) if (!keep.has(k)) delete result[k];
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(result[field]) && Array.isArray(v)) result[field] = (result[field] as unknown[]).filter((x) => !v.some((d) => jsonEqual(d, x)));
      continue;
    }
    const here = join(at, k);
    if (v === null) delete result[k];
    else if (isPlainObject(v)) {
      const merged = mergeMap(isPlainObject(result[k]) ? result[k] : {}, v, table, here);
      if (merged === undefined) delete result[k];
      else result[k] = merged;
    } else if (Array.isArray(v)) result[k] = mergeList(Array.isArray(result[k]) ? result[k] : [], v, table, here);
    else result[k] = v;
  }
  return result;
}

function mergeList(original: unknown[], patch: unknown[], table: MergeKeyTable, at: string): unknown[] {
  const rule = table[at];
  if (patch.some((p) => isPlainObject(p) && p.$patch === 'replace')) {
    return stripDirectives(patch.filter((p) => !(isPlainObject(p) && p.$patch === 'replace'))) as unknown[];
  }
  if (rule === 'primitive-merge') {
    const out = [...original];
    for (const p of patch) if (!out.some((o) => jsonEqual(o, p))) out.push(p);
    return out;
  }
  if (!rule) return stripDirectives(patch) as unknown[];
  const key = rule.key;
  const out: unknown[] = original.map((o) => clone(o));
  for (const p of patch) {
    if (!isPlainObject(p)) throw new StrategicMergeError(`merging an object in json but data type is not map, orig is ${JSON.stringify(p)}`);
    if (!(key in p)) throw new StrategicMergeError(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
    const idx = out.findIndex((o) => isPlainObject(o) && jsonEqual(o[key], p[key]));
    if (p.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) {
      const merged = mergeMap(out[idx] as Obj, p, table, `${at}[]`);
      if (merged === undefined) out.splice(idx, 1);
      else out[idx] = merged;
    } else out.push(stripDirectives(p));
  }
  return out;
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (isPlainObject(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) if (!k.startsWith('$')) out[k] = stripDirectives(v);
    return out;
  }
  return value;
}
