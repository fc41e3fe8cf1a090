/**
 * The router's route table, compiled per app. The single-host server feeds
 * it from the controller; the standalone router from the watch stream. A
 * change to one app recompiles that app only (the others keep their
 * balancing state), so applying a change costs the same with one app or a
 * thousand. Swapping an app's compiled route is the whole switch: the next
 * request sees it, requests in flight keep the endpoint they already hold,
 * so moving traffic (a rollback) drops nothing.
 */
import { compileApp, type CompiledApp } from './compiled-routes.js';
import type { AppRoute, RouteTable, RouteTableSource } from './route-table.js';

export interface RouteTableHolder extends RouteTableSource {
  /** Replaces the whole table (a snapshot). */
  set(table: RouteTable): void;
  /** Changes one app; undefined removes it. */
  setApp(app: string, route: AppRoute | undefined): void;
  /** The table as last set (for status pages and tests; builds an object). */
  table(): RouteTable;
  size(): number;
}

export function createRouteTableHolder(initial: RouteTable = {}): RouteTableHolder {
  const routes = new Map<string, AppRoute>();
  const compiled = new Map<string, CompiledApp>();
  const holder: RouteTableHolder = {
    lookup: (app) => compiled.get(app),
    set(table) {
      routes.clear();
      compiled.clear();
      for (const [app, route] of Object.entries(table)) holder.setApp(app, route);
    },
    setApp(app, route) {
      if (route === undefined) {
        routes.delete(app);
        compiled.delete(app);
        return;
      }
      routes.set(app, route);
      compiled.set(app, compileApp(app, route));
    },
    table: () => Object.fromEntries(routes),
    size: () => routes.size,
  };
  holder.set(initial);
  return holder;
}
