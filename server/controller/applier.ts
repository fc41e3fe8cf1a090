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
import type { Runtime, SetKey } from '../runtime/runtime.js';
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

/** One thing the runtime refused while converging; the rest was still done. */
export interface ConvergeFailure {
  /** The set concerned; undefined for the app's live Service. */
  key?: SetKey;
  error: unknown;
}

export interface ConvergeReport {
  failures: ConvergeFailure[];
}

export class Applier {
  private readonly runs = new KeyedRuns<ConvergeReport>((app) => this.convergeOnce(app));

  constructor(private readonly deps: ApplierDeps) {}

  /**
   * Converges one app; resolves when a run that started after this call has
   * finished, with what the runtime refused (each set is tried whatever
   * happens to the others). Rejects only when the desired state cannot be
   * read.
   */
  converge(app: string): Promise<ConvergeReport> {
    return this.runs.request(app);
  }

  /** Converges one app and logs what failed instead of reporting it (event-driven runs). */
  async convergeQuietly(app: string): Promise<void> {
    try {
      for (const failure of (await this.converge(app)).failures) this.deps.log(`converging ${app}: ${describe(failure.error)}`);
    } catch (err) {
      this.deps.log(`converging ${app}: ${describe(err)}`);
    }
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

  private async convergeOnce(appName: string): Promise<ConvergeReport> {
    const { store, runtime, hub } = this.deps;
    const app = await store.getApp(appName);
    const observed = runtime.observe(appName);
    const plan: AppPlan = app ? planApp(await readDesired(store, app, this.deps.warmReleases), observed) : planRemoval(observed);
    // Routes first: a set about to go must be out of rotation before it drains.
    hub.publishApp(appName, plan.route);
    const failures: ConvergeFailure[] = [];
    const attempt = (key: SetKey | undefined, work: () => Promise<void>) => work().catch((error: unknown) => {
      failures.push({ ...(key ? { key } : {}), error });
    });
    await Promise.all([
      ...(app ? [attempt(undefined, () => runtime.setLiveRelease(appName, plan.live))] : []),
      ...plan.apply.map((spec) => attempt(spec, () => runtime.applySet(spec))),
      ...plan.remove.map((key) => attempt(key, () => runtime.deleteSet(key))),
    ]);
    return { failures };
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
