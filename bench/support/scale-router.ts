/**
 * Does reconciliation delay requests? N apps with two releases each run on
 * the real Docker engine under the control plane in this process; the
 * router runs on a thread of its own, as in paas-server. Two workers
 * request the first app through the router back to back: first at rest,
 * then while the control plane restarts (a new Docker driver adopts every
 * container, probes every web instance, and all N apps converge). The same
 * is measured with the router on the control plane's own event loop (how
 * paas-server ran it before), as the reference that shows what the thread
 * buys.
 */
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import Docker from 'dockerode';
import { createDockerRuntime } from '../../server/runtime/docker/docker-runtime.js';
import { ensureNodeImage } from '../../test/support/node-image.js';
import { ScenarioPlatform } from '../../test/support/scenario-platform.js';
import type { BenchContext } from './main.js';
import { print } from './report.js';

const APP = `node -e "require('http').createServer((q,s)=>s.end('ok')).listen(process.env.PORT,'127.0.0.1')"`;

export interface RouterIsolation {
  apps: number;
  /** Latencies in ms of successful requests. */
  atRest: number[];
  duringRestart: number[];
  /** The same, with the router on the control plane's event loop. */
  sharedLoopDuringRestart: number[];
  restartMs: number;
}

export async function measureRouterIsolation(options: { apps: number; defer: BenchContext['defer'] }): Promise<RouterIsolation> {
  const docker = new Docker();
  const image = await ensureNodeImage(docker);
  const labels = { 'paas.dev/bench': `scale-router-${randomBytes(3).toString('hex')}` };
  options.defer(async () => {
    const left = await docker.listContainers({ all: true, filters: { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  });
  const makeRuntime = () => createDockerRuntime({ docker, extraLabels: labels, drainMs: 0, stopGraceSeconds: 2 });
  const result: Partial<RouterIsolation> = { apps: options.apps };
  for (const routerThread of [true, false]) {
    const platform = await ScenarioPlatform.start(makeRuntime, { routerThread, readyTimeoutMs: 60_000 });
    try {
      const names = Array.from({ length: options.apps }, (_, i) => `iso-${i}`);
      let next = 0;
      const deployer = async () => {
        while (next < names.length) {
          const app = await platform.createApp(names[next++]!);
          await platform.deploy(app, { image, processTypes: { web: APP } });
          await platform.deploy(app, { image, processTypes: { web: APP } });
        }
      };
      await Promise.all([deployer(), deployer(), deployer()]);
      const load = startLoad(platform.routerPort, names[0]!);
      await new Promise((r) => setTimeout(r, 3000));
      const rest = load.take();
      const started = performance.now();
      await platform.restart();
      const restartMs = performance.now() - started;
      const during = load.take().filter((s) => s.at >= started && s.at <= started + restartMs);
      await load.stop();
      const ok = (samples: Sample[]) => samples.filter((s) => s.status === 200).map((s) => s.ms);
      const failed = during.filter((s) => s.status !== 200).length;
      print(`router ${routerThread ? 'on its own thread' : 'on the control plane loop'}: ${options.apps} apps; restart took ${restartMs.toFixed(0)} ms; ${during.length} requests during it, ${failed} not 200`);
      if (routerThread) {
        result.atRest = ok(rest);
        result.duringRestart = ok(during);
        result.restartMs = restartMs;
      } else {
        result.sharedLoopDuringRestart = ok(during);
      }
    } finally {
      await platform.close();
    }
  }
  return result as RouterIsolation;
}

interface Sample {
  at: number;
  ms: number;
  status: number;
}

function startLoad(port: number, app: string): { take(): Sample[]; stop(): Promise<void> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  let samples: Sample[] = [];
  let stopped = false;
  const deadline = performance.now() + 300_000;
  const one = () => new Promise<Sample>((resolve) => {
    const at = performance.now();
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent, headers: { host: `${app}.localhost` } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ at, ms: performance.now() - at, status: res.statusCode ?? 0 }));
    });
    req.setTimeout(5000, () => req.destroy());
    req.on('error', () => resolve({ at, ms: performance.now() - at, status: 0 }));
  });
  const worker = async () => {
    while (!stopped && performance.now() < deadline) samples.push(await one());
  };
  const running = Promise.all([worker(), worker()]);
  return {
    take() {
      const taken = samples;
      samples = [];
      return taken;
    },
    async stop() {
      stopped = true;
      await running;
      agent.destroy();
    },
  };
}
