/**
 * WATCH as the apiserver's cacher serves it (storage/cacher/cache_watcher.go
 * and handlers/watch.go): a chunked application/json stream of
 * newline-delimited {type, object} events.
 * - resourceVersion unset or "0": synthetic ADDED events for the current
 *   state, then changes; "N": every change after N, replayed from history;
 *   N older than the history: HTTP 200, one ERROR event carrying a 410
 *   Expired Status ("too old resource version: N (M)"), then the stream
 *   ends; N in the future: 504 "Too large resource version".
 * - selectors are applied to both the old and the new object, so an object
 *   that stops matching is sent as DELETED (its last matching state) and
 *   one that starts matching as ADDED (cache_watcher.go convertToWatchEvent).
 * - allowWatchBookmarks: BOOKMARK events carrying only kind, apiVersion and
 *   metadata.resourceVersion, every bookmark interval.
 * - sendInitialEvents=true (WatchList): initial ADDED events end with a
 *   BOOKMARK annotated k8s.io/initial-events-end.
 * - timeoutSeconds: the stream ends cleanly after that long.
 */
import type { ServerResponse } from 'node:http';
import { badRequest, expired, invalid } from '../api/status.js';
import { fieldError } from '../api/field-errors.js';
import type { Obj } from '../lib/json.js';
import type { Timers } from '../lib/timers.js';
import type { ApiServer } from '../apiserver/api-server.js';
import { buildMatcher, tooLargeResourceVersion } from '../apiserver/list.js';
import { apiVersionOf, keyOfKind, type KindDef } from '../kinds/kind.js';
import type { StoreEvent } from '../store/store.js';
import { isTrue } from './request-info.js';

export interface WatchMatch {
  /** Resource name, e.g. "pods" or "deployments". */
  resource?: string;
  namespace?: string;
}

class WatchConnection {
  stalled = false;
  private buffer: string[] = [];
  closed = false;
  onClose: () => void = () => {};

  constructor(
    readonly kind: KindDef,
    readonly namespace: string | undefined,
    private readonly res: ServerResponse,
  ) {}

  matches(m: WatchMatch | undefined): boolean {
    return !m || ((m.resource === undefined || m.resource === this.kind.resource) && (m.namespace === undefined || m.namespace === this.namespace));
  }

  send(event: Obj, droppable = false): void {
    if (this.closed) return;
    const line = `${JSON.stringify(event)}\n`;
    if (this.stalled) {
      if (!droppable) this.buffer.push(line);
      return;
    }
    this.res.write(line);
  }

  resume(): void {
    this.stalled = false;
    for (const line of this.buffer.splice(0)) if (!this.closed) this.res.write(line);
  }

  /** Cuts the connection without the terminating chunk, as a crashed server or a broken network would. */
  drop(): void {
    if (this.closed) return;
    this.closed = true;
    this.res.socket?.destroy();
    this.onClose();
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.res.end();
    this.onClose();
  }
}

export class WatchHub {
  private readonly connections = new Set<WatchConnection>();

  add(c: WatchConnection): void {
    this.connections.add(c);
    const prev = c.onClose;
    c.onClose = () => {
      prev();
      this.connections.delete(c);
    };
  }

  get count(): number {
    return this.connections.size;
  }

  drop(match?: WatchMatch): void {
    for (const c of [...this.connections]) if (c.matches(match)) c.drop();
  }

  end(match?: WatchMatch): void {
    for (const c of [...this.connections]) if (c.matches(match)) c.end();
  }

  stall(match?: WatchMatch): void {
    for (const c of this.connections) if (c.matches(match)) c.stalled = true;
  }

  resume(): void {
    for (const c of this.connections) c.resume();
  }
}

export interface WatchContext {
  api: ApiServer;
  hub: WatchHub;
  timers: Timers;
  bookmarkIntervalMs: number;
}

export function serveWatch(ctx: WatchContext, kind: KindDef, namespace: string | undefined, url: URL, res: ServerResponse): void {
  const q = url.searchParams;
  const matcher = buildMatcher(kind, q.get('labelSelector') ?? '', q.get('fieldSelector') ?? '');
  const store = ctx.api.store;
  const rvParam = q.get('resourceVersion') ?? '';
  const bookmarks = isTrue(q.get('allowWatchBookmarks'));
  const sendInitial = q.get('sendInitialEvents');
  if (sendInitial !== null && (q.get('resourceVersionMatch') !== 'NotOlderThan' || !bookmarks)) {
    throw invalid({ group: 'meta.k8s.io', kind: 'ListOptions' }, '', [
      fieldError.forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled and resourceVersionMatch is set to NotOlderThan and allowWatchBookmarks is true'),
    ]);
  }
  const timeoutRaw = q.get('timeoutSeconds');
  const timeout = timeoutRaw === null ? 1800 + Math.random() * 1800 : Number(timeoutRaw);
  if (!Number.isFinite(timeout) || timeout < 0) throw badRequest(`timeoutSeconds: Invalid value: ${JSON.stringify(timeoutRaw)}`);

  let replay: StoreEvent[] = [];
  let expiredFrom: number | undefined;
  const initial = rvParam === '' || rvParam === '0' ? sendInitial !== 'false' : sendInitial === 'true';
  if (rvParam !== '' && rvParam !== '0') {
    const rv = Number(rvParam);
    if (!Number.isInteger(rv) || rv < 0) throw badRequest(`resourceVersion: Invalid value: ${JSON.stringify(rvParam)}: must be an integer`);
    if (rv > store.currentRevision) throw tooLargeResourceVersion(rv, store.currentRevision);
    const since = store.eventsSince(rv);
    if (since === 'expired') expiredFrom = rv;
    else if (!initial) replay = since;
  }

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const conn = new WatchConnection(kind, namespace, res);
  if (expiredFrom !== undefined) {
    conn.send({ type: 'ERROR', object: expired(`too old resource version: ${expiredFrom} (${store.oldestResumable})`).status });
    conn.end();
    return;
  }
  ctx.hub.add(conn);
  const resourceKey = keyOfKind(kind);
  const inScope = (o: Obj | undefined): boolean => !!o && (namespace === undefined || o.metadata?.namespace === namespace) && matcher(o);
  const encode = (o: Obj): Obj => ctx.api.encode(kind, o);

  const deliver = (ev: StoreEvent): void => {
    const now = ev.type === 'DELETED' ? false : inScope(ev.object);
    const before = ev.type === 'ADDED' ? false : inScope(ev.prevObject);
    if (ev.type === 'DELETED') {
      if (before) conn.send({ type: 'DELETED', object: encode(ev.object) });
      return;
    }
    if (now && before) conn.send({ type: 'MODIFIED', object: encode(ev.object) });
    else if (now) conn.send({ type: 'ADDED', object: encode(ev.object) });
    else if (before) {
      const last = { ...ev.prevObject, metadata: { ...ev.prevObject?.metadata, resourceVersion: String(ev.revision) } };
      conn.send({ type: 'DELETED', object: encode(last) });
    }
  };

  // replay (or initial state) and subscription happen in one synchronous step: nothing can slip between
  if (initial) {
    for (const o of store.scan(resourceKey, namespace)) if (matcher(o)) conn.send({ type: 'ADDED', object: encode(o) });
    if (sendInitial === 'true') {
      conn.send({ type: 'BOOKMARK', object: { kind: kind.kind, apiVersion: apiVersionOf(kind), metadata: { resourceVersion: String(store.currentRevision), annotations: { 'k8s.io/initial-events-end': 'true' } } } });
    }
  }
  // History holds every resource's events; live delivery is per resource (subscribe's key).
  for (const ev of replay) if (ev.resource === resourceKey) deliver(ev);
  const unsubscribe = store.subscribe(deliver, resourceKey);

  const stopBookmarks = bookmarks
    ? ctx.timers.every(ctx.bookmarkIntervalMs, () => conn.send({ type: 'BOOKMARK', object: { kind: kind.kind, apiVersion: apiVersionOf(kind), metadata: { resourceVersion: String(store.currentRevision) } } }, true))
    : () => {};
  let cancelTimeout = (): void => {};
  const armTimeout = (ms: number): void => {
    cancelTimeout = ctx.timers.after(ms, () => {
      if (conn.stalled) armTimeout(1000);
      else conn.end();
    });
  };
  armTimeout(timeout * 1000);
  const prevClose = conn.onClose;
  conn.onClose = () => {
    prevClose();
    unsubscribe();
    stopBookmarks();
    cancelTimeout();
  };
  // the response's close, not the request's: an IncomingMessage closes once its (empty) body is read
  res.on('close', () => {
    if (!conn.closed) {
      conn.closed = true;
      conn.onClose();
    }
  });
}
