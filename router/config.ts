/**
 * paas-router configuration: one zod schema, read once in main.ts from the
 * environment. The control plane's settings may share the environment (one
 * ConfigMap, one shell), so only the router's own variables are checked:
 * PAAS_SERVER_URL, PAAS_DOMAIN and PAAS_ROUTER_*. An unknown PAAS_ROUTER_*
 * variable fails the start with a suggestion, so a typo never silently falls
 * back to a default. The token never appears in a message.
 */
import { z } from 'zod';
import { PaasError } from '../server/errors.js';
import { closest } from '../server/domain/suggest.js';

const port = z.coerce.number().int().min(0).max(65535);

export const RouterConfigSchema = z
  .object({
    serverUrl: z.string().url(),
    token: z.string().min(1),
    port: port.default(8080),
    host: z.string().min(1).default('127.0.0.1'),
    domain: z.string().min(1).default('localhost'),
    /** How long SIGTERM waits for requests in flight before cutting them. */
    drainSeconds: z.coerce.number().min(0).default(10),
  })
  .strict();

export type RouterConfig = z.infer<typeof RouterConfigSchema>;

const ENV: Record<keyof RouterConfig, string> = {
  serverUrl: 'PAAS_SERVER_URL',
  token: 'PAAS_ROUTER_TOKEN',
  port: 'PAAS_ROUTER_PORT',
  host: 'PAAS_ROUTER_HOST',
  domain: 'PAAS_DOMAIN',
  drainSeconds: 'PAAS_ROUTER_DRAIN_SECONDS',
};

const DESCRIPTIONS: Record<keyof RouterConfig, string> = {
  serverUrl: 'control plane URL, e.g. http://paas-server:5000 (required)',
  token: 'router token the control plane issued (required)',
  port: 'port to serve apps on (default 8080)',
  host: 'address to listen on (default 127.0.0.1)',
  domain: 'apps are served at <app>.<domain> (default localhost)',
  drainSeconds: 'grace for requests in flight on SIGTERM (default 10)',
};

const KEYS = Object.keys(ENV) as (keyof RouterConfig)[];

export function routerConfigHelp(): string {
  return KEYS.map((key) => `  ${ENV[key].padEnd(28)} ${DESCRIPTIONS[key]}`).join('\n');
}

export function parseRouterConfig(env: Record<string, string | undefined>): RouterConfig {
  const raw: Partial<Record<keyof RouterConfig, string>> = {};
  const problems: string[] = [];
  const known = new Set(Object.values(ENV));
  for (const key of KEYS) {
    const value = env[ENV[key]];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  for (const name of Object.keys(env)) {
    if (name.startsWith('PAAS_ROUTER_') && !known.has(name)) {
      problems.push(`unknown variable ${name}${suggest(name, [...known])}`);
    }
  }
  const parsed = RouterConfigSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0] as keyof RouterConfig | undefined;
      if (key === undefined || !(key in ENV)) continue;
      problems.push(raw[key] === undefined ? `${ENV[key]} is not set (required)` : `${ENV[key]}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) {
    throw new PaasError('VALIDATION_FAILED', `Invalid paas-router configuration:\n  ${problems.join('\n  ')}`, {
      hint: `Settings:\n${routerConfigHelp()}`,
    });
  }
  return parsed.data;
}

function suggest(name: string, known: string[]): string {
  const best = closest(name, known);
  return best === undefined ? '' : ` (did you mean ${best}?)`;
}
