/**
 * Pure builders for what the driver sends to and reads from Docker: the
 * container create body for an instance or a one-off run, and the mapping of
 * an inspected container back to the Runtime's `Instance`. Everything here is
 * data in, data out, so the choices below are unit-tested without an engine.
 */
import type Dockerode from 'dockerode';
import type { Endpoint, InstanceState, OneOffSpec } from '../runtime.js';
import { shellCommand } from '../shell-command.js';
import {
  KINDS,
  LABELS,
  MANAGED_BY,
  WEB_PROCESS,
  type ContainerKind,
  makeLabels,
  parseInstanceIndex,
  parsePortLabel,
  parseReleaseLabel,
  platformEnv,
} from './names.js';

/**
 * Instances restart whatever their exit code, like Heroku dynos: a web
 * process that exits 0 is still down. `unless-stopped` also brings them back
 * after a reboot of the engine, and `stop` (docker stop) opts them out.
 * Docker waits 100 ms before the first restart and doubles the delay up to
 * one minute; the delay resets once a container has run for 10 s.
 */
export const INSTANCE_RESTART_POLICY = { Name: 'unless-stopped' } as const;
/** One-off runs (the release phase) report their exit code instead. */
export const ONE_OFF_RESTART_POLICY = { Name: 'no' } as const;

export interface ContainerPlan {
  spec: OneOffSpec;
  kind: ContainerKind;
  name: string;
  /** web.1; undefined for one-off runs. */
  instance?: string;
  port?: number;
  /** The set's template token (instances only). */
  restart?: string;
  /** Readiness check of the set (instances only): a path, or null for TCP. */
  healthcheck?: string | null;
  extraLabels?: Record<string, string>;
}

/** Config vars first, then the platform's own (PORT and PAAS_*), which win. */
export function containerEnv(plan: ContainerPlan): string[] {
  const env = {
    ...plan.spec.env,
    ...platformEnv({ app: plan.spec.app, release: plan.spec.release, process: plan.spec.process, instance: plan.instance, port: plan.port }),
  };
  return Object.entries(env).map(([key, value]) => `${key}=${value}`);
}

export function makeContainerOptions(plan: ContainerPlan): Dockerode.ContainerCreateOptions {
  const { spec } = plan;
  const options: Dockerode.ContainerCreateOptions = {
    name: plan.name,
    Image: spec.image,
    Env: containerEnv(plan),
    Labels: makeLabels(
      {
        app: spec.app, release: spec.release, process: spec.process, kind: plan.kind, instance: plan.instance, port: plan.port,
        ...(plan.restart !== undefined ? { restart: plan.restart } : {}),
        ...(plan.healthcheck !== undefined ? { healthcheck: plan.healthcheck } : {}),
      },
      plan.extraLabels,
    ),
    Tty: false,
    AttachStdin: false,
    OpenStdin: false,
    HostConfig: {
      // The engine runs with --bridge=none: apps share the host's network and listen on 127.0.0.1:$PORT.
      NetworkMode: 'host',
      // docker-init (tini) as PID 1: a Node app without a SIGTERM handler would ignore SIGTERM as PID 1.
      Init: true,
      RestartPolicy: plan.kind === KINDS.instance ? { ...INSTANCE_RESTART_POLICY } : { ...ONE_OFF_RESTART_POLICY },
    },
  };
  if (spec.command !== undefined) options.Cmd = shellCommand(spec.command);
  return options;
}

/**
 * The create request as dockerode must get it: the name in the query string,
 * the configuration (with the config vars) in the body. Given the options
 * alone, docker-modem puts all of them in the query string too
 * (`buildQuerystring(opts._query || opts)`), and request URIs end up in
 * engine debug logs and proxy logs: config vars are secrets.
 */
export function createRequest(name: string, body: Dockerode.ContainerCreateOptions, abortSignal?: AbortSignal): Dockerode.ContainerCreateOptions {
  return { _query: { name }, _body: body, ...(abortSignal ? { abortSignal } : {}) } as unknown as Dockerode.ContainerCreateOptions;
}

/** The part of `docker inspect` the mapping reads (kept narrow so tests can write it by hand). */
export interface InspectedContainer {
  Id: string;
  RestartCount: number;
  Config: { Labels?: Record<string, string> | null };
  State: { Status: string; ExitCode: number; StartedAt: string };
}

const STATES: Record<string, InstanceState> = {
  created: 'starting',
  running: 'running',
  restarting: 'restarting',
  paused: 'stopped',
  removing: 'stopped',
  exited: 'exited',
  dead: 'exited',
};

export function mapState(status: string): InstanceState {
  return STATES[status] ?? 'unknown';
}

/** Docker reports a never-started container as started at Go's zero time. */
function parseStartedAt(value: string): Date | undefined {
  if (value === '' || value.startsWith('0001-01-01')) return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time;
}

/**
 * A container as `docker ps` lists it, in the shape `readContainer` reads:
 * enough to adopt it (labels, state) with one engine call for all of them.
 * What only `inspect` knows (start time, restart count) is filled in later.
 */
export function fromListing(listed: Pick<Dockerode.ContainerInfo, 'Id' | 'Labels' | 'State' | 'Status'>): InspectedContainer {
  const exit = /^Exited \((\d+)\)/.exec(listed.Status ?? '')?.[1];
  return { Id: listed.Id, RestartCount: 0, Config: { Labels: listed.Labels }, State: { Status: listed.State, ExitCode: exit === undefined ? 0 : Number(exit), StartedAt: '' } };
}

/** What one instance container says about itself: labels and engine state. */
export interface ContainerFacts {
  id: string;
  app: string;
  release: number;
  process: string;
  /** web.1 */
  name: string;
  index: number;
  /** Where it listens (web only). */
  endpoint?: Endpoint;
  token: string;
  /** Readiness path; null means a TCP connect. */
  healthcheck: string | null;
  state: InstanceState;
  restartCount: number;
  exitCode?: number;
  startedAt?: Date;
}

/** Inspected container ▶ its facts; undefined when its labels are not a paas instance's. */
export function readContainer(info: InspectedContainer, host: string): ContainerFacts | undefined {
  const labels = info.Config.Labels ?? {};
  const app = labels[LABELS.app];
  const process = labels[LABELS.process];
  const release = parseReleaseLabel(labels[LABELS.release]);
  const name = labels[LABELS.instance];
  if (labels[LABELS.managedBy] !== MANAGED_BY || labels[LABELS.kind] !== KINDS.instance) return undefined;
  if (app === undefined || process === undefined || release === undefined || name === undefined) return undefined;
  const index = parseInstanceIndex(name, process);
  if (index === undefined) return undefined;
  const state = mapState(info.State.Status);
  const facts: ContainerFacts = {
    id: info.Id, app, release, process, name, index, state, restartCount: info.RestartCount,
    token: labels[LABELS.restart] ?? '',
    healthcheck: labels[LABELS.healthcheck] ? labels[LABELS.healthcheck]! : null,
  };
  const port = parsePortLabel(labels[LABELS.port]);
  if (process === WEB_PROCESS && port !== undefined) facts.endpoint = { host, port };
  const startedAt = parseStartedAt(info.State.StartedAt);
  if (startedAt) facts.startedAt = startedAt;
  if (state === 'exited' || state === 'restarting') facts.exitCode = info.State.ExitCode;
  return facts;
}
