/**
 * The route table: what the control plane tells the router, and the wire
 * format of the watch stream (`GET /v1/routes?watch=1`).
 *
 * The stream is newline-delimited JSON. Every line is a full snapshot, so a
 * router that reconnects or misses a line is correct after the next line:
 *   {"type":"snapshot","revision":7,"routes":{"web":{…AppRoute…}}}
 * A `{"type":"heartbeat"}` line is sent every few seconds to keep the
 * connection and detect dead peers.
 */

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
  | { type: 'heartbeat' };

/**
 * Where the proxy reads the current table, once per request. A plain holder
 * (table-holder.ts) in-process, fed by the control plane directly or by the
 * watch client in the standalone router. `get` must be cheap: the proxy
 * compares the returned object by identity to know when to recompile, so a
 * change is a new table object, never an edit of the current one.
 */
export interface RouteTableSource {
  get(): RouteTable;
}
