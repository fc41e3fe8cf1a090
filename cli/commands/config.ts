/**
 * config, config:get, config:set, config:unset. Values are sent and printed
 * byte-exact: `config:set` splits each argument on its FIRST "=", so quotes,
 * `$()`, backticks, newlines and further "=" stay in the value.
 */
import type { Command } from '../context.js';
import { booleanFlag } from '../context.js';
import { CliError, usageError } from '../errors.js';
import { heading, json, keyValues, listSentence, shellAssignment } from '../format.js';

const SHELL_FLAG = { name: 'shell', short: 's', type: 'boolean', description: "print KEY='value' lines a shell or .env file can read" } as const;

/** `KEY=value` arguments ▶ `{ KEY: value }`; the last one wins for a repeated key. */
export function parseAssignments(args: readonly string[]): Record<string, string> {
  const pairs = new Map<string, string>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) {
      throw usageError(`Expected KEY=value, got "${arg.length > 40 ? `${arg.slice(0, 40)}…` : arg}"`, 'e.g. paas config:set DATABASE_URL=postgres://db/app (an empty value: KEY=)');
    }
    pairs.set(arg.slice(0, eq), arg.slice(eq + 1));
  }
  // fromEntries defines own properties, so a key like "__proto__" stays a plain key.
  return Object.fromEntries(pairs);
}

export const config: Command = {
  name: 'config',
  summary: "show an app's config vars",
  appScoped: true,
  json: true,
  flags: [SHELL_FLAG],
  async run(ctx) {
    const app = await ctx.resolveApp();
    const vars = await ctx.api.getConfig(app);
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(vars));
    const entries = Object.entries(vars).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (booleanFlag(ctx.flags, 'shell')) {
      for (const [key, value] of entries) ctx.out.line(shellAssignment(key, value));
      return;
    }
    if (entries.length === 0) {
      ctx.out.line(`${app} has no config vars. Set one with: paas config:set KEY=value --app ${app}`);
      return;
    }
    ctx.out.write(heading(`${app} Config Vars`));
    ctx.out.write(keyValues(entries));
  },
};

export const configGet: Command = {
  name: 'config:get',
  summary: 'print one config var, exactly as stored',
  usage: 'KEY',
  args: { min: 1, max: 1 },
  appScoped: true,
  json: true,
  flags: [SHELL_FLAG],
  examples: ['paas config:get DATABASE_URL', 'export "$(paas config:get --shell DATABASE_URL)"'],
  async run(ctx) {
    const app = await ctx.resolveApp();
    const key = ctx.args[0]!;
    const vars = await ctx.api.getConfig(app);
    if (!Object.hasOwn(vars, key)) {
      throw new CliError('CONFIG_VAR_NOT_SET', `${key} is not set on ${app}`, { hint: `See the app's config vars with: paas config --app ${app}` });
    }
    const value = vars[key]!;
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json({ [key]: value }));
    ctx.out.line(booleanFlag(ctx.flags, 'shell') ? shellAssignment(key, value) : value);
  },
};

export const configSet: Command = {
  name: 'config:set',
  aliases: ['config:add'],
  summary: 'set config vars (makes a new release)',
  usage: 'KEY=VALUE...',
  description: 'Each argument is split at its first "="; the rest is the value, byte for byte. All vars change together in one release.',
  args: { min: 1, max: Infinity },
  appScoped: true,
  json: true,
  examples: ["paas config:set DATABASE_URL='postgres://u:p@db/app?ssl=true' LOG_LEVEL=debug", 'paas config:set GREETING="$(cat greeting.txt)" --app my-app'],
  async run(ctx) {
    const vars = parseAssignments(ctx.args);
    const app = await ctx.resolveApp();
    const { config: after, release } = await ctx.api.patchConfig(app, vars);
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(after));
    // Values are not echoed: they are often secrets and output ends up in CI logs.
    ctx.out.line(`Set ${listSentence(Object.keys(vars))} on ${app}${release ? `, released ${release}` : ''}`);
  },
};

export const configUnset: Command = {
  name: 'config:unset',
  aliases: ['config:remove'],
  summary: 'remove config vars (makes a new release)',
  usage: 'KEY...',
  args: { min: 1, max: Infinity },
  appScoped: true,
  json: true,
  async run(ctx) {
    const withValue = ctx.args.find((k) => k.includes('='));
    if (withValue !== undefined) {
      throw usageError(`config:unset takes names, not KEY=value ("${withValue.slice(0, withValue.indexOf('='))}=…")`, 'e.g. paas config:unset LOG_LEVEL');
    }
    const app = await ctx.resolveApp();
    const keys = [...new Set(ctx.args)];
    const { config: after, release } = await ctx.api.patchConfig(app, Object.fromEntries(keys.map((k) => [k, null])));
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(after));
    ctx.out.line(`Unset ${listSentence(keys)} on ${app}${release ? `, released ${release}` : ''}`);
  },
};
