/**
 * The Docker runtime driver: the embedded single-host default (DESIGN.md
 * decision 2). It does on one engine what a Deployment, kubelet and
 * EndpointSlices do on Kubernetes: keeps each instance set at its replicas
 * (set-plan.ts), restarts what stops, probes readiness (prober.ts), drains
 * instances before stopping them, and reports all of it from a cache
 * (instance-cache.ts) fed by the engine's event stream (engine-events.ts).
 *
 * Each instance is one container with docker-init as PID 1, restarted by
 * Docker when it crashes, and labelled so that a new driver object (a
 * restarted server) adopts what runs by reading labels: the driver's memory
 * is rebuilt from the engine, and the controller re-applies what it wants.
 * Containers use the host network (`host`), each with its own port from a
 * range, so the router reaches them on the host's loopback.
 */
import type Dockerode from 'dockerode';
import { KeyedRuns } from '../../concurrency/keyed-runs.js';
import { PaasError } from '../../errors.js';
import type {
  ChangeListener, InstanceFilter, InstanceSetSpec, LogLine, LogOptions, OneOffSpec, RunOnceOptions, RunOnceResult, Runtime, SetKey,
} from '../runtime.js';
import { setKeyId } from '../runtime.js';
import { probeOnce } from '../probe.js';
import { createRequest, fromListing, makeContainerOptions, readContainer, type InspectedContainer } from './container-spec.js';
import { isConflict, isNotFound, isNotModified, translateDockerError } from './docker-errors.js';
import { followEngineEvents } from './engine-events.js';
import { InstanceCache, type DockerSet, type Tracked } from './instance-cache.js';
import { streamLogs, type LogTarget } from './logs.js';
import { KINDS, LABELS, MANAGED_BY, containerName, instanceName, labelFilters, parseReleaseLabel, releaseLabel } from './names.js';
import { engineCall } from './engine-call.js';
import { DEFAULT_PORT_RANGE, assertPortRange, createSerialQueue, findFreePort, isPortBindable, nextIndex, type PortRange } from './ports.js';
import { Prober } from './prober.js';
import { runOnceInDocker } from './run-once.js';
import { planSet } from './set-plan.js';

export { RUN_ONCE_OUTPUT_LINES } from './run-once.js';

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
  /** How long an instance stays out of rotation before it is stopped (default 5 s): requests in flight finish. */
  drainMs?: number;
  /** SIGTERM ▶ SIGKILL grace when stopping an instance (default 10 s). */
  stopGraceSeconds?: number;
  /** Full comparison of the cache with the engine, the safety net for a lost event (default 30 s). */
  resyncMs?: number;
  /** Readiness probe intervals while not ready / ready (default 50 ms / 2 s). */
  probeFastMs?: number;
  probeSlowMs?: number;
  /** A web instance that was ready and fails every probe this long is restarted (default 30 s). */
  livenessMs?: number;
  log?: (line: string) => void;
}

/** Force-removes a container with its anonymous volumes (an image's VOLUME lines make one per container). */
const REMOVE_OPTIONS = { force: true, v: true } as const;

export function createDockerRuntime(options: DockerRuntimeOptions): Runtime {
  const { docker } = options;
  const range = assertPortRange(options.portRange ?? DEFAULT_PORT_RANGE);
  const host = options.host ?? '127.0.0.1';
  const extraLabels = options.extraLabels ?? {};
  const probePort = options.probePort ?? isPortBindable;
  const drainMs = options.drainMs ?? 5000;
  const grace = options.stopGraceSeconds ?? 10;
  const log = options.log ?? (() => undefined);
  const serial = createSerialQueue();
  /** Ports (and the instance numbers that go with them) chosen for containers being created. */
  const reserved = new Map<number, { set: string; index: number }>();
  const cache = new InstanceCache();
  const listeners = new Set<ChangeListener>();
  const retiring = new Set<Promise<void>>();
  const removingApps = new Set<string>();
  const detailsQueue: string[] = [];
  let events: { stop(): void } | undefined;

  const notify = (app: string) => {
    for (const listener of listeners) listener(app);
  };
  const prober = new Prober({
    ...(options.probeFastMs !== undefined ? { fastMs: options.probeFastMs } : {}),
    ...(options.probeSlowMs !== undefined ? { slowMs: options.probeSlowMs } : {}),
    ...(options.livenessMs !== undefined ? { livenessMs: options.livenessMs } : {}),
    unhealthy(id) {
      const tracked = cache.get(id);
      if (!tracked || tracked.stopping) return;
      log(`${tracked.app} ${tracked.name} stopped answering its health check; restarting it`);
      void engineCall(`restart container ${id}`, (abortSignal) => docker.getContainer(id).restart({ t: grace, abortSignal }), (grace + 15) * 1000)
        .catch((err: unknown) => log(`restarting ${tracked.app} ${tracked.name}: ${describe(err)}`))
        .finally(() => void refreshes.request(id).catch(() => undefined));
    },
    report(id, ready, reason) {
      const tracked = cache.get(id);
      if (!tracked || tracked.stopping) return;
      const flipped = tracked.ready !== ready;
      tracked.ready = ready;
      if (reason === undefined) delete tracked.reason;
      else tracked.reason = reason;
      if (flipped) changed(tracked);
    },
  });
  const sets = new KeyedRuns((id) => reconcileSet(id));
  const refreshes = new KeyedRuns((id) => refresh(id));

  /** Something about a container changed: its set may need work, and observers want to know. */
  const changed = (key: SetKey) => {
    void sets.request(setKeyId(key)).catch((err: unknown) => log(`instance set ${setKeyId(key)}: ${describe(err)}`));
    notify(key.app);
  };

  function watchReadiness(tracked: Tracked, initiallyReady = false): void {
    if (tracked.endpoint && tracked.state === 'running' && !tracked.stopping) {
      prober.watch({ id: tracked.id, endpoint: tracked.endpoint, path: tracked.healthcheck }, initiallyReady);
    } else {
      prober.forget(tracked.id);
    }
  }

  async function inspect(id: string): Promise<InspectedContainer | undefined> {
    try {
      return (await engineCall(`inspect container ${id}`, (abortSignal) => docker.getContainer(id).inspect({ abortSignal }))) as InspectedContainer;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw translateDockerError(err, { action: `inspect container ${id}` });
    }
  }

  /** Re-reads one container from the engine into the cache. */
  async function refresh(id: string): Promise<void> {
    const info = await inspect(id);
    const facts = info && readContainer(info, host);
    if (!facts || !hasScope(info.Config.Labels ?? {})) {
      forget(id);
      return;
    }
    const { restarted } = cache.upsert(facts);
    const tracked = cache.get(id)!;
    if (restarted) watchReadiness(tracked);
    changed(tracked);
  }

  function forget(id: string): void {
    prober.forget(id);
    const gone = cache.remove(id);
    if (gone) changed(gone);
  }

  const hasScope = (labels: Record<string, string>) => Object.entries(extraLabels).every(([k, v]) => labels[k] === v);

  async function listInstances(): Promise<Dockerode.ContainerInfo[]> {
    try {
      return await engineCall('list containers', (abortSignal) => docker.listContainers({ all: true, filters: { label: labelFilters({}, KINDS.instance, extraLabels) }, abortSignal }));
    } catch (err) {
      throw translateDockerError(err, { action: 'list containers' });
    }
  }

  /** The cache against a full listing: new and changed containers are inspected, vanished ones forgotten. */
  async function resync(): Promise<void> {
    const listedAt = Date.now();
    const listed = await listInstances();
    const seen = new Set(listed.map((c) => c.Id));
    // A container recorded after the listing began (just created) is not in it, and is not gone.
    for (const tracked of cache.all()) if (!seen.has(tracked.id) && tracked.recordedAt < listedAt) forget(tracked.id);
    await Promise.all(listed.filter((c) => cache.get(c.Id)?.state !== stateOf(c.State)).map((c) => refreshes.request(c.Id)));
    for (const set of cache.allSets()) if (set.spec || set.deleting) void sets.request(setKeyId(set.key)).catch(() => undefined);
  }

  /**
   * Adoption at start: one listing makes the cache (not one inspect per
   * container: with many apps that was most of a restart); the details only
   * inspect gives follow in the background, a few at a time.
   */
  async function adopt(): Promise<void> {
    const listed = await listInstances();
    for (const container of listed) {
      const facts = hasScope(container.Labels) ? readContainer(fromListing(container), host) : undefined;
      if (facts) cache.upsert(facts);
    }
    detailsQueue.push(...listed.map((c) => c.Id));
  }

  /** Inspects adopted containers a few at a time, for what the listing does not say. */
  function fillDetails(): void {
    const worker = async () => {
      for (let id = detailsQueue.shift(); id !== undefined; id = detailsQueue.shift()) await refreshes.request(id).catch(() => undefined);
    };
    void Promise.all([worker(), worker(), worker(), worker()]);
  }

  /** Brings one set toward what it should be; runs again on every change of its containers. */
  async function reconcileSet(id: string): Promise<void> {
    const set = cache.byId(id);
    if (!set || (!set.spec && !set.deleting)) return;
    const actions = planSet(cache.target(set), cache.views(set));
    const work: Promise<unknown>[] = [
      ...actions.revive.map((cid) => startExisting(cid)),
      // A removed app has no traffic left to drain; anything else may still have requests in flight.
      ...actions.retire.map(async (cid) => retire(cid, removingApps.has(set.key.app) ? 0 : drainMs)),
    ];
    const creates: Promise<unknown>[] = [];
    for (let i = 0; i < actions.start && set.spec; i++) creates.push(createInstance(set, set.spec));
    const [results, created] = await Promise.all([Promise.allSettled(work), Promise.allSettled(creates)]);
    // A create that fails is the set's condition (Kubernetes: a ReplicaFailure), shown by observe until one succeeds.
    const createFailure = created.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    const before = set.error;
    if (createFailure) set.error = createFailure.reason instanceof Error ? createFailure.reason.message : String(createFailure.reason);
    else if (creates.length > 0) delete set.error;
    if (set.error !== before) notify(set.key.app);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Critical section: choose a port and an instance number and reserve them
   * until the container that carries them as labels is in the cache. Only
   * the choice is serialized, never an engine call.
   */
  function allocate(set: DockerSet): Promise<{ port: number; index: number; release(): void }> {
    return serial(async () => {
      const held = new Set([...cache.all().flatMap((t) => (t.endpoint ? [t.endpoint.port] : [])), ...reserved.keys()]);
      const taken = new Set([...cache.members(set.key).map((t) => t.index), ...[...reserved.values()].filter((r) => r.set === setKeyId(set.key)).map((r) => r.index)]);
      const index = nextIndex(taken);
      const port = await findFreePort({ range, held, host, probe: probePort });
      reserved.set(port, { set: setKeyId(set.key), index });
      return { port, index, release: () => reserved.delete(port) };
    });
  }

  async function createContainer(set: DockerSet, spec: InstanceSetSpec): Promise<Dockerode.Container> {
    const { port, index, release } = await allocate(set);
    const instance = instanceName(spec.process, index);
    const name = containerName({ app: spec.app, release: spec.release, process: spec.process, index });
    try {
      const body = makeContainerOptions({ spec, kind: KINDS.instance, name, instance, port, restart: set.token, healthcheck: spec.healthcheckPath, extraLabels });
      const container = await engineCall(`create ${instance} of ${spec.app}`, (abortSignal) => docker.createContainer(createRequest(name, body, abortSignal)));
      const info = await inspect(container.id);
      const facts = info && readContainer(info, host);
      if (facts) cache.upsert(facts);
      return container;
    } catch (err) {
      throw translateDockerError(err, { action: `create ${instance} of ${spec.app} ${releaseLabel(spec.release)}`, image: spec.image, secrets: Object.values(spec.env) });
    } finally {
      release();
    }
  }

  async function createInstance(set: DockerSet, spec: InstanceSetSpec): Promise<void> {
    const container = await createContainer(set, spec);
    try {
      await engineCall(`start ${spec.process} of ${spec.app}`, (abortSignal) => container.start({ abortSignal }));
    } catch (err) {
      await container.remove(REMOVE_OPTIONS).catch(() => undefined);
      forget(container.id);
      throw translateDockerError(err, {
        action: `start ${spec.process} of ${spec.app} ${releaseLabel(spec.release)}`, image: spec.image, secrets: Object.values(spec.env), fallback: 'RELEASE_FAILED',
      });
    }
    await refreshes.request(container.id);
  }

  async function startExisting(id: string): Promise<void> {
    try {
      await engineCall(`start container ${id} again`, (abortSignal) => docker.getContainer(id).start({ abortSignal }));
    } catch (err) {
      if (!isNotModified(err) && !isNotFound(err)) throw translateDockerError(err, { action: `start container ${id} again` });
    }
    await refreshes.request(id);
  }

  /** Out of rotation now; stopped and removed after the drain time. */
  function retire(id: string, drain: number): Promise<void> {
    const tracked = cache.get(id);
    if (!tracked || tracked.stopping) return Promise.resolve();
    tracked.stopping = true;
    tracked.ready = false;
    prober.forget(id);
    notify(tracked.app);
    const done = (async () => {
      if (drain > 0) await new Promise((r) => setTimeout(r, drain));
      await stopAndRemove(id);
    })().catch((err: unknown) => log(`stopping ${tracked.app} ${tracked.name}: ${describe(err)}`)).finally(() => {
      retiring.delete(done);
      forget(id);
    });
    retiring.add(done);
    return Promise.resolve();
  }

  async function stopAndRemove(id: string): Promise<void> {
    const container = docker.getContainer(id);
    try {
      await engineCall(`stop container ${id}`, (abortSignal) => container.stop({ t: grace, abortSignal }), (grace + 15) * 1000);
    } catch (err) {
      if (!isNotFound(err) && !isNotModified(err)) throw translateDockerError(err, { action: `stop container ${id}` });
    }
    try {
      await engineCall(`remove container ${id}`, (abortSignal) => container.remove({ ...REMOVE_OPTIONS, abortSignal }));
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw translateDockerError(err, { action: `remove container ${id}` });
    }
  }

  /**
   * One-off runs (release phases) still there at start were interrupted by
   * the restart: their release is marked failed, and a migration left
   * running could collide with the next deploy's.
   */
  async function removeInterruptedRuns(): Promise<void> {
    const runs = await engineCall('list one-off containers', (abortSignal) => docker.listContainers({ all: true, filters: { label: labelFilters({}, KINDS.oneOff, extraLabels) }, abortSignal }))
      .catch((err: unknown) => {
        log(`listing interrupted release phases: ${describe(err)}`);
        return [];
      });
    for (const run of runs) {
      log(`removing interrupted release phase ${run.Names[0] ?? run.Id}`);
      await engineCall('remove a one-off container', (abortSignal) => docker.getContainer(run.Id).remove({ ...REMOVE_OPTIONS, abortSignal })).catch(() => undefined);
    }
  }

  async function listTargets(filter: InstanceFilter): Promise<LogTarget[]> {
    let listed: Dockerode.ContainerInfo[];
    try {
      listed = await engineCall('list containers', (abortSignal) => docker.listContainers({ all: true, filters: { label: labelFilters(filter, KINDS.instance, extraLabels) }, abortSignal }));
    } catch (err) {
      throw translateDockerError(err, { action: 'list containers' });
    }
    return listed.flatMap((c) => {
      const release = parseReleaseLabel(c.Labels[LABELS.release]);
      const source = c.Labels[LABELS.instance];
      return release === undefined || source === undefined ? [] : [{ id: c.Id, source, release, running: c.State === 'running' }];
    });
  }

  return {
    kind: 'docker',

    async start() {
      await adopt();
      cache.settleAdopted();
      await removeInterruptedRuns();
      // One probe of every running web instance before the first route table: adopted apps serve at once.
      await Promise.all(cache.all().filter((t) => t.endpoint && t.state === 'running').map(async (t) => {
        const result = await probeOnce(t.endpoint!, t.healthcheck);
        // The cache may hold a newer record of it by now: write to that one.
        const current = cache.get(t.id);
        if (!current) return;
        current.ready = result.ok;
        if (!result.ok) current.reason = result.reason;
        watchReadiness(current, result.ok);
      }));
      fillDetails();
      events = followEngineEvents({
        docker,
        labels: [`${LABELS.managedBy}=${MANAGED_BY}`, `${LABELS.kind}=${KINDS.instance}`, ...Object.entries(extraLabels).map(([k, v]) => `${k}=${v}`)],
        onEvent(event) {
          if (event.action === 'destroy') forget(event.id);
          else if (['create', 'start', 'die', 'stop', 'restart', 'oom', 'pause', 'unpause'].includes(event.action)) {
            void refreshes.request(event.id).catch((err: unknown) => log(`docker event ${event.action}: ${describe(err)}`));
          }
        },
        resync,
        resyncMs: options.resyncMs ?? 30_000,
        log,
      });
    },

    async close() {
      events?.stop();
      prober.stop();
      await sets.idle();
      while (retiring.size > 0) await Promise.all([...retiring]);
    },

    async ensureApp() {},

    async removeApp(app) {
      removingApps.add(app);
      try {
        for (const set of cache.setsOf(app)) cache.markDeleting(set.key);
        await Promise.all(cache.setsOf(app).map((set) => sets.request(setKeyId(set.key))));
        while (retiring.size > 0 && cache.setsOf(app).length > 0) await Promise.race([...retiring]);
      } finally {
        removingApps.delete(app);
      }
    },

    async applySet(spec) {
      const set = cache.apply(spec);
      const actions = planSet(cache.target(set), cache.views(set));
      if (actions.start === 0 && actions.retire.length === 0 && actions.revive.length === 0) return;
      // Recorded, not awaited: like a Deployment, the set converges on its own and reports through observe.
      void sets.request(setKeyId(spec)).catch((err: unknown) => log(`instance set ${setKeyId(spec)}: ${describe(err)}`));
    },

    async restartSet(key, token) {
      const set = cache.set(key);
      if (!set?.spec) throw new PaasError('NOT_FOUND', `No instance set ${setKeyId(key)} to restart`, { hint: 'List instances with `paas ps`.' });
      set.token = token;
      await sets.request(setKeyId(key));
      notify(key.app);
    },

    async deleteSet(key) {
      if (!cache.markDeleting(key)) return;
      await sets.request(setKeyId(key));
    },

    async setLiveRelease() {},

    observe: (app) => cache.observe(app),
    observedApps: () => cache.apps(),

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    runOnce(spec: OneOffSpec, runOptions: RunOnceOptions): Promise<RunOnceResult> {
      return runOnceInDocker(docker, extraLabels, spec, runOptions);
    },

    async *logs(filter: InstanceFilter, logOptions: LogOptions): AsyncGenerator<LogLine> {
      try {
        yield* streamLogs({ docker, listTargets, pollMs: options.logPollMs ?? 1000 }, filter, logOptions);
      } catch (err) {
        throw translateDockerError(err, { action: 'read logs' });
      }
    },
  };
}

/** `docker ps` State ▶ what `inspect` would make of it, to tell whether a re-read is needed. */
function stateOf(state: string): string {
  return state === 'created' ? 'starting' : state === 'paused' || state === 'removing' ? 'stopped' : state === 'dead' ? 'exited' : state;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
