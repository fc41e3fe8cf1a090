/**
 * Every name, label and platform env var the Docker driver derives, in one
 * place (STYLE.md "Names"). Labels are the driver's only memory: `list`,
 * port allocation and adoption after a server restart all read them back, so
 * writing and reading must agree through the functions here.
 */
import { randomBytes } from 'node:crypto';
import type { InstanceFilter } from '../runtime.js';

export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  app: 'paas.dev/app',
  release: 'paas.dev/release',
  process: 'paas.dev/process',
  instance: 'paas.dev/instance',
  port: 'paas.dev/port',
  /** `instance` for long-running processes, `one-off` for runOnce (release phase). */
  kind: 'paas.dev/kind',
  /** The set's template token: a rolling restart changes it (like a pod-template annotation). */
  restart: 'paas.dev/restart',
  /** Readiness check of web instances: an HTTP path, or empty for a TCP connect. */
  healthcheck: 'paas.dev/healthcheck',
} as const;

export const MANAGED_BY = 'paas';

export const KINDS = { instance: 'instance', oneOff: 'one-off' } as const;
export type ContainerKind = (typeof KINDS)[keyof typeof KINDS];

/** Env vars the platform sets; they win over the release's config vars. */
export const PLATFORM_ENV = {
  port: 'PORT',
  app: 'PAAS_APP',
  release: 'PAAS_RELEASE',
  process: 'PAAS_PROCESS',
  instance: 'PAAS_INSTANCE',
} as const;

/** The only process type that gets an endpoint (Heroku's rule: only web receives HTTP). */
export const WEB_PROCESS = 'web';

/** Source name of release-phase log lines, as the Runtime interface defines it. */
export const ONE_OFF_SOURCE = 'release';

export function releaseLabel(release: number): string {
  return `v${release}`;
}

/** Inverse of releaseLabel; undefined for anything paas did not write. */
export function parseReleaseLabel(value: string | undefined): number | undefined {
  const match = /^v([0-9]+)$/.exec(value ?? '');
  return match ? Number(match[1]) : undefined;
}

/** web.1, worker.2: Heroku's dyno naming, shown to users and used as log source. */
export function instanceName(process: string, index: number): string {
  return `${process}.${index}`;
}

export function parseInstanceIndex(name: string | undefined, process: string): number | undefined {
  if (name === undefined || !name.startsWith(`${process}.`)) return undefined;
  const rest = name.slice(process.length + 1);
  return /^[1-9][0-9]*$/.test(rest) ? Number(rest) : undefined;
}

/** Docker names allow [a-zA-Z0-9][a-zA-Z0-9_.-]*; process types from a Procfile may hold more. */
function dockerSafe(part: string): string {
  return part.replace(/[^a-zA-Z0-9_.-]/g, '-');
}

/**
 * `paas-<app>-v<N>-<process>-<index>-<random>`: readable in `docker ps`, and
 * unique even when the same release is started twice (the random suffix),
 * because Docker refuses a second container with the same name.
 */
export function containerName(
  parts: { app: string; release: number; process: string; index?: number },
  random: () => string = () => randomBytes(3).toString('hex'),
): string {
  const index = parts.index === undefined ? 'run' : String(parts.index);
  return `paas-${parts.app}-${releaseLabel(parts.release)}-${dockerSafe(parts.process)}-${index}-${random()}`;
}

export interface LabelParts {
  app: string;
  release: number;
  process: string;
  kind: ContainerKind;
  instance?: string;
  port?: number;
  restart?: string;
  healthcheck?: string | null;
}

export function makeLabels(parts: LabelParts, extra: Record<string, string> = {}): Record<string, string> {
  const labels: Record<string, string> = {
    ...extra,
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.kind]: parts.kind,
    [LABELS.app]: parts.app,
    [LABELS.release]: releaseLabel(parts.release),
    [LABELS.process]: parts.process,
  };
  if (parts.instance !== undefined) labels[LABELS.instance] = parts.instance;
  if (parts.port !== undefined) labels[LABELS.port] = String(parts.port);
  if (parts.restart !== undefined) labels[LABELS.restart] = parts.restart;
  if (parts.healthcheck !== undefined) labels[LABELS.healthcheck] = parts.healthcheck ?? '';
  return labels;
}

/**
 * Docker `label` filter values (`key=value`, all must match) for listContainers.
 * `scope` (the runtime's extra labels, e.g. an installation id) keeps two
 * paas installations on one engine from adopting each other's containers.
 */
export function labelFilters(filter: InstanceFilter = {}, kind?: ContainerKind, scope: Record<string, string> = {}): string[] {
  const filters = [`${LABELS.managedBy}=${MANAGED_BY}`, ...Object.entries(scope).map(([k, v]) => `${k}=${v}`)];
  if (kind !== undefined) filters.push(`${LABELS.kind}=${kind}`);
  if (filter.app !== undefined) filters.push(`${LABELS.app}=${filter.app}`);
  if (filter.release !== undefined) filters.push(`${LABELS.release}=${releaseLabel(filter.release)}`);
  if (filter.process !== undefined) filters.push(`${LABELS.process}=${filter.process}`);
  return filters;
}

export function parsePortLabel(value: string | undefined): number | undefined {
  if (value === undefined || !/^[0-9]{1,5}$/.test(value)) return undefined;
  const port = Number(value);
  return port >= 1 && port <= 65535 ? port : undefined;
}

export function platformEnv(parts: { app: string; release: number; process: string; instance?: string; port?: number }): Record<string, string> {
  const env: Record<string, string> = {
    [PLATFORM_ENV.app]: parts.app,
    [PLATFORM_ENV.release]: releaseLabel(parts.release),
    [PLATFORM_ENV.process]: parts.process,
  };
  if (parts.instance !== undefined) env[PLATFORM_ENV.instance] = parts.instance;
  if (parts.port !== undefined) env[PLATFORM_ENV.port] = String(parts.port);
  return env;
}
