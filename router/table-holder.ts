/**
 * The in-process route table: a holder the proxy reads once per request.
 * The single-host server sets it directly from the controller; the standalone
 * router sets it from the watch stream. Setting a new object is the whole
 * switch: the next request sees it, requests in flight keep the endpoint
 * they already hold, so moving traffic (a rollback) drops nothing.
 */
import type { RouteTable, RouteTableSource } from './route-table.js';

export interface RouteTableHolder extends RouteTableSource {
  set(table: RouteTable): void;
}

export function createRouteTableHolder(initial: RouteTable = {}): RouteTableHolder {
  let current = initial;
  return {
    get: () => current,
    set: (table) => {
      current = table;
    },
  };
}
