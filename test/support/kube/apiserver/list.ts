/**
 * LIST semantics of kube-apiserver over the double's store: label and
 * field selectors (400 on syntax errors or unsupported field labels),
 * resourceVersion / resourceVersionMatch (a revision newer than the store's
 * is "Too large resource version", 504, as the watch cache answers after
 * waiting), and chunking with limit/continue: the first page freezes a
 * consistent snapshot, later pages read from it, the token carries the
 * snapshot's revision and the last key (as storage/etcd3's continue tokens
 * do), and a token whose snapshot was compacted away is 410 Expired.
 * Items are the store's frozen objects, shared, never copies: the caller
 * serializes them (or copies what it needs to change).
 */
import { badRequest, expired, makeStatus, StatusError, StatusReason } from '../api/status.js';
import type { Obj } from '../lib/json.js';
import { keyOfKind, type KindDef } from '../kinds/kind.js';
import { COMMON_FIELDS, FieldSelectorError, matchesFields, parseFieldSelector } from '../selectors/field-selector.js';
import { matchesLabels, parseLabelSelector, SelectorParseError } from '../selectors/label-selector.js';
import type { Store } from '../store/store.js';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListResult {
  items: Obj[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export type Matcher = (obj: Obj) => boolean;

export function buildMatcher(kind: KindDef, labelSelector = '', fieldSelector = ''): Matcher {
  try {
    const labels = parseLabelSelector(labelSelector);
    const supported = { ...COMMON_FIELDS, ...(kind.fieldSelectors ?? {}) };
    const fields = parseFieldSelector(fieldSelector, supported);
    return (obj) => matchesLabels(labels, obj.metadata?.labels) && matchesFields(fields, obj, supported);
  } catch (e) {
    if (e instanceof SelectorParseError || e instanceof FieldSelectorError) throw badRequest(e.message);
    throw e;
  }
}

export const CONTINUE_EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export function tooLargeResourceVersion(requested: number, current: number): StatusError {
  return new StatusError(
    makeStatus(504, StatusReason.Timeout, `Too large resource version: ${requested}, current: ${current}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    }),
    { 'Retry-After': '1' },
  );
}

interface Snapshot {
  items: Obj[];
  revision: number;
}

export class Lister {
  private snapshots = new Map<string, Snapshot>();
  private nextId = 1;

  constructor(private readonly store: Store) {}

  /** Forget frozen snapshots (compaction): outstanding continue tokens become 410. */
  compact(): void {
    this.snapshots.clear();
  }

  list(kind: KindDef, namespace: string | undefined, opts: ListOptions): ListResult {
    const matcher = buildMatcher(kind, opts.labelSelector, opts.fieldSelector);
    const current = this.store.currentRevision;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : undefined;
    let items: Obj[];
    let revision: number;
    let offset = 0;
    let snapshotId: string;
    if (opts.continue) {
      if (opts.resourceVersion) throw badRequest('specifying resource version is not allowed when using continue');
      const token = parseContinue(opts.continue);
      const snap = this.snapshots.get(token.id);
      if (!snap || token.rv < this.store.oldestResumable) throw expired(CONTINUE_EXPIRED_MESSAGE);
      items = snap.items;
      revision = snap.revision;
      offset = token.offset;
      snapshotId = token.id;
    } else {
      if (opts.resourceVersion && opts.resourceVersion !== '0') {
        const rv = Number(opts.resourceVersion);
        if (!Number.isInteger(rv) || rv < 0) throw badRequest(`resourceVersion: Invalid value: ${JSON.stringify(opts.resourceVersion)}: must be an integer`);
        if (rv > current) throw tooLargeResourceVersion(rv, current);
        if (opts.resourceVersionMatch === 'Exact' && rv !== current) throw expired(`too old resource version: ${rv} (${current})`);
      }
      // the stored objects are frozen: a snapshot of them stays consistent without copying
      items = this.store.scan(keyOfKind(kind), namespace).filter(matcher);
      revision = current;
      snapshotId = String(this.nextId++);
    }
    if (!limit || offset + limit >= items.length) {
      if (opts.continue) this.snapshots.delete(snapshotId);
      return { items: items.slice(offset), resourceVersion: String(revision) };
    }
    this.snapshots.set(snapshotId, { items, revision });
    const next = offset + limit;
    const result: ListResult = {
      items: items.slice(offset, next),
      resourceVersion: String(revision),
      continue: encodeContinue({ id: snapshotId, rv: revision, offset: next, start: keyOf(items[next - 1]) }),
    };
    if (!opts.labelSelector && !opts.fieldSelector) result.remainingItemCount = items.length - next;
    return result;
  }
}

const keyOf = (o: Obj | undefined): string => `${o?.metadata?.namespace ?? ''}/${o?.metadata?.name ?? ''}\u0000`;

interface ContinueToken {
  id: string;
  rv: number;
  offset: number;
  start: string;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: t.start, id: t.id, offset: t.offset })).toString('base64url');
}

function parseContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.id !== 'string' || typeof t.offset !== 'number') throw new Error('bad');
    return { id: t.id, rv: t.rv, offset: t.offset, start: String(t.start) };
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}
