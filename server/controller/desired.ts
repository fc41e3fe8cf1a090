/**
 * Reads one app's desired state from the store for the planner. Every read
 * touches this app only and a bounded number of rows (the traffic table, the
 * releases it names, a short list of warm candidates), so converging one app
 * costs the same with 1 app or 1,000.
 */
import type { Store } from '../store/store.js';
import type { App, Release } from '../store/types.js';
import type { AppDesired } from './plan.js';

/** Candidates read per warm slot: enough to skip rollback releases that share instances. */
const CANDIDATES_PER_WARM_SLOT = 3;

export async function readDesired(store: Store, app: App, warmReleases: number): Promise<AppDesired> {
  const [traffic, formation] = await Promise.all([store.getTraffic(app.id), store.getFormation(app.id)]);
  const releases = new Map<number, Release>();
  const load = async (version: number) => {
    if (releases.has(version)) return;
    const release = await store.getRelease(app.id, version);
    if (release) releases.set(version, release);
  };
  for (const share of traffic) await load(share.version);
  const newestServing = Math.max(0, ...traffic.filter((s) => s.weight > 0).map((s) => s.version));
  const warmCandidates = warmReleases > 0 && newestServing > 0
    ? await store.listReleases(app.id, (warmReleases + traffic.length) * CANDIDATES_PER_WARM_SLOT, { before: newestServing, status: 'succeeded' })
    : [];
  for (const release of [...releases.values(), ...warmCandidates]) await load(release.runsOn);
  return { app: app.name, healthcheckPath: app.healthcheckPath, traffic, releases, warmCandidates, formation, warmReleases };
}
