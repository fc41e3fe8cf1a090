/**
 * The router inside paas-server (the single-host default), run on a worker
 * thread of its own: reconciliation, builds and git on the server's event
 * loop cannot delay requests (measured before: 60 routed requests took
 * 250-450 ms while 60 apps reconciled on a shared loop). The server feeds
 * it the route table as it changes; the worker owns the listening socket.
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
  /** The whole table, once known: until then the router answers 503 "starting". */
  setTable(routes: RouteTable): void;
  setApp(app: string, route: AppRoute | undefined): void;
  /** Finishes requests in flight (up to `graceMs`), then ends the thread. */
  close(graceMs: number): Promise<void>;
}

export async function startEmbeddedRouter(init: EmbeddedRouterInit, log: (line: string) => void): Promise<EmbeddedRouter> {
  const worker = new Worker(new URL('./embedded-worker.js', import.meta.url), { workerData: init });
  const port = await new Promise<number>((resolve, reject) => {
    const onMessage = (message: FromRouter) => {
      if (message.type === 'listening') resolve(message.port);
      if (message.type === 'error') reject(Object.assign(new Error(`router: ${message.message}`), { code: message.code }));
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`router thread exited with ${code}`)));
  });
  worker.on('message', (message: FromRouter) => {
    if (message.type === 'log') log(message.line);
  });
  worker.on('error', (err) => log(`router thread failed: ${err.message}`));
  const send = (message: ToRouter) => worker.postMessage(message);
  return {
    port,
    setTable: (routes) => send({ type: 'snapshot', routes }),
    setApp: (app, route) => send({ type: 'app', app, route: route ?? null }),
    close(graceMs) {
      return new Promise((resolve) => {
        worker.once('exit', () => resolve());
        worker.on('message', (message: FromRouter) => {
          if (message.type === 'stopped') void worker.terminate();
        });
        send({ type: 'stop', graceMs });
      });
    },
  };
}
