/**
 * Pure: what the router should do for one app, from what the store says
 * (traffic shares, which release runs on whose instances) and what the
 * runtime reports (instances, and which of them pass readiness).
 */
import type { AppRoute, ReleaseRoute } from '../../router/route-table.js';
import type { Instance } from '../runtime/runtime.js';
import type { TrafficShare } from '../store/store.js';

export interface AppRouteInput {
  app: string;
  traffic: TrafficShare[];
  /** release version ▶ version whose instances serve it */
  runsOn: ReadonlyMap<number, number>;
  /** Web instances of the app's sets. */
  instances: Instance[];
}

export function buildAppRoute(input: AppRouteInput): AppRoute {
  const releases: ReleaseRoute[] = input.traffic
    .filter((share) => share.weight > 0)
    .map((share) => {
      const servedBy = input.runsOn.get(share.version) ?? share.version;
      const endpoints = input.instances
        .filter((i) => i.release === servedBy && i.process === 'web' && i.endpoint && i.state === 'running' && i.ready)
        .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))
        .map((i) => ({ id: i.id, host: i.endpoint!.host, port: i.endpoint!.port }));
      return { release: share.version, weight: share.weight, endpoints };
    });
  return { app: input.app, releases };
}
