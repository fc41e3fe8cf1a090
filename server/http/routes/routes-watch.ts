/**
 * GET /v1/routes: the route table for routers. With `?watch=1` the response
 * stays open and streams newline-delimited JSON: the current snapshot at
 * once, then one line per app that changes, and heartbeats in between (wire
 * format in router/route-table.ts). Admin tokens only: the table names every
 * app and its endpoints.
 */
import { Router } from 'express';
import type { RouteEvent } from '../../../router/route-table.js';
import type { RouteHub } from '../../routes/route-hub.js';
import { requireAdmin } from '../auth.js';

const HEARTBEAT_MS = 5000;
/**
 * A router that stopped reading (a half-open connection) would make every
 * route change pile up in this process's memory until TCP gives up. Past
 * this much unsent data the stream is cut; a live router reconnects and
 * gets a fresh snapshot.
 */
export const MAX_UNSENT_BYTES = 8 * 1024 * 1024;

export function routesWatchRoutes(hub: RouteHub): Router {
  const router = Router();
  router.get('/routes', async (req, res) => {
    requireAdmin(req);
    await hub.published;
    if (res.destroyed) return;
    const { table, revision } = hub.current();
    if (req.query.watch !== '1' && req.query.watch !== 'true') {
      res.json({ revision, routes: table });
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    const send = (event: RouteEvent) => {
      if (res.writableLength > MAX_UNSENT_BYTES) {
        res.destroy();
        return;
      }
      res.write(`${JSON.stringify(event)}\n`);
    };
    send({ type: 'snapshot', revision, routes: table });
    // Subscribed in the same tick as the snapshot was taken: no change falls between.
    const unsubscribe = hub.subscribe((change) => send({ type: 'app', revision: change.revision, app: change.app, route: change.route ?? null }));
    const heartbeat = setInterval(() => send({ type: 'heartbeat' }), HEARTBEAT_MS);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });
  return router;
}
