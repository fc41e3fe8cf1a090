/**
 * The scale measurements that need no real processes: the control plane in
 * this process (test/support/scenario-platform.ts: SQLite store, applier,
 * controller, router) over the in-memory runtime or the Kubernetes driver
 * against the API double with fake pods, with a few apps and with many.
 * Each app has two releases (v2 serving, v1 warm). Per size it measures:
 *   rollback  controller.rollback on one app until the router table has it (warm: traffic only)
 *   deploy    a new release of one app until it serves through the router
 *   restart   a new runtime, applier and controller over the same store and backend until every app converged
 */
import { performance } from 'node:perf_hooks';
import type { Runtime } from '../../server/runtime/runtime.js';
import { ScenarioPlatform, type ReleaseInput } from '../../test/support/scenario-platform.js';
import { print } from './report.js';

export interface Figures {
  apps: number;
  setupMs: number;
  rollback: number[];
  deploy: number[];
  restart: number[];
}

export interface InProcessOptions {
  label: string;
  makeRuntime: () => Runtime;
  release: ReleaseInput;
  apps: number;
  /** Apps deployed at once while setting up. */
  concurrency: number;
  rounds: { rollback: number; deploy: number; restart: number };
}

export async function measureInProcess(options: InProcessOptions): Promise<Figures> {
  const setupStart = performance.now();
  const platform = await ScenarioPlatform.start(options.makeRuntime, { readyTimeoutMs: 60_000 });
  try {
    const names = Array.from({ length: options.apps }, (_, i) => `scale-${i}`);
    let next = 0;
    const deployer = async () => {
      while (next < names.length) {
        const app = await platform.createApp(names[next++]!);
        await platform.deploy(app, options.release);
        await platform.deploy(app, options.release);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, deployer));
    const setupMs = performance.now() - setupStart;
    print(`${options.label}: ${options.apps} app(s) with two releases each, set up in ${(setupMs / 1000).toFixed(1)} s`);

    const figures: Figures = { apps: options.apps, setupMs, rollback: [], deploy: [], restart: [] };
    const probe = await platform.app(names[0]!);
    for (let i = 0; i < options.rounds.rollback; i++) {
      const started = performance.now();
      const result = await platform.controller.rollback(probe, platform.user);
      if (!result.warm) throw new Error(`${options.label}: rollback ${i + 1} was not warm`);
      await until(() => platform.hub.route(probe.name)?.releases[0]?.release === result.release.version);
      figures.rollback.push(performance.now() - started);
    }
    for (let i = 0; i < options.rounds.deploy; i++) {
      const started = performance.now();
      const release = await platform.deploy(probe, options.release);
      await until(async () => (await platform.get(probe.name)).release === `v${release.version}`);
      figures.deploy.push(performance.now() - started);
    }
    for (let i = 0; i < options.rounds.restart; i++) {
      const started = performance.now();
      await platform.restart();
      figures.restart.push(performance.now() - started);
    }
    return figures;
  } finally {
    await platform.close();
  }
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setImmediate(r));
  }
}
