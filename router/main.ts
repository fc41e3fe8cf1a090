/**
 * paas-router: wiring only. Reads the configuration once, subscribes to the
 * control plane's route stream, serves apps, and on SIGTERM stops taking new
 * connections and lets requests in flight finish (Kubernetes sends SIGTERM
 * and waits terminationGracePeriodSeconds).
 *
 * The single-host server does not run this: it calls createRouterServer with
 * a table holder it sets itself.
 */
import { isPaasError } from '../server/errors.js';
import { parseRouterConfig, type RouterConfig } from './config.js';
import { RouterMetrics } from './metrics.js';
import { createRouterServer } from './proxy.js';
import { closeGracefully } from './shutdown.js';
import { createRouteTableHolder } from './table-holder.js';
import { watchRoutes } from './watch-client.js';

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} paas-router ${line}\n`);
}

async function serve(config: RouterConfig): Promise<void> {
  const table = createRouteTableHolder();
  let haveTable = false;
  const server = createRouterServer({
    domain: config.domain,
    table,
    logger: log,
    metrics: new RouterMetrics(),
    ready: () => haveTable,
  });
  const stop = new AbortController();
  const watching = watchRoutes({
    url: config.serverUrl,
    token: config.token,
    signal: stop.signal,
    logger: log,
    onTable: (routes) => {
      if (!haveTable) log(`first route table: ${Object.keys(routes).length} app(s)`);
      haveTable = true;
      table.set(routes);
    },
    onApp: (app, route) => table.setApp(app, route),
  });

  server.listen(config.port, config.host);
  await new Promise<void>((ok, fail) => {
    server.once('listening', ok);
    server.once('error', fail);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  process.stdout.write(`paas-router listening on http://${config.host}:${port}; apps at http://<app>.${config.domain}:${port}\n`);

  const shutdown = () => {
    log('shutting down: finishing requests in flight');
    stop.abort();
    void Promise.all([closeGracefully(server, config.drainSeconds * 1000), watching]).then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

try {
  await serve(parseRouterConfig(process.env));
} catch (err) {
  if (isPaasError(err)) {
    process.stderr.write(`${err.message}\n${err.hint ?? ''}\n`);
  } else {
    process.stderr.write(`paas-router failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exit(2);
}
