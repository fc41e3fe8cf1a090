/**
 * The router inside paas-server (the single-host default), run on a worker
 * thread of its own: reconciliation, builds and git on the server's event
 * loop cannot delay requests (measured before: 60 routed requests took
 * 250-450 ms while 60 apps reconciled on a shared loop). The server feeds
 * it the route table as it changes; the worker owns the listening socket.
 * A worker that dies is started again on the same port with the table as it
 * stands, so the apps are not left without a router while the server runs.
 */
import { Worker } from 'node:worker_threads';
import type { AppRoute, RouteTable } from './route-table.js';

export interface EmbeddedRouterInit {
  domain: string;
  host: string;
  port: number;
}

export type ToRouter =
  | { type: 'snapshot'; routes: RouteTable }
  | { type: 'app'; app: string; route: AppRoute | null }
  | { type: 'stop'; graceMs: number };

type FromRouter =
  | { type: 'listening'; port: number }
  | { type: 'error'; message: string; code?: string }
  | { type: 'log'; line: string }
  | { type: 'stopped' };

export interface EmbeddedRouter {
  port: number;
  /** The whole table, once known: until then the router answers 503 "starting" for apps it does not know. */
  setTable(routes: RouteTable): void;
  setApp(app: string, route: AppRoute | undefined): void;
  /** Finishes requests in flight (up to `graceMs`), then ends the thread. */
  close(graceMs: number): Promise<void>;
}

/** Bounds restarts of a router that keeps dying (a bug, not a blip): after this many in a minute, give up and say so. */
const MAX_RESTARTS_PER_MINUTE = 5;

function spawn(init: EmbeddedRouterInit, log: (line: string) => void): Promise<{ worker: Worker; port: number }> {
  const worker = new Worker(new URL('./embedded-worker.js', import.meta.url), { workerData: init });
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromRouter) => {
      if (message.type === 'listening') {
        worker.off('message', onMessage);
        resolve({ worker, port: message.port });
      }
      if (message.type === 'error') reject(Object.assign(new Error(`router: ${message.message}`), { code: message.code }));
    };
    worker.on('message', onMessage);
    worker.on('message', (message: FromRouter) => {
      if (message.type === 'log') log(message.line);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`router thread exited with ${code}`)));
  });
}

export async function startEmbeddedRouter(init: EmbeddedRouterInit, log: (line: string) => void): Promise<EmbeddedRouter> {
  let { worker, port } = await spawn(init, log);
  const routes = new Map<string, AppRoute>();
  let complete = false;
  let closing = false;
  const restarts: number[] = [];

  const send = (message: ToRouter) => worker.postMessage(message);
  const supervise = (current: Worker) => {
    current.on('error', (err) => log(`router thread failed: ${err.message}`));
    current.once('exit', (code) => {
      if (closing || current !== worker) return;
      const now = Date.now();
      restarts.push(now);
      while (restarts.length > 0 && restarts[0]! < now - 60_000) restarts.shift();
      if (restarts.length > MAX_RESTARTS_PER_MINUTE) {
        log(`router thread exited with ${code} ${restarts.length} times in a minute; not starting it again (restart paas-server)`);
        return;
      }
      log(`router thread exited with ${code}; starting it again on port ${port}`);
      spawn({ ...init, port }, log).then((next) => {
        worker = next.worker;
        supervise(worker);
        // What it knew is re-sent: the table as it stands, and whether it is whole.
        if (complete) send({ type: 'snapshot', routes: Object.fromEntries(routes) });
        else for (const [app, route] of routes) send({ type: 'app', app, route });
      }, (err: unknown) => log(`router thread could not start again: ${err instanceof Error ? err.message : String(err)}`));
    });
  };
  supervise(worker);

  return {
    port,
    setTable(table) {
      routes.clear();
      for (const [app, route] of Object.entries(table)) routes.set(app, route);
      complete = true;
      send({ type: 'snapshot', routes: table });
    },
    setApp(app, route) {
      if (route === undefined) routes.delete(app);
      else routes.set(app, route);
      send({ type: 'app', app, route: route ?? null });
    },
    close(graceMs) {
      closing = true;
      const current = worker;
      if (current.threadId === -1) return Promise.resolve();
      return new Promise((resolve) => {
        current.once('exit', () => resolve());
        current.on('message', (message: FromRouter) => {
          if (message.type === 'stopped') void current.terminate();
        });
        send({ type: 'stop', graceMs });
      });
    },
  };
}
