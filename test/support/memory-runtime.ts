/**
 * A Runtime without Docker for controller tests: every web instance is a real
 * HTTP server on 127.0.0.1 (so readiness probes and the route table work as
 * in production), and the image name decides how the "app" behaves:
 *   "…never-listens…"  starts but never opens its port
 *   "…crashes…"        exits at once with code 1
 * runOnce (the release phase) exits with N when the command is "exit N".
 * `started` counts start() calls so tests can tell a warm rollback (no new
 * instance) from a cold one.
 */
import http from 'node:http';
import type { Instance, InstanceFilter, InstanceSpec, LogLine, LogOptions, RunOnceResult, Runtime } from '../../server/runtime/runtime.js';

interface Running {
  instance: Instance;
  server?: http.Server;
}

export interface MemoryRuntime extends Runtime {
  started: number;
  /** Every start, as "app/vN/process". */
  starts: string[];
  close(): Promise<void>;
}

export function createMemoryRuntime(): MemoryRuntime {
  const instances = new Map<string, Running>();
  let nextId = 1;
  const matches = (i: Instance, f: InstanceFilter = {}) =>
    (f.app === undefined || i.app === f.app) && (f.release === undefined || i.release === f.release) && (f.process === undefined || i.process === f.process);

  const runtime: MemoryRuntime = {
    kind: 'docker',
    started: 0,
    starts: [],
    async start(spec: InstanceSpec) {
      runtime.started++;
      runtime.starts.push(`${spec.app}/v${spec.release}/${spec.process}`);
      const id = `mem-${nextId++}`;
      const sameKind = [...instances.values()].filter((r) => matches(r.instance, spec)).length;
      const instance: Instance = {
        id, name: `${spec.process}.${sameKind + 1}`, app: spec.app, release: spec.release, process: spec.process,
        state: spec.image.includes('crashes') ? 'exited' : 'running', restartCount: 0, startedAt: new Date(),
        ...(spec.image.includes('crashes') ? { exitCode: 1 } : {}),
      };
      const running: Running = { instance };
      if (spec.process === 'web') {
        const server = http.createServer((_req, res) => res.end(`v${spec.release}`));
        await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
        const port = (server.address() as { port: number }).port;
        instance.endpoint = { host: '127.0.0.1', port };
        if (spec.image.includes('never-listens') || spec.image.includes('crashes')) await new Promise((ok) => server.close(ok));
        else running.server = server;
      }
      instances.set(id, running);
      return { ...instance };
    },
    async stop(id: string) {
      const running = instances.get(id);
      instances.delete(id);
      if (running?.server) {
        running.server.closeAllConnections();
        await new Promise((ok) => running.server!.close(ok));
      }
    },
    async list(filter?: InstanceFilter) {
      return [...instances.values()].map((r) => ({ ...r.instance })).filter((i) => matches(i, filter));
    },
    async runOnce(spec: InstanceSpec): Promise<RunOnceResult> {
      const code = /^exit (\d+)$/.exec(spec.command ?? '')?.[1];
      return { exitCode: code === undefined ? 0 : Number(code), output: [`ran ${spec.command ?? ''}`] };
    },
    // eslint-disable-next-line require-yield
    async *logs(_filter: InstanceFilter, _options: LogOptions): AsyncIterable<LogLine> {
      return;
    },
    async close() {
      await Promise.all([...instances.keys()].map((id) => runtime.stop(id, 0)));
    },
  };
  return runtime;
}
