/**
 * A Runtime without Docker for controller tests and benchmarks: every web
 * instance is a real HTTP server on 127.0.0.1 answering `v<release>` (so the
 * route table points at something requests can reach), and the image name
 * decides how the "app" behaves:
 *   "…never-listens…"  runs but never opens its port (never ready)
 *   "…crashes…"        exits at once with code 1 and is restarting
 * runOnce (the release phase) exits with N when the command is "exit N".
 * Like a real driver it keeps each set at its replicas: an instance removed
 * "by hand" (`removeByHand`) is replaced. Scale-downs and deletions drain
 * for `drainMs` (0 by default) before the servers close.
 * `started` counts instance starts so tests can tell a warm rollback (no new
 * instance) from a cold one.
 */
import http from 'node:http';
import type {
  ChangeListener, Instance, InstanceFilter, InstanceSetSpec, LogLine, LogOptions, ObservedSet, OneOffSpec, RunOnceOptions, RunOnceResult, Runtime, SetKey,
} from '../../server/runtime/runtime.js';
import { setKeyId } from '../../server/runtime/runtime.js';

interface MemInstance {
  instance: Instance;
  token: string;
  index: number;
  server?: http.Server;
}

interface MemSet {
  spec: InstanceSetSpec;
  token: string;
  instances: MemInstance[];
}

export interface MemoryRuntime extends Runtime {
  started: number;
  /** Every start, as "app/vN/process". */
  starts: string[];
  /** Removes an instance as `docker rm -f` would; the set replaces it. */
  removeByHand(id: string): Promise<void>;
  /** Stops every server (end of a test). */
  shutdown(): Promise<void>;
}

export function createMemoryRuntime(options: { drainMs?: number } = {}): MemoryRuntime {
  const drainMs = options.drainMs ?? 0;
  const sets = new Map<string, MemSet>();
  const listeners = new Set<ChangeListener>();
  let nextId = 1;
  let closed = false;
  const changed = (app: string) => {
    if (closed) return;
    for (const listener of listeners) listener(app);
  };

  async function startInstance(set: MemSet): Promise<void> {
    const { spec } = set;
    runtime.started++;
    runtime.starts.push(`${spec.app}/v${spec.release}/${spec.process}`);
    const used = new Set(set.instances.map((i) => i.index));
    let index = 1;
    while (used.has(index)) index++;
    const crashes = spec.image.includes('crashes');
    const instance: Instance = {
      id: `mem-${nextId++}`, name: `${spec.process}.${index}`, app: spec.app, release: spec.release, process: spec.process,
      state: crashes ? 'restarting' : 'running', restartCount: crashes ? 2 : 0, startedAt: new Date(), ready: false,
      ...(crashes ? { exitCode: 1 } : {}),
    };
    const mem: MemInstance = { instance, token: set.token, index };
    set.instances.push(mem);
    if (spec.process !== 'web') {
      instance.ready = !crashes;
      return;
    }
    const server = http.createServer((_req, res) => res.end(`v${spec.release}`));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    instance.endpoint = { host: '127.0.0.1', port: (server.address() as { port: number }).port };
    if (spec.image.includes('never-listens') || crashes) {
      await new Promise((ok) => server.close(ok));
      instance.reason = `TCP connect to port ${instance.endpoint.port}: connect ECONNREFUSED`;
    } else {
      mem.server = server;
      instance.ready = true;
    }
  }

  async function stopInstance(set: MemSet, mem: MemInstance): Promise<void> {
    mem.instance.state = 'stopping';
    mem.instance.ready = false;
    changed(set.spec.app);
    if (drainMs > 0) await new Promise((r) => setTimeout(r, drainMs));
    set.instances = set.instances.filter((i) => i !== mem);
    if (mem.server) {
      mem.server.closeAllConnections();
      await new Promise((ok) => mem.server!.close(ok));
    }
  }

  /** Brings a set to its replicas of the current template: surge one new before one old goes. */
  async function reconcile(set: MemSet): Promise<void> {
    const live = () => set.instances.filter((i) => i.instance.state !== 'stopping');
    let acted = false;
    while (live().filter((i) => i.token === set.token).length < set.spec.replicas) {
      acted = true;
      await startInstance(set);
      const old = live().find((i) => i.token !== set.token);
      if (old) await stopInstance(set, old);
    }
    for (const old of live().filter((i) => i.token !== set.token)) {
      acted = true;
      await stopInstance(set, old);
    }
    const extra = live().sort((a, b) => b.index - a.index).slice(0, Math.max(0, live().length - set.spec.replicas));
    if (extra.length > 0) acted = true;
    await Promise.all(extra.map((mem) => stopInstance(set, mem)));
    // Like a real driver: observers hear of changes, not of no-ops (or a converge would trigger itself forever).
    if (acted) changed(set.spec.app);
  }

  function observeSet(set: MemSet): ObservedSet {
    const instances = set.instances.map((i) => ({ ...i.instance }));
    const current = set.instances.filter((i) => i.token === set.token && i.instance.state !== 'stopping');
    const crashed = current.find((i) => i.instance.state === 'restarting');
    return {
      app: set.spec.app, release: set.spec.release, process: set.spec.process,
      replicas: set.spec.replicas,
      instances,
      readyReplicas: current.filter((i) => i.instance.ready).length,
      updated: set.instances.every((i) => i.token === set.token),
      template: set.token,
      ...(crashed ? { failure: { instance: crashed.instance.name, reason: 'it crashed (exit code 1) and is restarting' } } : {}),
    };
  }

  const runtime: MemoryRuntime = {
    kind: 'docker',
    started: 0,
    starts: [],
    async start() {},
    async close() {},
    async ensureApp() {},
    async removeApp(app: string) {
      for (const [id, set] of sets) {
        if (set.spec.app !== app) continue;
        sets.delete(id);
        await Promise.all(set.instances.map((mem) => stopInstance(set, mem)));
      }
      changed(app);
    },
    async applySet(spec: InstanceSetSpec) {
      if (closed) return;
      const id = setKeyId(spec);
      const set = sets.get(id) ?? { spec, token: '', instances: [] };
      sets.set(id, set);
      set.spec = { ...set.spec, replicas: spec.replicas };
      await reconcile(set);
    },
    async restartSet(key: SetKey, token: string) {
      const set = sets.get(setKeyId(key));
      if (!set) return;
      set.token = token;
      void reconcile(set);
    },
    async deleteSet(key: SetKey) {
      const set = sets.get(setKeyId(key));
      if (!set) return;
      sets.delete(setKeyId(key));
      await Promise.all(set.instances.map((mem) => stopInstance(set, mem)));
      changed(key.app);
    },
    async setLiveRelease() {},
    observe(app: string) {
      return [...sets.values()].filter((s) => s.spec.app === app).map(observeSet);
    },
    observedApps() {
      return [...new Set([...sets.values()].map((s) => s.spec.app))];
    },
    onChange(listener: ChangeListener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async runOnce(spec: OneOffSpec, options: RunOnceOptions): Promise<RunOnceResult> {
      const code = /^exit (\d+)$/.exec(spec.command ?? '')?.[1];
      const output = [`ran ${spec.command ?? ''}`];
      for (const line of output) options.onLine?.(line);
      return { exitCode: code === undefined ? 0 : Number(code), output };
    },
    // eslint-disable-next-line require-yield
    async *logs(_filter: InstanceFilter, _options: LogOptions): AsyncIterable<LogLine> {
      return;
    },
    async removeByHand(id: string) {
      for (const set of sets.values()) {
        const mem = set.instances.find((i) => i.instance.id === id);
        if (!mem) continue;
        set.instances = set.instances.filter((i) => i !== mem);
        mem.server?.closeAllConnections();
        await new Promise((ok) => (mem.server ? mem.server.close(ok) : ok(undefined)));
        changed(set.spec.app);
        await reconcile(set);
      }
    },
    async shutdown() {
      closed = true;
      for (const set of sets.values()) await Promise.all(set.instances.map((mem) => stopInstance(set, mem)));
      sets.clear();
    },
  };
  return runtime;
}
