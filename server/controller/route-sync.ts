/**
 * Keeps the published route table equal to store + runtime. Called after
 * every traffic move, and on a timer so instances that crash, restart or
 * appear (adoption after a server restart) are reflected without anyone
 * asking. Readiness is remembered per instance id: an instance enters the
 * table only after a probe passed.
 */
import type { RouteTable } from '../../router/route-table.js';
import type { Logger } from '../http/errors.js';
import type { RouteHub } from '../routes/route-hub.js';
import type { Instance, Runtime } from '../runtime/runtime.js';
import type { Store } from '../store/store.js';
import { probeOnce } from './readiness.js';
import { buildAppRoute } from './route-table.js';

export class RouteSync {
  private readonly ready = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;

  constructor(private readonly deps: { store: Store; runtime: Runtime; hub: RouteHub; log: Logger }) {}

  markReady(ids: Iterable<string>): void {
    for (const id of ids) this.ready.add(id);
  }

  /** Takes instances out of rotation before they are stopped (draining). */
  markNotReady(ids: Iterable<string>): void {
    for (const id of ids) this.ready.delete(id);
  }

  isReady(id: string): boolean {
    return this.ready.has(id);
  }

  /** Rebuilds and publishes the whole table; `probeUnknown` checks running instances not yet known ready. */
  async sync(probeUnknown = false): Promise<void> {
    const instances = await this.deps.runtime.list();
    const live = new Set(instances.map((i) => i.id));
    for (const id of this.ready) if (!live.has(id)) this.ready.delete(id);

    const table: RouteTable = {};
    for (const app of await this.deps.store.listApps()) {
      const traffic = await this.deps.store.getTraffic(app.id);
      if (traffic.length === 0) continue;
      const releases = await this.deps.store.listReleases(app.id, 1000);
      const runsOn = new Map(releases.map((r) => [r.version, r.runsOn]));
      const mine = instances.filter((i) => i.app === app.name);
      // Warm instance sets count too: after a server restart, rollback to them must stay instant.
      if (probeUnknown) await this.probe(mine, app.healthcheckPath);
      table[app.name] = buildAppRoute({ app: app.name, traffic, runsOn, instances: mine, ready: (i) => this.ready.has(i.id) });
    }
    this.deps.hub.publish(table);
  }

  private async probe(instances: Instance[], path: string | null): Promise<void> {
    const unknown = instances.filter((i) => i.endpoint && i.state === 'running' && !this.ready.has(i.id));
    const results = await Promise.all(unknown.map(async (i) => [i.id, await probeOnce(i.endpoint!, path)] as const));
    for (const [id, result] of results) if (result.ok) this.ready.add(id);
  }

  /** Periodic resync; overlapping runs are skipped. */
  startLoop(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.syncing) return;
      this.syncing = this.sync(true)
        .catch((err: unknown) => this.deps.log(`route sync failed: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => (this.syncing = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async stopLoop(): Promise<void> {
    clearInterval(this.timer);
    await this.syncing;
  }
}
