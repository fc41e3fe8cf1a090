/**
 * Pure: which instance sets to keep running. Every release in the traffic
 * table keeps its set, whatever its weight (weight 0 is a release being
 * rolled out, ready before it gets traffic); so do the sets of the
 * `warmCount` most recent earlier releases that went live, so rolling back
 * to them only moves traffic. Every other instance set is retired (after
 * draining).
 */
import type { TrafficShare } from '../store/store.js';
import type { Release } from '../store/types.js';

export function instanceSetsToKeep(releases: Release[], traffic: TrafficShare[], warmCount: number): Set<number> {
  const runsOn = new Map(releases.map((r) => [r.version, r.runsOn]));
  const keep = new Set<number>();
  for (const share of traffic) keep.add(runsOn.get(share.version) ?? share.version);
  const newestServing = Math.max(0, ...traffic.filter((s) => s.weight > 0).map((s) => s.version));
  let warm = 0;
  for (const release of [...releases].sort((a, b) => b.version - a.version)) {
    if (warm >= warmCount) break;
    if (release.version >= newestServing || release.status !== 'succeeded' || keep.has(release.runsOn)) continue;
    keep.add(release.runsOn);
    warm++;
  }
  return keep;
}
