/**
 * One process of the router under benchmark: our router (router/proxy.ts)
 * standalone on 127.0.0.1 port 0, with a fixed route table sending
 * `<app>.localhost` to one backend endpoint. Prints "listening <port>".
 *
 *   node dist/bench/support/router-child.js <app> <backendPort>
 */
import type { AddressInfo } from 'node:net';
import { RouterMetrics } from '../../router/metrics.js';
import { createRouterServer } from '../../router/proxy.js';
import { createRouteTableHolder } from '../../router/table-holder.js';

const [app = 'bench', backendPort = '0'] = process.argv.slice(2);
const table = createRouteTableHolder({
  [app]: { app, releases: [{ release: 1, weight: 100, endpoints: [{ id: `${app}-v1-web-1`, host: '127.0.0.1', port: Number(backendPort) }] }] },
});
const server = createRouterServer({ domain: 'localhost', table, metrics: new RouterMetrics(), logger: (line) => process.stderr.write(`${line}\n`) });
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`));
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
