/**
 * JSON Merge Patch, RFC 7386 section 2: objects merge recursively, `null`
 * removes a member, anything else (arrays included) replaces.
 */
import { clone, isPlainObject } from '../lib/json.js';

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const result = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else result[k] = applyMergePatch(result[k], v);
  }
  return result;
}
