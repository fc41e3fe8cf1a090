/**
 * The express application of the control plane: health probes, the JSON API
 * under /v1 behind bearer auth, and whatever extra routers main.ts mounts
 * (the git endpoint, which has its own Basic auth).
 */
import express, { type Router } from 'express';
import { createBearerAuth } from './auth.js';
import type { ApiDeps } from './deps.js';
import { errorMiddleware, notFoundRoute } from './errors.js';
import { appsRoutes } from './routes/apps.js';
import { collaboratorRoutes } from './routes/collaborators.js';
import { configRoutes } from './routes/config-vars.js';
import { tokenRoutes } from './routes/tokens.js';
import { userRoutes } from './routes/users.js';

export interface ApiAppOptions {
  deps: ApiDeps;
  maxBodyBytes: number;
  /** Routers mounted at / before the API (e.g. git smart-HTTP). */
  extraRouters?: Router[];
  /** Routers mounted under /v1 behind bearer auth (later issues). */
  apiRouters?: Router[];
  ready?: () => boolean;
}

export function createApiApp(options: ApiAppOptions): express.Express {
  const { deps } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(accessLog(deps.log));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const ready = options.ready?.() ?? true;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'starting' });
  });
  for (const router of options.extraRouters ?? []) app.use(router);

  const api = express.Router();
  api.use(createBearerAuth({ store: deps.store, now: deps.now }));
  api.use(express.json({ limit: options.maxBodyBytes, strict: false, type: () => true }));
  api.use(appsRoutes(deps), configRoutes(deps), collaboratorRoutes(deps), userRoutes(deps), tokenRoutes(deps));
  for (const router of options.apiRouters ?? []) api.use(router);
  app.use('/v1', api);

  app.use(notFoundRoute);
  app.use(errorMiddleware(deps.log));
  return app;
}

/** Method, path (never the query string: it could hold a secret), status, time. */
function accessLog(log: (line: string) => void): express.RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log(`${req.method} ${req.path} ${res.statusCode} ${ms.toFixed(1)}ms`);
    });
    next();
  };
}
