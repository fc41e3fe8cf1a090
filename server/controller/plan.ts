/**
 * Pure: from an app's desired state (store) and observed state (runtime),
 * what must run and where requests go. The applier (applier.ts) carries the
 * plan out; this file decides, so the decisions are table-tested without a
 * runtime (knative's reconciler/route/resources split, STYLE.md "Shape").
 *
 * - Every release in the traffic table keeps its instance set; weight 0 is a
 *   release being rolled out, running and probed before it gets requests.
 * - The warm window keeps the sets of earlier good releases (warm.ts).
 * - Sets that serve or are being rolled out run the app's formation; warm
 *   sets keep the replicas they have (a rollback brings them to the formation
 *   by making them serve), and get the formation back when lost.
 * - Every other observed set of the app goes.
 * - The route lists the releases with weight > 0 and the ready web endpoints
 *   of the sets they run on.
 */
import type { AppRoute } from '../../router/route-table.js';
import type { InstanceSetSpec, ObservedSet, SetKey } from '../runtime/runtime.js';
import type { TrafficShare } from '../store/store.js';
import type { Formation, Release } from '../store/types.js';
import { instanceCounts } from './describe.js';
import { buildAppRoute } from './route-table.js';
import { instanceSetsToKeep } from './warm.js';

export interface AppDesired {
  app: string;
  healthcheckPath: string | null;
  traffic: TrafficShare[];
  /**
   * The release records the plan needs, by version: every release in the
   * traffic table, every warm candidate, and the releases whose instances
   * they run on.
   */
  releases: ReadonlyMap<number, Release>;
  /** Good releases older than the newest serving one, newest first. */
  warmCandidates: Release[];
  formation: Formation;
  warmReleases: number;
}

export interface AppPlan {
  /** Sets that must exist, with their replicas. */
  apply: InstanceSetSpec[];
  /** Observed sets that must go. */
  remove: SetKey[];
  /** What the router does for the app; undefined when nothing gets traffic. */
  route: AppRoute | undefined;
  /** The set in-cluster clients reach (the biggest share's). */
  live: number | undefined;
}

export function planApp(desired: AppDesired, observed: readonly ObservedSet[]): AppPlan {
  const runsOnOf = (version: number) => desired.releases.get(version)?.runsOn ?? version;
  const known = [...desired.releases.values()];
  const keep = instanceSetsToKeep([...known, ...desired.warmCandidates], desired.traffic, desired.warmReleases);
  const active = new Set(desired.traffic.map((share) => runsOnOf(share.version)));

  const apply: InstanceSetSpec[] = [];
  for (const label of [...keep].sort((a, b) => a - b)) {
    const base = desired.releases.get(label) ?? desired.warmCandidates.find((r) => r.version === label);
    if (!base?.image) continue;
    const counts = instanceCounts(base.processTypes, desired.formation);
    for (const [process, formationCount] of Object.entries(counts)) {
      const seen = observed.find((s) => s.release === label && s.process === process);
      const replicas = active.has(label) || !seen ? formationCount : seen.replicas;
      apply.push({
        app: desired.app,
        release: label,
        process,
        image: base.image,
        digest: base.digest,
        ...(base.processTypes[process] ? { command: base.processTypes[process] } : {}),
        env: base.config,
        replicas,
        healthcheckPath: desired.healthcheckPath,
      });
    }
  }

  const wanted = new Set(apply.map((s) => `${s.release}/${s.process}`));
  const remove = observed
    .filter((s) => !wanted.has(`${s.release}/${s.process}`))
    .map(({ app, release, process }) => ({ app, release, process }));

  const serving = desired.traffic.filter((share) => share.weight > 0);
  const route = serving.length === 0 ? undefined : buildAppRoute({
    app: desired.app,
    traffic: serving,
    runsOn: new Map(desired.traffic.map((share) => [share.version, runsOnOf(share.version)])),
    instances: observed.filter((s) => s.process === 'web').flatMap((s) => s.instances),
  });
  const top = [...serving].sort((a, b) => b.weight - a.weight || b.version - a.version)[0];
  return { apply, remove, route, live: top && runsOnOf(top.version) };
}

/** Removing an app: every observed set goes, nothing is routed. */
export function planRemoval(observed: readonly ObservedSet[]): AppPlan {
  return { apply: [], remove: observed.map(({ app, release, process }) => ({ app, release, process })), route: undefined, live: undefined };
}
