/**
 * healthchecks, healthchecks:set: the readiness check that gates traffic
 * (DESIGN.md decision 5). With a path it is an HTTP GET answering 2xx/3xx;
 * without one, a TCP connect to the instance's $PORT.
 */
import type { Healthcheck } from '../api-types.js';
import type { Command } from '../context.js';
import { booleanFlag, stringFlag } from '../context.js';
import { usageError } from '../errors.js';
import { json } from '../format.js';

export function describeHealthcheck(check: Healthcheck): string {
  return check.path === null ? 'TCP connect to $PORT' : `HTTP GET ${check.path} answers 2xx or 3xx`;
}

/** --path P ▶ P, --tcp ▶ null; exactly one of them. */
export function healthcheckChoice(flags: { path?: string | undefined; tcp: boolean }): string | null {
  if (flags.path !== undefined && flags.tcp) throw usageError('Give either --path or --tcp, not both', 'e.g. paas healthchecks:set --path /healthz');
  if (flags.tcp) return null;
  if (flags.path === undefined) throw usageError('healthchecks:set needs --path PATH or --tcp', 'e.g. paas healthchecks:set --path /healthz, or --tcp to check that $PORT accepts connections');
  return flags.path;
}

export const healthchecks: Command = {
  name: 'healthchecks',
  summary: 'show the readiness check that gates traffic to new instances',
  appScoped: true,
  json: true,
  async run(ctx) {
    const app = await ctx.resolveApp();
    const check = await ctx.api.getHealthcheck(app);
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(check));
    ctx.out.line(`${app} instances are ready when: ${describeHealthcheck(check)}`);
    ctx.out.line(check.path === null
      ? `To check an HTTP path instead: paas healthchecks:set --path /healthz -a ${app}`
      : `To check only that $PORT accepts connections: paas healthchecks:set --tcp -a ${app}`);
  },
};

export const healthchecksSet: Command = {
  name: 'healthchecks:set',
  summary: 'set the readiness check: an HTTP path, or a TCP connect',
  description: 'Applies to instances started from now on: the next deploy, ps:scale or ps:restart.',
  appScoped: true,
  json: true,
  flags: [
    { name: 'path', type: 'string', valueName: 'PATH', description: 'HTTP GET this path; 2xx or 3xx means ready (e.g. /healthz)' },
    { name: 'tcp', type: 'boolean', description: 'no path: ready once $PORT accepts a connection' },
  ],
  examples: ['paas healthchecks:set --path /healthz', 'paas healthchecks:set --tcp -a my-app'],
  async run(ctx) {
    const path = healthcheckChoice({ path: stringFlag(ctx.flags, 'path'), tcp: booleanFlag(ctx.flags, 'tcp') });
    const app = await ctx.resolveApp();
    const check = await ctx.api.setHealthcheck(app, path);
    if (booleanFlag(ctx.flags, 'json')) return ctx.out.write(json(check));
    ctx.out.line(`${app} instances are now ready when: ${describeHealthcheck(check)}`);
    ctx.out.line(`This applies to instances started from now on: the next deploy, or paas ps:restart -a ${app}`);
  },
};
