/**
 * The route table: what the control plane tells the router, and the wire
 * format of the watch stream (`GET /v1/routes?watch=1`).
 *
 * The stream is newline-delimited JSON. It opens with the whole table, then
 * sends one line per app that changed, so a change costs the same with one
 * app or a thousand; a router that reconnects gets a fresh snapshot:
 *   {"type":"snapshot","revision":7,"routes":{"web":{…AppRoute…}}}
 *   {"type":"app","revision":8,"app":"web","route":{…AppRoute…}}   (null: the app is gone)
 * Revisions grow by one per change; a gap means the stream lost a line, and
 * the router reconnects for a new snapshot. A `{"type":"heartbeat"}` line is
 * sent every few seconds to keep the connection and detect dead peers.
 */
import type { CompiledApp } from './compiled-routes.js';

export interface RouteEndpoint {
  /** Instance id, for metrics and retries. */
  id: string;
  host: string;
  port: number;
}

export interface ReleaseRoute {
  /** Release number; the router answers `X-Paas-Release: v<release>`. */
  release: number;
  /** Share of new requests, 0-100. Weights of an app sum to 100. */
  weight: number;
  /** Ready endpoints only: the control plane gates on readiness. */
  endpoints: RouteEndpoint[];
}

export interface AppRoute {
  app: string;
  releases: ReleaseRoute[];
}

export type RouteTable = Record<string, AppRoute>;

export type RouteEvent =
  | { type: 'snapshot'; revision: number; routes: RouteTable }
  | { type: 'app'; revision: number; app: string; route: AppRoute | null }
  | { type: 'heartbeat' };

/**
 * Where the proxy finds an app's compiled route, once per request: the
 * holder in table-holder.ts, fed by the control plane directly or by the
 * watch client in the standalone router.
 */
export interface RouteTableSource {
  lookup(app: string): CompiledApp | undefined;
}
