/**
 * The Docker runtime driver: the embedded single-host default (DESIGN.md
 * decision 2). Each instance is one container on the host network with
 * docker-init as PID 1, restarted by Docker when it exits, and labelled so
 * that `list` can rebuild everything from the engine alone. The driver keeps
 * no state that matters for correctness: a new driver object (a restarted
 * server) adopts the running containers by reading their labels.
 *
 * The only in-memory state is the allocation queue, which serializes
 * "pick a port and an instance number, create the container" so that two
 * concurrent starts never pick the same port.
 */
import type Dockerode from 'dockerode';
import { PaasError } from '../../errors.js';
import type { Instance, InstanceFilter, InstanceSpec, LogLine, LogOptions, RunOnceResult, Runtime } from '../runtime.js';
import { heldIndex, heldPort, makeContainerOptions, toInstance, type InspectedContainer } from './container-spec.js';
import { isConflict, isNotFound, isNotModified, translateDockerError, type ErrorContext } from './docker-errors.js';
import { mergeByTime, readHistory, streamLogs, type LogTarget } from './logs.js';
import { KINDS, LABELS, MANAGED_BY, containerName, instanceName, labelFilters, parseReleaseLabel, releaseLabel } from './names.js';
import { DEFAULT_PORT_RANGE, assertPortRange, createSerialQueue, findFreePort, isPortBindable, nextIndex, type PortRange } from './ports.js';

export interface DockerRuntimeOptions {
  docker: Dockerode;
  /** Ports handed to instances as $PORT (default 20000-29999). */
  portRange?: PortRange;
  /** Address apps listen on and the router connects to; containers share the host network. */
  host?: string;
  /** Added to every container (e.g. an installation id, or a test run id for cleanup). */
  extraLabels?: Record<string, string>;
  /** How often a followed log stream looks for instances that started or restarted (default 1000 ms). */
  logPollMs?: number;
  /** Whether a port can be bound now; the default listens on it and closes. */
  probePort?: (port: number, host: string) => Promise<boolean>;
}

/** Lines of release-phase output kept for the error message. */
export const RUN_ONCE_OUTPUT_LINES = 50;

function describe(spec: Pick<InstanceSpec, 'app' | 'release' | 'process'>, what: string): string {
  return `${what} ${spec.process} of ${spec.app} ${releaseLabel(spec.release)}`;
}

function contextFor(spec: InstanceSpec, action: string): ErrorContext {
  return { action, image: spec.image, secrets: Object.values(spec.env) };
}

/**
 * Force-removes a container with its anonymous volumes (an image's VOLUME
 * lines make one per container; without `v` they outlive it).
 */
const REMOVE_OPTIONS = { force: true, v: true } as const;

/** Removes a container we created, after a failure that is the one worth reporting. */
async function discard(container: Dockerode.Container): Promise<void> {
  await container.remove(REMOVE_OPTIONS).catch(() => undefined);
}

export function createDockerRuntime(options: DockerRuntimeOptions): Runtime {
  const { docker } = options;
  const range = assertPortRange(options.portRange ?? DEFAULT_PORT_RANGE);
  const host = options.host ?? '127.0.0.1';
  const extraLabels = options.extraLabels ?? {};
  const probe = options.probePort ?? isPortBindable;
  const serial = createSerialQueue();

  async function listManaged(filter: InstanceFilter, kind?: (typeof KINDS)[keyof typeof KINDS]): Promise<Dockerode.ContainerInfo[]> {
    try {
      return await docker.listContainers({ all: true, filters: { label: labelFilters(filter, kind, extraLabels) } });
    } catch (err) {
      throw translateDockerError(err, { action: 'list containers' });
    }
  }

  /** Critical section: choose port and number, then create the container that carries them as labels. */
  function createInstanceContainer(spec: InstanceSpec): Promise<Dockerode.Container> {
    return serial(async () => {
      const all = await listManaged({});
      const held = new Set(all.flatMap((c) => heldPort(c.Labels) ?? []));
      const index = nextIndex(new Set(all.flatMap((c) => heldIndex(c.Labels, spec) ?? [])));
      const port = await findFreePort({ range, held, host, probe });
      const instance = instanceName(spec.process, index);
      const name = containerName({ app: spec.app, release: spec.release, process: spec.process, index });
      try {
        return await docker.createContainer(makeContainerOptions({ spec, kind: KINDS.instance, name, instance, port, extraLabels }));
      } catch (err) {
        throw translateDockerError(err, contextFor(spec, describe(spec, `create ${instance} for`)));
      }
    });
  }

  async function inspect(container: Dockerode.Container): Promise<InspectedContainer | undefined> {
    try {
      return (await container.inspect()) as InspectedContainer;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw translateDockerError(err, { action: `inspect container ${container.id}` });
    }
  }

  async function start(spec: InstanceSpec): Promise<Instance> {
    const container = await createInstanceContainer(spec);
    try {
      await container.start();
    } catch (err) {
      await discard(container);
      throw translateDockerError(err, { ...contextFor(spec, describe(spec, 'start')), fallback: 'RELEASE_FAILED' });
    }
    const info = await inspect(container);
    const instance = info && toInstance(info, host);
    if (!instance) {
      throw new PaasError('UNAVAILABLE', `${describe(spec, 'The new instance of')} disappeared right after it started`, {
        hint: 'Something else removed the container; check `docker events` on the host.',
      });
    }
    return instance;
  }

  async function stop(id: string, graceSeconds: number): Promise<void> {
    const container = docker.getContainer(id);
    const info = await inspect(container);
    if (!info) return;
    if (info.Config.Labels?.[LABELS.managedBy] !== MANAGED_BY) {
      throw new PaasError('NOT_FOUND', `No paas instance with id ${id}`, { hint: 'List instances with `paas ps`.' });
    }
    try {
      await container.stop({ t: Math.max(0, Math.ceil(graceSeconds)) });
    } catch (err) {
      if (!isNotFound(err) && !isNotModified(err)) throw translateDockerError(err, { action: `stop container ${id}` });
    }
    try {
      await container.remove(REMOVE_OPTIONS);
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw translateDockerError(err, { action: `remove container ${id}` });
    }
  }

  async function list(filter: InstanceFilter = {}): Promise<Instance[]> {
    const listed = await listManaged(filter, KINDS.instance);
    const inspected = await Promise.all(listed.map((c) => inspect(docker.getContainer(c.Id))));
    return inspected
      .flatMap((info) => (info ? toInstance(info, host) ?? [] : []))
      .sort((a, b) => a.app.localeCompare(b.app) || a.process.localeCompare(b.process) || a.release - b.release || a.name.localeCompare(b.name, 'en', { numeric: true }));
  }

  async function runOnce(spec: InstanceSpec, timeoutMs: number): Promise<RunOnceResult> {
    const name = containerName({ app: spec.app, release: spec.release, process: spec.process });
    let container: Dockerode.Container;
    try {
      container = await docker.createContainer(makeContainerOptions({ spec, kind: KINDS.oneOff, name, extraLabels }));
    } catch (err) {
      throw translateDockerError(err, contextFor(spec, describe(spec, 'create a container to run')));
    }
    try {
      await container.start();
    } catch (err) {
      await discard(container);
      throw translateDockerError(err, { ...contextFor(spec, describe(spec, 'run')), fallback: 'RELEASE_FAILED' });
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // Killing (not removing) keeps the output for the report; if the kill itself fails, removal stops it for sure.
      container.kill().catch((err: unknown) => (isConflict(err) || isNotFound(err) ? undefined : discard(container)));
    }, timeoutMs);
    try {
      const waited = (await container.wait()) as { StatusCode?: number };
      const output = await readOutput(container.id);
      const status = typeof waited.StatusCode === 'number' ? waited.StatusCode : 1;
      if (!timedOut) return { exitCode: status, output };
      output.push(`Timed out after ${Math.round(timeoutMs / 100) / 10} s: paas stopped the ${spec.process} command.`);
      return { exitCode: status === 0 ? 124 : status, output };
    } catch (err) {
      throw translateDockerError(err, contextFor(spec, describe(spec, 'wait for')));
    } finally {
      clearTimeout(timer);
      await discard(container);
    }
  }

  /** The last lines of a one-off run; a log driver that cannot be read back (e.g. `none`) is said so, not fatal. */
  async function readOutput(id: string): Promise<string[]> {
    try {
      return mergeByTime([await readHistory(docker, id, RUN_ONCE_OUTPUT_LINES)]).map((l) => l.line);
    } catch (err) {
      return [`(output unavailable: ${translateDockerError(err, { action: 'read the output' }).message})`];
    }
  }

  async function listTargets(filter: InstanceFilter): Promise<LogTarget[]> {
    const listed = await listManaged(filter, KINDS.instance);
    return listed.flatMap((c) => {
      const release = parseReleaseLabel(c.Labels[LABELS.release]);
      const source = c.Labels[LABELS.instance];
      return release === undefined || source === undefined ? [] : [{ id: c.Id, source, release, running: c.State === 'running' }];
    });
  }

  async function* logs(filter: InstanceFilter, logOptions: LogOptions): AsyncGenerator<LogLine> {
    try {
      yield* streamLogs({ docker, listTargets, pollMs: options.logPollMs ?? 1000 }, filter, logOptions);
    } catch (err) {
      throw translateDockerError(err, { action: 'read logs' });
    }
  }

  return { kind: 'docker', start, stop, list, runOnce, logs };
}
