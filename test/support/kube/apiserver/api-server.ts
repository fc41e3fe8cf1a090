/**
 * The double's kube-apiserver minus HTTP: the generic registry store of
 * k8s.io/apiserver pkg/registry/generic/registry/store.go driven by each
 * kind's strategy. HTTP handlers and the in-process controllers both write
 * through here, so an object a controller creates is defaulted, admitted
 * and validated exactly like one a client sends, and every write bumps the
 * global revision and reaches the watches.
 *
 * Create: decode, default, admit, BeforeCreate (uid, creationTimestamp,
 * generation, generateName, PrepareForCreate), validate (422 with every
 * cause), AlreadyExists (409). Update: NotFound (404), optimistic
 * concurrency on metadata.resourceVersion (409 "the object has been
 * modified"), BeforeUpdate (system fields kept, PrepareForUpdate,
 * immutable checks), generation bump, no-op updates write nothing.
 */
import { alreadyExists, badRequest, conflict, invalid, notFound, OPTIMISTIC_LOCK_MESSAGE, type Status } from '../api/status.js';
import type { FieldError } from '../api/field-errors.js';
import { clone, jsonEqual, semanticEqual, type Obj } from '../lib/json.js';
import { newUid, randomSuffix } from '../lib/random.js';
import { metaTime } from '../lib/time.js';
import { apiVersionOf, groupResource, keyOfKind, type KindContext, type KindDef, type Registry } from '../kinds/kind.js';
import type { Store } from '../store/store.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../validation/object-meta.js';
import { admitNamespaceLifecycle, admitPodDefaults, admitServiceAccount } from './admission.js';
import { decodeObject, mergeFieldErrors, type DecodeMode } from './decode.js';
import { deleteCollection, deleteObject, removeIfFinished, type DeleteOptions, type DeleteResult } from './deletion.js';
import { Lister, type ListOptions } from './list.js';
import { applyPatchBody } from './patching.js';

export interface WriteOptions {
  dryRun?: boolean;
  subresource?: 'status';
  /** Answers SelfSubjectAccessReviews with the requester's permissions. */
  authorize?: (attributes: Obj) => { allowed: boolean; reason: string };
}

export interface ApiList {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: Obj[];
}

export class ApiServer {
  readonly lister: Lister;

  constructor(
    readonly store: Store,
    readonly registry: Registry,
    readonly kindCtx: KindContext,
  ) {
    this.lister = new Lister(store);
  }

  /** A kind by resource name ("deployments", "pods"); throws for unknown names (programming errors). */
  kind(resource: string): KindDef {
    const k = this.registry.byName(resource);
    if (!k) throw new Error(`kube double: no kind serves resource ${resource}`);
    return k;
  }

  /** What the wire shows for a stored object. */
  encode(kind: KindDef, obj: Obj): Obj {
    return kind.encode ? kind.encode(obj) : obj;
  }

  tryGet(kind: KindDef, namespace: string | undefined, name: string): Obj | undefined {
    return this.store.get(keyOfKind(kind), kind.namespaced ? namespace : undefined, name);
  }

  get(kind: KindDef, namespace: string | undefined, name: string): Obj {
    const obj = this.tryGet(kind, namespace, name);
    if (!obj) throw notFound(groupResource(kind), name);
    return this.encode(kind, obj);
  }

  list(kind: KindDef, namespace: string | undefined, opts: ListOptions = {}): ApiList {
    const result = this.lister.list(kind, kind.namespaced ? namespace : undefined, opts);
    const metadata: ApiList['metadata'] = { resourceVersion: result.resourceVersion };
    if (result.continue) metadata.continue = result.continue;
    if (result.remainingItemCount !== undefined) metadata.remainingItemCount = result.remainingItemCount;
    const items = result.items.map((o) => {
      const e = { ...this.encode(kind, o) };
      // list items carry no apiVersion/kind on the wire (the List does)
      delete e.apiVersion;
      delete e.kind;
      return e;
    });
    return { kind: `${kind.kind}List`, apiVersion: apiVersionOf(kind), metadata, items };
  }

  create(kind: KindDef, namespace: string | undefined, body: unknown, opts: WriteOptions = {}): Obj {
    const { object: obj, schemaErrors } = decodeObject(kind, body, 'create');
    const meta = obj.metadata;
    if (kind.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      meta.namespace = meta.namespace || namespace;
    } else delete meta.namespace;
    if (kind.virtualCreate) {
      const errs = mergeFieldErrors(kind.validate?.(obj, this.kindCtx) ?? [], schemaErrors);
      if (errs.length) throw invalid({ group: kind.group, kind: kind.kind }, meta.name ?? '', errs);
      return kind.virtualCreate(obj, { authorize: opts.authorize ?? (() => ({ allowed: true, reason: '' })) });
    }
    if (meta.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
    kind.defaults?.(obj);
    if (kind.namespaced && meta.namespace) admitNamespaceLifecycle(this.store, kind, meta.namespace, meta.name ?? '');
    if (kind.resource === 'pods' && kind.group === '' && meta.namespace) {
      admitServiceAccount(this.store, obj);
      admitPodDefaults(obj);
    }

    for (let attempt = 0; ; attempt++) {
      const candidate = clone(obj);
      const m = candidate.metadata;
      if (!m.name && m.generateName) m.name = `${m.generateName}${randomSuffix(5)}`;
      m.uid = newUid();
      m.creationTimestamp = metaTime(this.kindCtx.now());
      delete m.deletionTimestamp;
      delete m.deletionGracePeriodSeconds;
      delete m.managedFields;
      delete m.selfLink;
      if (kind.generation) m.generation = 1;
      else delete m.generation;
      kind.prepareForCreate?.(candidate, this.kindCtx);
      try {
        const errs = mergeFieldErrors(
          [...validateObjectMeta(m, { namespaced: kind.namespaced, nameValidator: kind.nameValidator }), ...(kind.validate?.(candidate, this.kindCtx) ?? [])],
          schemaErrors,
        );
        if (errs.length) throw invalid({ group: kind.group, kind: kind.kind }, m.name ?? '', errs);
        if (this.store.has(keyOfKind(kind), m.namespace, m.name)) {
          if (!obj.metadata.name && obj.metadata.generateName && attempt < 8) {
            kind.afterRemove?.(candidate, this.kindCtx);
            continue;
          }
          throw alreadyExists(groupResource(kind), m.name);
        }
      } catch (e) {
        kind.afterRemove?.(candidate, this.kindCtx);
        throw e;
      }
      if (opts.dryRun) {
        kind.afterRemove?.(candidate, this.kindCtx);
        return this.encode(kind, candidate);
      }
      return this.encode(kind, this.store.create(keyOfKind(kind), candidate));
    }
  }

  update(kind: KindDef, namespace: string | undefined, name: string, body: unknown, opts: WriteOptions = {}): Obj {
    const { object, schemaErrors } = decodeObject(kind, body, 'update');
    if (object.metadata.name && object.metadata.name !== name) throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`);
    if (kind.namespaced && object.metadata.namespace && namespace && object.metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    object.metadata.name = name;
    if (kind.namespaced) object.metadata.namespace = namespace;
    const old = this.tryGet(kind, namespace, name);
    if (!old) {
      if (kind.allowCreateOnUpdate && !opts.subresource) return this.create(kind, namespace, body, opts);
      throw notFound(groupResource(kind), name);
    }
    return this.commitUpdate(kind, old, object, schemaErrors, opts);
  }

  patch(kind: KindDef, namespace: string | undefined, name: string, contentType: string, rawPatch: string, opts: WriteOptions = {}): Obj {
    const old = this.tryGet(kind, namespace, name);
    if (!old) throw notFound(groupResource(kind), name);
    const patched = applyPatchBody(kind, old, contentType, rawPatch);
    const { object, schemaErrors } = decodeObject(kind, patched, 'patch' satisfies DecodeMode);
    return this.commitUpdate(kind, old, object, schemaErrors, opts);
  }

  /** BeforeUpdate + validation + the write, shared by PUT, PATCH and the controllers. */
  private commitUpdate(kind: KindDef, old: Obj, incoming: Obj, schemaErrors: FieldError[], opts: WriteOptions): Obj {
    const rv = incoming.metadata.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw conflict(groupResource(kind), old.metadata.name, OPTIMISTIC_LOCK_MESSAGE);
    kind.defaults?.(incoming);
    let obj: Obj;
    if (opts.subresource === 'status') {
      obj = clone(old);
      obj.status = incoming.status;
      for (const f of kind.statusWritableMetadata ?? []) {
        if (incoming.metadata[f] === undefined) delete obj.metadata[f];
        else obj.metadata[f] = incoming.metadata[f];
      }
    } else {
      obj = incoming;
      if (kind.status) obj.status = clone(old.status);
      const m = obj.metadata;
      const o = old.metadata;
      m.uid ||= o.uid;
      m.creationTimestamp = o.creationTimestamp;
      if (o.deletionTimestamp) m.deletionTimestamp = o.deletionTimestamp;
      if (o.deletionGracePeriodSeconds !== undefined && m.deletionGracePeriodSeconds === undefined) m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
      if (o.generation !== undefined) m.generation = o.generation;
      else delete m.generation;
      delete m.managedFields;
      delete m.selfLink;
      kind.prepareForUpdate?.(obj, old, this.kindCtx);
    }
    obj.metadata.resourceVersion = old.metadata.resourceVersion;
    const errs = mergeFieldErrors(
      [
        ...validateObjectMetaUpdate(obj.metadata, old.metadata),
        ...validateObjectMeta(obj.metadata, { namespaced: kind.namespaced, nameValidator: kind.nameValidator }),
        ...(opts.subresource ? [] : [...(kind.validate?.(obj, this.kindCtx) ?? []), ...(kind.validateUpdate?.(obj, old) ?? [])]),
      ],
      schemaErrors,
    );
    if (errs.length) throw invalid({ group: kind.group, kind: kind.kind }, old.metadata.name, errs);
    if (kind.generation && !opts.subresource) {
      const changed = kind.generationChanged ? kind.generationChanged(obj, old) : !semanticEqual(obj.spec, old.spec);
      if (changed) obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    if (jsonEqual(obj, old)) return this.encode(kind, old);
    if (opts.dryRun) return this.encode(kind, obj);
    const stored = this.store.update(keyOfKind(kind), obj);
    return this.encode(kind, removeIfFinished(this, kind, stored) ?? stored);
  }

  /**
   * A write with its own REST logic upstream, done by the component that
   * owns it: pods/binding (spec.nodeName + PodScheduled, BindingREST in
   * pkg/registry/core/pod/storage) and namespaces/finalize. No strategy runs.
   */
  writeInternal(kind: KindDef, obj: Obj): Obj {
    const stored = this.store.update(keyOfKind(kind), obj);
    return removeIfFinished(this, kind, stored) ?? stored;
  }

  delete(kind: KindDef, namespace: string | undefined, name: string, opts: DeleteOptions = {}): DeleteResult {
    return deleteObject(this, kind, kind.namespaced ? namespace : undefined, name, opts);
  }

  deleteCollection(kind: KindDef, namespace: string | undefined, listOpts: ListOptions, opts: DeleteOptions = {}): ApiList {
    return deleteCollection(this, kind, kind.namespaced ? namespace : undefined, listOpts, opts);
  }
}

export type { DeleteOptions, DeleteResult, Status };
