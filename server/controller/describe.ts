/** Pure: the human descriptions releases carry in `paas releases`. */

export function describeConfigChange(set: string[], unset: string[]): string {
  const parts: string[] = [];
  if (set.length > 0) parts.push(`Set ${set.join(', ')}`);
  if (unset.length > 0) parts.push(`${parts.length > 0 ? 'unset' : 'Unset'} ${unset.join(', ')}`);
  return parts.join('; ');
}

export function describeDeploy(commit: string): string {
  return `Deploy ${commit.slice(0, 7)}`;
}

export function describeRollback(target: number): string {
  return `Rollback to v${target}`;
}

/** Instances wanted per process type: web defaults to 1, others to 0 (Heroku's default formation). */
export function instanceCounts(processTypes: Record<string, string>, formation: Record<string, number>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of Object.keys(processTypes)) {
    if (type === 'release') continue;
    counts[type] = formation[type] ?? (type === 'web' ? 1 : 0);
  }
  return counts;
}
