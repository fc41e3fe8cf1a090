/**
 * releases, releases:info, releases:rollback: the app's audit log of what
 * ran (DESIGN.md decision 3), and moving back to an earlier release.
 *
 * A rollback makes a new release with the target's image and config; when
 * the target's instances are still warm it only moves traffic. The message
 * says which of the two happened, how long it took, and how to undo it
 * (heroku/cli releases/rollback.ts).
 */
import type { Release, RollbackResult } from '../api-types.js';
import type { Command } from '../context.js';
import { booleanFlag } from '../context.js';
import { formatElapsed } from '../duration.js';
import { usageError } from '../errors.js';
import { formatDate, heading, json, keyValues, table } from '../format.js';

/** `v3` or `3` ▶ 3. */
export function parseReleaseVersion(text: string): number {
  const match = /^v?(\d{1,9})$/i.exec(text.trim());
  const version = match ? Number(match[1]) : 0;
  if (version < 1) throw usageError(`"${text.slice(0, 20)}" is not a release version`, 'Write it like v3 or 3; see them with: paas releases');
  return version;
}

/** "100%", "25%", "warm" (no traffic, instances running: an instant rollback target) or "". */
export function trafficLabel(release: Release): string {
  if (release.traffic > 0) return `${release.traffic}%`;
  return release.warm ? 'warm' : '';
}

export function releasesTable(releases: readonly Release[]): string {
  return table(releases, [
    { header: 'Version', value: (r) => `v${r.version}` },
    { header: 'Description', value: (r) => r.description },
    { header: 'By', value: (r) => r.createdBy },
    { header: 'Created', value: (r) => formatDate(r.createdAt) },
    { header: 'Status', value: (r) => r.status },
    { header: 'Traffic', value: (r) => trafficLabel(r) },
  ]);
}

export function releaseInfo(app: string, release: Release): string {
  const pairs: [string, string][] = [
    ['Version', `v${release.version}`],
    ['Description', release.description],
    ['Status', release.status],
  ];
  if (release.error) pairs.push(['Error', release.error]);
  pairs.push(['By', release.createdBy], ['Created', formatDate(release.createdAt)]);
  pairs.push(['Traffic', trafficLabel(release) || '0%']);
  if (release.runsOn !== release.version) pairs.push(['Runs on', `v${release.runsOn}'s instances (warm rollback)`]);
  if (release.image) pairs.push(['Image', release.image]);
  if (release.digest) pairs.push(['Digest', release.digest]);
  if (release.buildId) pairs.push(['Build', release.buildId]);
  if (release.processTypes.length > 0) pairs.push(['Process types', release.processTypes.join(', ')]);
  if (release.configKeys) pairs.push(['Config vars', release.configKeys.length > 0 ? release.configKeys.join(', ') : '(none)']);
  if (release.ranReleasePhase) pairs.push(['Release phase', 'ran (its data changes are not undone by a rollback)']);
  return heading(`${app} v${release.version}`) + keyValues(pairs);
}

/** What a rollback did and how to undo it; warnings apart, for stderr. */
export function rollbackMessage(app: string, result: RollbackResult): { done: string; warnings: string[]; undo: string } {
  const took = formatElapsed(result.durationMs);
  const how = result.warm
    ? `traffic moved to warm instances in ${took}`
    : `started v${result.target}'s image${took ? ` in ${took}` : ''}`;
  return {
    done: `Rolled back ${app} to v${result.target} as v${result.release.version} (${how})`,
    warnings: result.warnings.map((w) => `Warning: ${w}`),
    undo: `To undo: paas releases:rollback v${result.previous} -a ${app}`,
  };
}

export const releases: Command = {
  name: 'releases',
  summary: "list an app's releases, newest first, with their share of traffic",
  description: 'Traffic shows each release\'s share of new requests; "warm" marks a release whose instances still run, so rolling back to it only moves traffic.',
  appScoped: true,
  json: true,
  async run(ctx) {
    const app = await ctx.resolveApp();
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(await ctx.api.listReleases(app)));
    const list = await ctx.api.listReleases(app);
    if (list.length === 0) {
      ctx.out.line(`${app} has no releases yet. Deploy with: git push ${ctx.remoteName} main`);
      return;
    }
    ctx.out.write(heading(`${app} Releases`));
    ctx.out.write(releasesTable(list));
  },
};

export const releasesInfo: Command = {
  name: 'releases:info',
  summary: 'show one release',
  usage: 'vN',
  args: { min: 1, max: 1 },
  appScoped: true,
  json: true,
  examples: ['paas releases:info v3', 'paas releases:info 3 --json'],
  async run(ctx) {
    const version = parseReleaseVersion(ctx.args[0]!);
    const app = await ctx.resolveApp();
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(await ctx.api.getRelease(app, version)));
    ctx.out.write(releaseInfo(app, await ctx.api.getRelease(app, version)));
  },
};

export const releasesRollback: Command = {
  name: 'releases:rollback',
  aliases: ['rollback'],
  summary: 'go back to an earlier release (makes a new release)',
  usage: '[vN]',
  description: [
    'Without vN, goes back to the last good release before the live one.',
    'The rollback is a new release with the image and config of vN. When vN\'s instances are still',
    'warm only traffic moves, in milliseconds; otherwise vN\'s image is started and must get ready first.',
  ].join('\n'),
  args: { min: 0, max: 1 },
  appScoped: true,
  json: true,
  examples: ['paas releases:rollback', 'paas releases:rollback v3 -a my-app'],
  async run(ctx) {
    const version = ctx.args[0] === undefined ? undefined : parseReleaseVersion(ctx.args[0]);
    const app = await ctx.resolveApp();
    const result = await ctx.api.rollback(app, version);
    const message = rollbackMessage(app, result);
    // Warnings go to stderr in both modes: with --json they are in the JSON too,
    // but a script's log should still show them.
    if (booleanFlag(ctx.flags, 'json')) {
      ctx.out.write(json(result));
      for (const warning of message.warnings) ctx.err.line(warning);
      return;
    }
    ctx.out.line(message.done);
    for (const warning of message.warnings) ctx.err.line(warning);
    ctx.out.line(message.undo);
  },
};

