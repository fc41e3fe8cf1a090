/**
 * Holds the current route table and tells subscribers about every change.
 * The controller publishes; the in-process router and the watch stream
 * (`GET /v1/routes?watch=1`) subscribe. Each publish bumps the revision, and
 * subscribers always get whole tables (see router/route-table.ts).
 */
import type { RouteTable } from '../../router/route-table.js';

export type RouteListener = (table: RouteTable, revision: number) => void;

export class RouteHub {
  private table: RouteTable = {};
  private revision = 0;
  private readonly listeners = new Set<RouteListener>();
  private markPublished!: () => void;
  /**
   * Settles at the first publish. Until then the table is not known (the
   * server is still adopting what runs), and an empty table handed to a
   * router would make it answer 404 for every app during a server restart.
   */
  readonly published = new Promise<void>((resolve) => (this.markPublished = resolve));

  current(): { table: RouteTable; revision: number } {
    return { table: this.table, revision: this.revision };
  }

  publish(table: RouteTable): void {
    this.markPublished();
    if (JSON.stringify(table) === JSON.stringify(this.table)) return;
    this.table = table;
    this.revision++;
    for (const listener of this.listeners) listener(table, this.revision);
  }

  subscribe(listener: RouteListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
