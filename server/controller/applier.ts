/**
 * The one effectful step of the controller: converges what runs toward the
 * plan for one app (desired state from the store, observed state from the
 * runtime's cache), then publishes the app's route. Safe to run at any
 * moment and as often as wanted (after a crash, a restart, a lost event):
 * the driver treats an unchanged set as a no-op and the hub an unchanged
 * route.
 *
 * Runs of one app are serialized and coalesced (keyed-runs.ts): a request
 * while a run is in progress queues exactly one more run, which reads the
 * store afresh, so every change is seen and bursts of events cost one extra
 * run, not one each. Different apps converge in parallel and never read each
 * other's state.
 */
import { KeyedRuns } from '../concurrency/keyed-runs.js';
import type { Logger } from '../http/errors.js';
import type { RouteHub } from '../routes/route-hub.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Store } from '../store/store.js';
import { readDesired } from './desired.js';
import { planApp, planRemoval, type AppPlan } from './plan.js';

export interface ApplierDeps {
  store: Store;
  runtime: Runtime;
  hub: RouteHub;
  log: Logger;
  warmReleases: number;
}

export class Applier {
  private readonly runs = new KeyedRuns((app) => this.convergeOnce(app));

  constructor(private readonly deps: ApplierDeps) {}

  /** Converges one app; resolves when a run that started after this call has finished. */
  converge(app: string): Promise<void> {
    return this.runs.request(app);
  }

  /** Converges one app and logs a failure instead of throwing (event-driven runs). */
  convergeQuietly(app: string): Promise<void> {
    return this.converge(app).catch((err: unknown) => this.deps.log(`converging ${app}: ${describe(err)}`));
  }

  /** Every app in the store and every app the runtime runs (an app removed meanwhile goes). */
  async convergeAll(): Promise<void> {
    const apps = new Set([...(await this.deps.store.listApps()).map((a) => a.name), ...this.deps.runtime.observedApps()]);
    await Promise.all([...apps].map((app) => this.convergeQuietly(app)));
  }

  /** Resolves when no run is in progress or queued. */
  idle(): Promise<void> {
    return this.runs.idle();
  }

  private async convergeOnce(appName: string): Promise<void> {
    const { store, runtime, hub } = this.deps;
    const app = await store.getApp(appName);
    const observed = runtime.observe(appName);
    const plan: AppPlan = app ? planApp(await readDesired(store, app, this.deps.warmReleases), observed) : planRemoval(observed);
    // Routes first: a set about to go must be out of rotation before it drains.
    hub.publishApp(appName, plan.route);
    const results = await Promise.allSettled([
      ...(app ? [runtime.setLiveRelease(appName, plan.live)] : []),
      ...plan.apply.map((spec) => runtime.applySet(spec)),
      ...plan.remove.map((key) => runtime.deleteSet(key)),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
