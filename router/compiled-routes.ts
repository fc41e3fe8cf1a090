/**
 * The route table as the proxy uses it: compiled once per table change into
 * objects that carry the balancing state, so choosing a release and an
 * endpoint costs a few comparisons and no allocation per request.
 *
 * Release choice is nginx's smooth weighted round robin
 * (nginx/src/http/ngx_http_upstream_round_robin.c, ngx_http_upstream_get_peer):
 * deterministic, spreads picks evenly (80/20 gives 4 of every 5 to the first,
 * never in long runs), and exact over any window of 100/gcd picks. Only
 * releases with an endpoint and a weight take part; if the ready releases all
 * weigh 0, any ready release is better than a 503, so plain round robin.
 *
 * Endpoint choice is round robin, skipping endpoints that recently refused a
 * connection (passive ejection) unless every endpoint of the release did.
 */
import type { MetricSeries } from './metrics.js';
import type { AppRoute, RouteEndpoint, RouteTable } from './route-table.js';

/** How long an endpoint that refused a connection is skipped, in ms. */
export const EJECT_MS = 1000;

export interface CompiledEndpoint {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** Clock reading (ms) before which this endpoint is skipped; 0 = healthy. */
  ejectedUntil: number;
}

export interface CompiledRelease {
  readonly release: number;
  /** The `X-Paas-Release` value, built once. */
  readonly label: string;
  readonly weight: number;
  readonly endpoints: readonly CompiledEndpoint[];
  /** Smooth weighted round robin state. */
  current: number;
  /** Next endpoint index for round robin. */
  cursor: number;
  /** The proxy's metrics series, filled on first use. */
  series: MetricSeries | undefined;
}

export interface CompiledApp {
  readonly app: string;
  /** Releases with at least one endpoint, in table order. */
  readonly ready: readonly CompiledRelease[];
  /** The ready releases with weight > 0. */
  readonly weighted: readonly CompiledRelease[];
  /** Round robin cursor for the all-weights-zero fallback. */
  cursor: number;
  /** Metrics series for responses where no release was chosen. */
  series: MetricSeries | undefined;
}

export type CompiledRoutes = ReadonlyMap<string, CompiledApp>;

export function releaseLabel(release: number): string {
  return `v${release}`;
}

export function compileRoutes(table: RouteTable): CompiledRoutes {
  const apps = new Map<string, CompiledApp>();
  for (const name of Object.keys(table)) {
    const route = table[name];
    if (route !== undefined) apps.set(name, compileApp(name, route));
  }
  return apps;
}

export function compileApp(name: string, route: AppRoute): CompiledApp {
  const ready: CompiledRelease[] = [];
  for (const release of route.releases) {
    if (release.endpoints.length === 0) continue;
    ready.push({
      release: release.release,
      label: releaseLabel(release.release),
      weight: Number.isFinite(release.weight) && release.weight > 0 ? release.weight : 0,
      endpoints: release.endpoints.map(compileEndpoint),
      current: 0,
      cursor: 0,
      series: undefined,
    });
  }
  return { app: name, ready, weighted: ready.filter((r) => r.weight > 0), cursor: 0, series: undefined };
}

function compileEndpoint(endpoint: RouteEndpoint): CompiledEndpoint {
  return { id: endpoint.id, host: endpoint.host, port: endpoint.port, ejectedUntil: 0 };
}

/** The release for a new request, or undefined when none has an endpoint. */
export function pickRelease(app: CompiledApp): CompiledRelease | undefined {
  const weighted = app.weighted;
  if (weighted.length === 1) return weighted[0];
  if (weighted.length > 1) {
    let total = 0;
    let best: CompiledRelease | undefined;
    for (let i = 0; i < weighted.length; i++) {
      const r = weighted[i]!;
      r.current += r.weight;
      total += r.weight;
      if (best === undefined || r.current > best.current) best = r;
    }
    best!.current -= total;
    return best;
  }
  const ready = app.ready;
  if (ready.length === 0) return undefined;
  const r = ready[app.cursor % ready.length];
  app.cursor = (app.cursor + 1) % ready.length;
  return r;
}

/** Round robin over the release's endpoints, skipping ejected ones if it can. */
export function pickEndpoint(release: CompiledRelease, now: number): CompiledEndpoint {
  const endpoints = release.endpoints;
  const n = endpoints.length;
  const start = release.cursor % n;
  for (let i = 0; i < n; i++) {
    const index = (start + i) % n;
    const endpoint = endpoints[index]!;
    if (endpoint.ejectedUntil <= now) {
      release.cursor = index + 1;
      return endpoint;
    }
  }
  release.cursor = start + 1;
  return endpoints[start]!;
}

export interface RetryTarget {
  release: CompiledRelease;
  endpoint: CompiledEndpoint;
}

/**
 * Another endpoint for a request whose attempt failed before any response:
 * first the same release's other endpoints, then the app's other ready
 * releases, never one already tried. Healthy endpoints are preferred.
 */
export function pickRetryTarget(
  app: CompiledApp,
  failed: CompiledRelease,
  tried: readonly CompiledEndpoint[],
  now: number,
): RetryTarget | undefined {
  let fallback: RetryTarget | undefined;
  const consider = (release: CompiledRelease): RetryTarget | undefined => {
    const endpoints = release.endpoints;
    const n = endpoints.length;
    for (let i = 0; i < n; i++) {
      const endpoint = endpoints[(release.cursor + i) % n]!;
      if (tried.includes(endpoint)) continue;
      if (endpoint.ejectedUntil <= now) return { release, endpoint };
      fallback ??= { release, endpoint };
    }
    return undefined;
  };
  const same = consider(failed);
  if (same !== undefined) return same;
  for (const release of app.ready) {
    if (release === failed) continue;
    const other = consider(release);
    if (other !== undefined) return other;
  }
  return fallback;
}
