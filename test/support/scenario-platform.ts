/**
 * The control plane without HTTP, for the release scenarios that run on
 * every runtime (test/runtime-scenarios.test.ts): a real SQLite store, the
 * runtime under test, the applier and controller, and the real router
 * serving on 127.0.0.1 from the published routes. A "server restart" makes
 * a new runtime, applier and controller over the same store and backend,
 * while the router keeps serving its last table, as a standalone router
 * does.
 */
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedRouter } from '../../router/embedded.js';
import { RouterMetrics } from '../../router/metrics.js';
import { createRouterServer } from '../../router/proxy.js';
import { createRouteTableHolder } from '../../router/table-holder.js';
import { Applier } from '../../server/controller/applier.js';
import { Controller } from '../../server/controller/controller.js';
import { RouteHub } from '../../server/routes/route-hub.js';
import type { Runtime } from '../../server/runtime/runtime.js';
import { openSqliteStore } from '../../server/store/sqlite-store.js';
import type { Store } from '../../server/store/store.js';
import type { App, Release, User } from '../../server/store/types.js';

export interface ReleaseInput {
  image: string;
  processTypes: Record<string, string>;
}

export interface ScenarioSettings {
  warmReleases?: number;
  readyTimeoutMs?: number;
  /** Run the router on a thread of its own, as paas-server does (default: on this event loop). */
  routerThread?: boolean;
}

export interface Routed {
  status: number;
  release: string | undefined;
  body: string;
}

export class ScenarioPlatform {
  readonly hub = new RouteHub();
  runtime!: Runtime;
  controller!: Controller;
  private applier!: Applier;
  private unsubscribe: (() => void) | undefined;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  private constructor(
    readonly store: Store,
    readonly user: User,
    private readonly dir: string,
    private readonly makeRuntime: () => Runtime,
    private readonly settings: Required<Omit<ScenarioSettings, 'routerThread'>>,
    private readonly closeRouter: () => Promise<void>,
    readonly routerPort: number,
  ) {}

  static async start(makeRuntime: () => Runtime, settings: ScenarioSettings = {}): Promise<ScenarioPlatform> {
    const dir = await mkdtemp(join(tmpdir(), 'paas-scenario-'));
    const store = openSqliteStore({ file: join(dir, 'paas.db') });
    const user = await store.createUser({ email: 'dev@example.com', admin: false });
    const defaults = { warmReleases: settings.warmReleases ?? 1, readyTimeoutMs: settings.readyTimeoutMs ?? 20_000 };
    let platform: ScenarioPlatform;
    if (settings.routerThread) {
      const router = await startEmbeddedRouter({ domain: 'localhost', host: '127.0.0.1', port: 0 }, () => undefined);
      platform = new ScenarioPlatform(store, user, dir, makeRuntime, defaults, () => router.close(0), router.port);
      platform.hub.subscribe((change) => router.setApp(change.app, change.route));
    } else {
      const table = createRouteTableHolder();
      const router = createRouterServer({ domain: 'localhost', table, metrics: new RouterMetrics() });
      await new Promise<void>((ok) => router.listen(0, '127.0.0.1', ok));
      const close = async () => {
        router.closeAllConnections();
        await new Promise((ok) => router.close(ok));
      };
      platform = new ScenarioPlatform(store, user, dir, makeRuntime, defaults, close, (router.address() as { port: number }).port);
      platform.hub.subscribe((change) => table.setApp(change.app, change.route));
    }
    await platform.boot();
    return platform;
  }

  /** Starts a runtime, applier and controller over the store, as paas-server's start does. */
  private async boot(): Promise<void> {
    this.runtime = this.makeRuntime();
    await this.runtime.start();
    this.applier = new Applier({ store: this.store, runtime: this.runtime, hub: this.hub, log: () => undefined, warmReleases: this.settings.warmReleases });
    this.controller = new Controller({
      store: this.store, runtime: this.runtime, applier: this.applier, now: () => new Date(), log: () => undefined,
      settings: { warmReleases: this.settings.warmReleases, readyTimeoutMs: this.settings.readyTimeoutMs, releasePhaseTimeoutMs: 60_000, maxInstancesPerType: 10 },
    });
    this.unsubscribe = this.runtime.onChange((app) => void this.applier.convergeQuietly(app));
    await this.controller.reconcileAll();
  }

  /** What a crash and restart of paas-server does to the control plane; instances keep running. */
  async restart(): Promise<void> {
    this.unsubscribe?.();
    await this.applier.idle();
    await this.runtime.close();
    await this.boot();
  }

  async createApp(name: string): Promise<App> {
    return this.store.createApp({ name, ownerId: this.user.id });
  }

  async app(name: string): Promise<App> {
    return (await this.store.getApp(name))!;
  }

  /** Creates and rolls out a release; resolves with it, rejects with the controller's error. */
  async deploy(app: App, input: ReleaseInput, description = 'Deploy'): Promise<Release> {
    const release = await this.controller.createRelease({ app, user: this.user, buildId: null, image: input.image, digest: null, processTypes: input.processTypes, description });
    return this.controller.rollout(app, release);
  }

  async statuses(app: App): Promise<string> {
    return (await this.store.listReleases(app.id, 50)).map((r) => `v${r.version} ${r.status}`).reverse().join(', ');
  }

  /** GET through the router as a browser would ask http://<app>.localhost/ */
  get(app: string, path = '/'): Promise<Routed> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: this.routerPort, path, agent: this.agent, headers: { host: `${app}.localhost` }, timeout: 5000 }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, release: res.headers['x-paas-release'] as string | undefined, body }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
    });
  }

  /** A bounded loop of concurrent GETs, recording every answer, until stopped. */
  load(app: string, workers = 3, maxMs = 60_000): { stop(): Promise<Routed[]> } {
    const results: Routed[] = [];
    let stopped = false;
    const deadline = Date.now() + maxMs;
    const worker = async () => {
      while (!stopped && Date.now() < deadline) {
        try {
          results.push(await this.get(app));
        } catch (err) {
          results.push({ status: 0, release: undefined, body: err instanceof Error ? err.message : String(err) });
        }
      }
    };
    const running = Promise.all(Array.from({ length: workers }, worker));
    return {
      async stop() {
        stopped = true;
        await running;
        return results;
      },
    };
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    for (const app of await this.store.listApps()) {
      await this.controller.destroy(app).catch(() => undefined);
    }
    await this.applier.idle();
    await this.runtime.close();
    this.agent.destroy();
    await this.closeRouter();
    await this.store.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Polls (bounded) until `check` passes; returns its value. */
export async function until<T>(what: string, probe: () => Promise<T> | T, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (let i = 0; i < 2000 && Date.now() < deadline; i++) {
    try {
      last = await probe();
      if (check(last)) return last;
    } catch {
      // keep polling until the deadline
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} not reached in time; last: ${JSON.stringify(last)}`);
}
