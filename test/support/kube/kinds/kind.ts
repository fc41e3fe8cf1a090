/**
 * The registry of kinds the double serves. Each kind is one `KindDef`:
 * its REST identity (group, version, resource, scope), the schema model it
 * validates against, and the strategy hooks kube-apiserver keeps per
 * resource in pkg/registry/<group>/<resource>/strategy.go (defaulting,
 * PrepareForCreate/Update, Validate/ValidateUpdate, generation rules,
 * graceful deletion, field selectors). Adding a kind (say
 * gateway.networking.k8s.io/v1 HTTPRoute with its own validator) is one
 * more `KindDef` passed to `Registry`.
 */
import type { FieldError } from '../api/field-errors.js';
import type { Obj } from '../lib/json.js';
import type { MergeKeyTable } from '../patch/merge-keys.js';
import type { FieldGetter } from '../selectors/field-selector.js';
import type { Store } from '../store/store.js';
import type { NameValidator } from '../validation/names.js';
import type { ModelClass } from '../validation/schema.js';

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
export type Verb = (typeof ALL_VERBS)[number];

/** Services a strategy hook may use (allocators, lookups, the clock). */
export interface KindContext {
  now(): number;
  store: Store;
  registry: Registry;
  /** Allocates a ClusterIP (the requested one, or any); throws AllocationError. */
  allocateClusterIP(requested?: string): string;
  releaseClusterIP(ip: string): void;
  allocateNodePort(): number;
}

export interface DeleteRequest {
  gracePeriodSeconds?: number;
}

export interface ScaleSpec {
  /** The label selector string status.selector reports. */
  selector(obj: Obj): string;
}

export interface KindDef {
  group: string;
  version: string;
  kind: string;
  /** Plural resource name, as in the URL. */
  resource: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: readonly Verb[];
  /** kubernetes-models class whose compiled schema validates this kind; without one, unknown fields go undetected and validate() must catch them. */
  model?: ModelClass;
  nameValidator: NameValidator;
  /** Has a /status subresource: main-resource writes keep status, status writes keep the rest. */
  status?: boolean;
  /** Metadata a status write may change besides status (pods and deployments let annotations through). */
  statusWritableMetadata?: ('labels' | 'annotations')[];
  scale?: ScaleSpec;
  /** Serves pods/log. */
  log?: boolean;
  /** metadata.generation is maintained (1 at create, +1 when the spec changes). */
  generation?: boolean;
  /** Strategic merge patch support; kinds without it answer 415 like CRDs. */
  mergeKeys?: MergeKeyTable;
  fieldSelectors?: Record<string, FieldGetter>;
  /** DefaultGarbageCollectionPolicy: batch/v1 Jobs still orphan by default. */
  defaultPropagation?: 'Background' | 'Orphan';
  /** Store.ReturnDeletedObject: DELETE answers with the object rather than a Status. */
  returnDeletedObject?: boolean;
  /** Update of a missing object creates it (AllowCreateOnUpdate). */
  allowCreateOnUpdate?: boolean;

  /** Scheme defaulting (SetDefaults_*), applied on every decode. */
  defaults?(obj: Obj): void;
  prepareForCreate?(obj: Obj, ctx: KindContext): void;
  prepareForUpdate?(obj: Obj, old: Obj, ctx: KindContext): void;
  validate?(obj: Obj, ctx: KindContext): FieldError[];
  validateUpdate?(obj: Obj, old: Obj): FieldError[];
  /** Whether an update bumps metadata.generation; default: the spec changed. */
  generationChanged?(obj: Obj, old: Obj): boolean;
  /** Graceful deletion period (pods); undefined or 0 deletes at once. */
  gracePeriod?(obj: Obj, req: DeleteRequest): number;
  /** An object being deleted may only leave storage when this is true (namespaces wait for spec.finalizers). */
  canRemove?(obj: Obj): boolean;
  /** Called when the object leaves storage (release allocations). */
  afterRemove?(obj: Obj, ctx: KindContext): void;
  /** What the wire shows (e.g. empty non-omitempty lists come back as null after etcd's protobuf round trip). */
  encode?(obj: Obj): Obj;
  /** Kinds that are not stored (SelfSubjectAccessReview): create computes an answer. */
  virtualCreate?(obj: Obj, user: VirtualCreateContext): Obj;
}

export interface VirtualCreateContext {
  authorize(attributes: Obj): { allowed: boolean; reason: string };
}

export const apiVersionOf = (k: Pick<KindDef, 'group' | 'version'>): string => (k.group ? `${k.group}/${k.version}` : k.version);
export const keyOfKind = (k: Pick<KindDef, 'group' | 'resource'>): string => `${k.group}/${k.resource}`;
export const groupResource = (k: KindDef): { group: string; resource: string } => ({ group: k.group, resource: k.resource });

export class Registry {
  private readonly byResource = new Map<string, KindDef>();

  constructor(kinds: KindDef[]) {
    for (const k of kinds) this.register(k);
  }

  register(kind: KindDef): void {
    this.byResource.set(`${kind.group}/${kind.version}/${kind.resource}`, kind);
  }

  lookup(group: string, version: string, resource: string): KindDef | undefined {
    return this.byResource.get(`${group}/${version}/${resource}`);
  }

  /** By resource name alone (the double's own assertion helpers: "deployments", "pods"). */
  byName(resource: string): KindDef | undefined {
    for (const k of this.byResource.values()) if (k.resource === resource || `${k.resource}.${k.group}` === resource) return k;
    return undefined;
  }

  byKind(apiVersion: string, kind: string): KindDef | undefined {
    for (const k of this.byResource.values()) if (k.kind === kind && apiVersionOf(k) === apiVersion) return k;
    return undefined;
  }

  all(): KindDef[] {
    return [...this.byResource.values()];
  }

  groupVersions(): { group: string; version: string }[] {
    const seen = new Map<string, { group: string; version: string }>();
    for (const k of this.byResource.values()) seen.set(`${k.group}/${k.version}`, { group: k.group, version: k.version });
    return [...seen.values()];
  }
}
