/**
 * ps, ps:scale, ps:restart: an app's running instances, how many of each
 * process type it wants (the formation), and a rolling restart.
 */
import type { Formation, Instance } from '../api-types.js';
import type { Command } from '../context.js';
import { booleanFlag } from '../context.js';
import { formatSeconds } from '../duration.js';
import { usageError } from '../errors.js';
import { heading, json, plural, table } from '../format.js';

const SCALE_HINT = 'Usage: paas ps:scale TYPE=COUNT..., e.g. paas ps:scale web=2 worker=1';

/** `web=2 worker=0` ▶ `{ web: 2, worker: 0 }`; every mistake is a usage error naming the argument. */
export function parseScaleArgs(args: readonly string[]): Formation {
  const formation = new Map<string, number>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const shown = arg.length > 40 ? `${arg.slice(0, 40)}…` : arg;
    if (eq <= 0) throw usageError(`Expected TYPE=COUNT, got "${shown}"`, SCALE_HINT);
    const type = arg.slice(0, eq);
    const count = arg.slice(eq + 1);
    if (!/^\d{1,6}$/.test(count)) {
      throw usageError(`Invalid count "${count.slice(0, 20)}" for ${type}: want a whole number of instances (0 stops them all)`, SCALE_HINT);
    }
    const previous = formation.get(type);
    if (previous !== undefined && previous !== Number(count)) {
      throw usageError(`${type} is given twice (${type}=${previous} and ${type}=${count})`, 'Give each process type once.');
    }
    formation.set(type, Number(count));
  }
  return Object.fromEntries(formation);
}

/** `web=2 worker=1`, web first, then by name. */
export function formatFormation(formation: Formation): string {
  return processOrder(Object.keys(formation)).map((type) => `${type}=${formation[type]}`).join(' ');
}

function processOrder(types: readonly string[]): string[] {
  return [...types].sort((a, b) => (a === 'web' ? -1 : b === 'web' ? 1 : a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Instances grouped by process type as Heroku prints them (`=== web (2)`).
 * An instance not serving the live release but running is warm: the previous
 * release kept for an instant rollback.
 */
export function psView(instances: readonly Instance[]): string {
  const types = processOrder([...new Set(instances.map((i) => i.process))]);
  return types.map((type) => {
    const group = instances.filter((i) => i.process === type);
    return heading(`${type} (${group.length})`) + table(group, [
      { header: 'Name', value: (i) => i.name },
      { header: 'Release', value: (i) => `v${i.release}${!i.serving && i.state === 'running' ? ' (warm)' : ''}` },
      { header: 'State', value: (i) => i.state },
      { header: 'Uptime', value: (i) => (i.uptimeSeconds === null ? '' : formatSeconds(i.uptimeSeconds)) },
      { header: 'Restarts', value: (i) => String(i.restarts) },
    ]);
  }).join('\n');
}

export const ps: Command = {
  name: 'ps',
  summary: "list an app's instances by process type",
  appScoped: true,
  json: true,
  async run(ctx) {
    const app = await ctx.resolveApp();
    const instances = await ctx.api.listInstances(app);
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(instances));
    if (instances.length === 0) {
      ctx.out.line(`${app} has no instances running. Deploy with "git push ${ctx.remoteName} main", or start some with: paas ps:scale web=1 -a ${app}`);
      return;
    }
    ctx.out.write(psView(instances));
  },
};

export const psScale: Command = {
  name: 'ps:scale',
  aliases: ['scale'],
  summary: 'set how many instances of each process type run',
  usage: 'TYPE=COUNT...',
  description: 'Types not named keep their count. New instances get traffic once they are ready; removed ones drain first.',
  args: { min: 1, max: Infinity },
  appScoped: true,
  json: true,
  examples: ['paas ps:scale web=3', 'paas ps:scale web=2 worker=1 -a my-app', 'paas ps:scale worker=0'],
  async run(ctx) {
    const changes = parseScaleArgs(ctx.args);
    const app = await ctx.resolveApp();
    const formation = await ctx.api.scale(app, changes);
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(formation));
    ctx.out.line(`Scaled ${app} to ${formatFormation(formation)}`);
  },
};

export const psRestart: Command = {
  name: 'ps:restart',
  aliases: ['restart'],
  summary: "restart an app's instances, one at a time",
  usage: '[TYPE]',
  description: 'A rolling restart: each instance is replaced by a new one that is ready before the old one leaves rotation. TYPE restarts only that process type.',
  args: { min: 0, max: 1 },
  appScoped: true,
  json: true,
  examples: ['paas ps:restart', 'paas ps:restart worker -a my-app'],
  async run(ctx) {
    const type = ctx.args[0];
    const app = await ctx.resolveApp();
    const { restarted } = await ctx.api.restart(app, type);
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json({ restarted }));
    const what = type === undefined ? 'instances' : `${type} instances`;
    ctx.out.line(restarted === 0
      ? `${app} has no ${what} to restart. See them with: paas ps -a ${app}`
      : `Restarted ${plural(restarted, type === undefined ? 'instance' : `${type} instance`)} of ${app}`);
  },
};
