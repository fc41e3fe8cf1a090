/**
 * paas-server configuration: one zod schema, read once in main.ts from the
 * environment (PAAS_*) and command-line flags (--port 5000). Flags win over
 * the environment. A PAAS_* variable this server does not know fails the
 * start with a suggestion, so a typo never silently falls back to a default.
 */
import { z } from 'zod';
import { PaasError } from './errors.js';
import { closest } from './domain/suggest.js';

const port = z.coerce.number().int().min(0).max(65535);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const ServerConfigSchema = z.object({
  dataDir: z.string().min(1).default('./.paas'),
  host: z.string().min(1).default('127.0.0.1'),
  port: port.default(5000),
  /** URL clients use to reach the API and git; defaults to http://host:port. */
  publicUrl: z.string().url().optional(),
  /** Apps are served at http://<app>.<domain>[:routerPort]. */
  domain: z.string().min(1).default('localhost'),
  routerPort: port.default(8080),
  routerHost: z.string().min(1).default('127.0.0.1'),
  /** Run the router inside this process (single-host default). */
  embeddedRouter: bool.default(true),
  runtime: z.enum(['docker', 'kubernetes']).default('docker'),
  /** Registry host[:port] to push images to; empty keeps images local (docker runtime only). */
  registry: z.string().default(''),
  /** Registry host[:port] pods pull from, when it differs from the push address (inside a cluster). */
  registryPull: z.string().default(''),
  /** kubernetes runtime: app namespaces are <prefix><app>. */
  kubeNamespacePrefix: z.string().regex(/^[a-z0-9]([-a-z0-9]*)?$/, 'lowercase letters, digits and dashes, starting with a letter or digit').max(32).default('paas-'),
  /** kubernetes runtime: a .dockerconfigjson file with the credentials pods pull images with. */
  kubePullSecretFile: z.string().default(''),
  stackImage: z.string().min(1).default('paas/stack:bookworm'),
  /** Per-stack base images; empty uses stackImage. */
  nodeStackImage: z.string().default(''),
  staticStackImage: z.string().default(''),
  buildTimeoutSeconds: z.coerce.number().int().positive().default(900),
  maxPushMegabytes: z.coerce.number().positive().default(200),
  /** PEM bundle handed to dependency installs inside builds (TLS-intercepting proxies). */
  buildCaFile: z.string().default(''),
  npmRegistry: z.string().default(''),
  /** Releases kept running without traffic for instant rollback. */
  warmReleases: z.coerce.number().int().min(0).default(1),
  readyTimeoutSeconds: z.coerce.number().positive().default(30),
  drainSeconds: z.coerce.number().min(0).default(5),
  maxBodyKilobytes: z.coerce.number().int().positive().default(256),
}).strict();

export type ServerConfig = z.infer<typeof ServerConfigSchema>;

/** PAAS_FOO_BAR ⇄ fooBar; --foo-bar ⇄ fooBar. */
const KEYS = Object.keys(ServerConfigSchema.shape) as (keyof ServerConfig)[];
const envName = (key: string): string => `PAAS_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
const flagName = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Variables that belong to the other paas programs, not errors here. */
const OTHER_PROGRAMS = new Set(['PAAS_API_URL', 'PAAS_TOKEN', 'PAAS_CONFIG_DIR', 'PAAS_APP', 'PAAS_SERVER_URL', 'PAAS_ROUTER_TOKEN', 'PAAS_ROUTER_DRAIN_SECONDS']);

export function configHelp(): string {
  return KEYS.map((key) => `  ${flagName(key).padEnd(26)} ${envName(key)}`).join('\n');
}

export function parseServerConfig(env: Record<string, string | undefined>, argv: string[]): ServerConfig {
  const raw: Record<string, string> = {};
  const problems: string[] = [];
  const byEnv = new Map(KEYS.map((k) => [envName(k), k]));
  const byFlag = new Map(KEYS.map((k) => [flagName(k), k]));

  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('PAAS_') || value === undefined || OTHER_PROGRAMS.has(name)) continue;
    const key = byEnv.get(name);
    if (key) raw[key] = value;
    else problems.push(`unknown variable ${name}${suggest(name, [...byEnv.keys()])}`);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    const key = byFlag.get(flag);
    if (!key) {
      problems.push(`unknown flag ${flag}${suggest(flag, [...byFlag.keys()])}`);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) problems.push(`flag ${flag} needs a value`);
    else raw[key] = value;
  }

  const parsed = ServerConfigSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      problems.push(`${envName(key)} / ${flagName(key)}: ${issue.message}`);
    }
  } else if (parsed.data.runtime === 'kubernetes' && parsed.data.registry === '') {
    problems.push(`${envName('registry')} / ${flagName('registry')}: required with the kubernetes runtime (pods pull release images from it)`);
  }
  if (problems.length > 0 || !parsed.success) {
    throw new PaasError('VALIDATION_FAILED', `Invalid paas-server configuration:\n  ${problems.join('\n  ')}`, {
      hint: `Known settings:\n${configHelp()}`,
    });
  }
  return parsed.data;
}

function suggest(name: string, known: string[]): string {
  const best = closest(name, known);
  return best === undefined ? '' : ` (did you mean ${best}?)`;
}
