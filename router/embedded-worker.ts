/**
 * The embedded router's thread (see embedded.ts): the router server and its
 * route table live here, on their own event loop, so the control plane's
 * work (reconciling apps after a restart, building, pushing) never delays a
 * request. The table arrives as messages: a snapshot, then one message per
 * app that changed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RouterMetrics } from './metrics.js';
import { createRouterServer } from './proxy.js';
import { closeGracefully } from './shutdown.js';
import { createRouteTableHolder } from './table-holder.js';
import type { EmbeddedRouterInit, ToRouter } from './embedded.js';

const init = workerData as EmbeddedRouterInit;
const port = parentPort!;
const table = createRouteTableHolder();
let complete = false;
const log = (line: string) => port.postMessage({ type: 'log', line });
const server = createRouterServer({ domain: init.domain, table, logger: log, metrics: new RouterMetrics(), ready: () => complete });

port.on('message', (message: ToRouter) => {
  switch (message.type) {
    case 'snapshot':
      table.set(message.routes);
      complete = true;
      break;
    case 'app':
      table.setApp(message.app, message.route ?? undefined);
      break;
    case 'stop':
      void closeGracefully(server, message.graceMs).then(() => {
        port.postMessage({ type: 'stopped' });
        port.close();
      });
      break;
  }
});

server.once('error', (err) => port.postMessage({ type: 'error', message: err.message, code: (err as NodeJS.ErrnoException).code }));
server.listen(init.port, init.host, () => {
  const address = server.address();
  port.postMessage({ type: 'listening', port: typeof address === 'object' && address ? address.port : init.port });
});
