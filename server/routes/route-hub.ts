/**
 * Holds the current route table and tells subscribers about every change,
 * one app at a time. The controller publishes an app's route after each
 * convergence; the embedded router and the watch stream (`GET
 * /v1/routes?watch=1`) subscribe. Publishing an unchanged route is free of
 * consequences (no revision, no event), and a change to one app costs the
 * same whatever the number of apps (wire format in router/route-table.ts).
 */
import type { AppRoute, RouteTable } from '../../router/route-table.js';

export interface RouteChange {
  revision: number;
  app: string;
  /** undefined: the app has no route any more. */
  route: AppRoute | undefined;
}

export type RouteListener = (change: RouteChange) => void;

export class RouteHub {
  private readonly routes = new Map<string, { route: AppRoute; json: string }>();
  private revision = 0;
  private readonly listeners = new Set<RouteListener>();
  private markPublished!: () => void;
  /**
   * Settles once every app's route is known (after the controller's first
   * pass at start-up). Until then a router would take a partial table for
   * the truth and answer 404 for apps not converged yet.
   */
  readonly published = new Promise<void>((resolve) => (this.markPublished = resolve));

  /** The whole table: for a new subscriber's snapshot (builds an object). */
  current(): { table: RouteTable; revision: number } {
    const table: RouteTable = {};
    for (const [app, entry] of this.routes) table[app] = entry.route;
    return { table, revision: this.revision };
  }

  route(app: string): AppRoute | undefined {
    return this.routes.get(app)?.route;
  }

  publishApp(app: string, route: AppRoute | undefined): void {
    const before = this.routes.get(app);
    if (route === undefined) {
      if (!before) return;
      this.routes.delete(app);
    } else {
      const json = JSON.stringify(route);
      if (before?.json === json) return;
      this.routes.set(app, { route, json });
    }
    this.revision++;
    const change: RouteChange = { revision: this.revision, app, route };
    for (const listener of this.listeners) listener(change);
  }

  /** Every app has been published once: the table is whole. */
  markComplete(): void {
    this.markPublished();
  }

  subscribe(listener: RouteListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
