/**
 * PATCH bodies by content type, as handlers/patch.go dispatches them:
 * application/json-patch+json (RFC 6902), application/merge-patch+json
 * (RFC 7386), application/strategic-merge-patch+json (built-in kinds with
 * merge keys only; others get 415 as CRDs do). Server-side apply
 * (application/apply-patch+yaml) is not implemented and says so with a 415
 * instead of pretending. Error codes follow upstream: an unparsable patch
 * is 400, a JSON patch that does not apply is a bare 422 Invalid ("the
 * server rejected our request due to an error in our request", from
 * NewGenericServerResponse), a failed `test` op included.
 */
import { badRequest, makeStatus, StatusError, StatusReason, unsupportedMediaType } from '../api/status.js';
import type { Obj } from '../lib/json.js';
import type { KindDef } from '../kinds/kind.js';
import { applyJsonPatch, JsonPatchError } from '../patch/json-patch.js';
import { applyMergePatch } from '../patch/merge-patch.js';
import { applyStrategicMergePatch, StrategicMergeError } from '../patch/strategic-merge.js';

export const PatchType = {
  Json: 'application/json-patch+json',
  Merge: 'application/merge-patch+json',
  StrategicMerge: 'application/strategic-merge-patch+json',
  Apply: 'application/apply-patch+yaml',
} as const;

function supported(kind: KindDef): string[] {
  return kind.mergeKeys ? [PatchType.Json, PatchType.Merge, PatchType.StrategicMerge] : [PatchType.Json, PatchType.Merge];
}

function parse(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw badRequest(`error decoding patch: ${(e as Error).message}`);
  }
}

export function applyPatchBody(kind: KindDef, current: Obj, contentType: string, raw: string): unknown {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === PatchType.Apply) {
    throw unsupportedMediaType(supported(kind), ' (server-side apply is not implemented by the Kubernetes API double)');
  }
  if (!supported(kind).includes(type)) throw unsupportedMediaType(supported(kind));
  const patch = parse(raw);
  try {
    if (type === PatchType.Json) return applyJsonPatch(current, patch);
    if (type === PatchType.Merge) {
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
      return applyMergePatch(current, patch);
    }
    return applyStrategicMergePatch(current, patch, kind.mergeKeys ?? {});
  } catch (e) {
    if (e instanceof JsonPatchError) {
      if (e.malformed) throw badRequest(e.message);
      throw new StatusError(makeStatus(422, StatusReason.Invalid, 'the server rejected our request due to an error in our request', {}));
    }
    if (e instanceof StrategicMergeError) throw badRequest(e.message);
    throw e;
  }
}
