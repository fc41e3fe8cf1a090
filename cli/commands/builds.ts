/**
 * builds, builds:info: what each `git push` built, and the build's log.
 * Build ids are UUIDs; tables show their first 8 characters, and
 * builds:info takes that short form too (a unique prefix of a recent build).
 */
import type { Build, BuildWithLog } from '../api-types.js';
import type { ApiClient } from '../api-client.js';
import type { Command } from '../context.js';
import { booleanFlag } from '../context.js';
import { formatElapsed } from '../duration.js';
import { CliError, usageError } from '../errors.js';
import { formatDate, heading, json, keyValues, table } from '../format.js';

const SHORT_ID = 8;
const SHORT_COMMIT = 7;
const FULL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const shortBuildId = (id: string): string => id.slice(0, SHORT_ID);
export const shortCommit = (sha: string): string => sha.slice(0, SHORT_COMMIT);

export function buildsTable(builds: readonly Build[]): string {
  return table(builds, [
    { header: 'ID', value: (b) => shortBuildId(b.id) },
    { header: 'Commit', value: (b) => shortCommit(b.commit) },
    { header: 'Status', value: (b) => b.status },
    { header: 'Duration', value: (b) => (b.durationMs === null ? '' : formatElapsed(b.durationMs)) },
    { header: 'By', value: (b) => b.createdBy },
    { header: 'Created', value: (b) => formatDate(b.createdAt) },
  ]);
}

export function buildInfo(app: string, build: BuildWithLog): string {
  const pairs: [string, string][] = [
    ['ID', build.id],
    ['Status', build.status],
    ['Commit', build.commit],
    ['By', build.createdBy],
    ['Created', formatDate(build.createdAt)],
    ['Duration', build.durationMs === null ? `(still ${build.status})` : formatElapsed(build.durationMs)],
  ];
  if (build.stack) pairs.push(['Stack', build.stack]);
  if (build.image) pairs.push(['Image', build.image]);
  if (build.digest) pairs.push(['Digest', build.digest]);
  if (build.processTypes.length > 0) pairs.push(['Process types', build.processTypes.join(', ')]);
  if (build.error) pairs.push(['Error', build.error]);
  // The log is shown as the builder wrote it (like `git push` shows it as
  // "remote:" lines), so a build's colours and progress survive.
  const log = build.log.length > 0 ? `${build.log.join('\n')}\n` : '(no log lines)\n';
  return `${heading(`${app} build ${shortBuildId(build.id)}`)}${keyValues(pairs)}\n${heading('Log')}${log}`;
}

/** A full id, or the unique recent build whose id starts with `given`. */
export async function resolveBuildId(api: ApiClient, app: string, given: string): Promise<string> {
  if (FULL_ID.test(given)) return given;
  if (!/^[0-9a-f-]{1,36}$/i.test(given)) {
    throw usageError(`"${given.slice(0, 40)}" is not a build id`, `Use the ID column of: paas builds -a ${app}`);
  }
  const matches = (await api.listBuilds(app)).filter((b) => b.id.toLowerCase().startsWith(given.toLowerCase()));
  if (matches.length === 1) return matches[0]!.id;
  if (matches.length === 0) {
    throw new CliError('BUILD_NOT_FOUND', `${app} has no recent build with an id starting ${given}`, { hint: `See them with: paas builds -a ${app}` });
  }
  throw usageError(`More than one build id starts with ${given}: ${matches.map((b) => shortBuildId(b.id)).join(', ')}`, 'Give more of the id.');
}

export const builds: Command = {
  name: 'builds',
  summary: "list an app's builds, newest first",
  appScoped: true,
  json: true,
  async run(ctx) {
    const app = await ctx.resolveApp();
    const list = await ctx.api.listBuilds(app);
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(list));
    if (list.length === 0) {
      ctx.out.line(`${app} has no builds yet. Deploy with: git push ${ctx.remoteName} main`);
      return;
    }
    ctx.out.write(heading(`${app} Builds`));
    ctx.out.write(buildsTable(list));
  },
};

export const buildsInfo: Command = {
  name: 'builds:info',
  summary: 'show a build and its log',
  usage: 'ID',
  description: 'ID is the build id, or its first characters as "paas builds" shows them.',
  args: { min: 1, max: 1 },
  appScoped: true,
  json: true,
  examples: ['paas builds:info 1a2b3c4d'],
  async run(ctx) {
    const app = await ctx.resolveApp();
    const build = await ctx.api.getBuild(app, await resolveBuildId(ctx.api, app, ctx.args[0]!));
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(build));
    ctx.out.write(buildInfo(app, build));
  },
};
