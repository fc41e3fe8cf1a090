/**
 * The scale subresource (autoscaling/v1 Scale) of Deployments and
 * ReplicaSets, as pkg/registry/apps/deployment/storage ScaleREST serves it:
 * GET builds a Scale from the object (spec.replicas, status.replicas and
 * the selector as a string); PUT and PATCH change only spec.replicas, with
 * the Scale's resourceVersion as the optimistic-concurrency precondition.
 */
import { badRequest, conflict, invalid, notFound, OPTIMISTIC_LOCK_MESSAGE } from '../api/status.js';
import { fieldError } from '../api/field-errors.js';
import { isPlainObject, type Obj } from '../lib/json.js';
import type { ApiServer } from '../apiserver/api-server.js';
import { groupResource, type KindDef } from '../kinds/kind.js';
import { applyJsonPatch, JsonPatchError } from '../patch/json-patch.js';
import { applyMergePatch } from '../patch/merge-patch.js';
import { PatchType } from '../apiserver/patching.js';

export function scaleOf(kind: KindDef, obj: Obj): Obj {
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector: kind.scale?.selector(obj) ?? '' },
  };
}

function current(api: ApiServer, kind: KindDef, namespace: string, name: string): Obj {
  const obj = api.tryGet(kind, namespace, name);
  if (!obj) throw notFound(groupResource(kind), name);
  return obj;
}

export function getScale(api: ApiServer, kind: KindDef, namespace: string, name: string): Obj {
  return scaleOf(kind, current(api, kind, namespace, name));
}

export function updateScale(api: ApiServer, kind: KindDef, namespace: string, name: string, body: unknown): Obj {
  const obj = current(api, kind, namespace, name);
  if (!isPlainObject(body)) throw badRequest('the object provided is unrecognized (must be of type Scale)');
  if ((body.apiVersion ?? 'autoscaling/v1') !== 'autoscaling/v1' || (body.kind ?? 'Scale') !== 'Scale') {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (autoscaling/v1)`);
  }
  const rv = body.metadata?.resourceVersion;
  if (rv && rv !== obj.metadata.resourceVersion) throw conflict(groupResource(kind), name, OPTIMISTIC_LOCK_MESSAGE);
  const replicas = body.spec?.replicas ?? 0;
  if (!Number.isInteger(replicas)) throw badRequest(`Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${typeof replicas} into Go struct field ScaleSpec.spec.replicas of type int32`);
  if (replicas < 0) throw invalid({ group: 'autoscaling', kind: 'Scale' }, name, [fieldError.invalid('spec.replicas', replicas, 'must be greater than or equal to 0')]);
  const updated = api.update(kind, namespace, name, { ...obj, spec: { ...obj.spec, replicas } });
  return scaleOf(kind, updated);
}

export function patchScale(api: ApiServer, kind: KindDef, namespace: string, name: string, contentType: string, raw: string): Obj {
  const scale = getScale(api, kind, namespace, name);
  const type = contentType.split(';')[0]?.trim() ?? '';
  let patch: unknown;
  try {
    patch = JSON.parse(raw);
  } catch (e) {
    throw badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  let patched: unknown;
  try {
    if (type === PatchType.Json) patched = applyJsonPatch(scale, patch);
    else if (type === PatchType.Merge || type === PatchType.StrategicMerge) patched = applyMergePatch(scale, patch);
    else throw badRequest(`unsupported patch type ${type}`);
  } catch (e) {
    if (e instanceof JsonPatchError) throw e.malformed ? badRequest(e.message) : invalid({ group: '', kind: '' }, '', []);
    throw e;
  }
  return updateScale(api, kind, namespace, name, patched);
}
