/** /v1/apps/:app/ps, /formation, /restart and /healthcheck: the running side of an app. */
import { Router } from 'express';
import { z } from 'zod';
import type { Controller } from '../../controller/controller.js';
import type { Runtime } from '../../runtime/runtime.js';
import type { Store } from '../../store/store.js';
import { requestAppAccess } from '../access.js';
import { parseBody } from '../validate.js';

const Scale = z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'process types are lowercase words like web or worker'), z.number().int());
const Restart = z.object({ process: z.string().optional() }).strict();
const Healthcheck = z.object({
  path: z.string().startsWith('/', 'must start with "/"').max(512).regex(/^[^\s#]*$/, 'must not contain spaces or "#"').nullable(),
}).strict();

export function processRoutes(deps: { store: Store; runtime: Runtime; controller: Controller }): Router {
  const router = Router();

  router.get('/apps/:app/ps', async (req, res) => {
    const { app } = await requestAppAccess(deps.store, req, 'member');
    const serving = await deps.controller.servingRelease(app);
    const instances = deps.runtime.observe(app.name).flatMap((set) => set.instances);
    const now = Date.now();
    res.json(instances
      .sort((a, b) => b.release - a.release || a.process.localeCompare(b.process) || a.name.localeCompare(b.name, undefined, { numeric: true }))
      .map((i) => ({
        name: i.name,
        process: i.process,
        release: i.release,
        state: i.state,
        serving: serving?.runsOn === i.release,
        startedAt: i.startedAt?.toISOString() ?? null,
        uptimeSeconds: i.startedAt && i.state === 'running' ? Math.round((now - i.startedAt.getTime()) / 1000) : null,
        restarts: i.restartCount,
        ready: i.ready,
      })));
  });

  router.get('/apps/:app/formation', async (req, res) => {
    const { app } = await requestAppAccess(deps.store, req, 'member');
    res.json(await deps.store.getFormation(app.id));
  });

  router.patch('/apps/:app/formation', async (req, res) => {
    const { app } = await requestAppAccess(deps.store, req, 'member');
    res.json(await deps.controller.scale(app, parseBody(Scale, req.body)));
  });

  router.post('/apps/:app/restart', async (req, res) => {
    const { app } = await requestAppAccess(deps.store, req, 'member');
    const body = parseBody(Restart, req.body);
    res.json({ restarted: await deps.controller.restart(app, body.process) });
  });

  router.get('/apps/:app/healthcheck', async (req, res) => {
    const { app } = await requestAppAccess(deps.store, req, 'member');
    res.json({ path: app.healthcheckPath });
  });

  router.put('/apps/:app/healthcheck', async (req, res) => {
    const { app } = await requestAppAccess(deps.store, req, 'member');
    const { path } = parseBody(Healthcheck, req.body);
    await deps.store.setHealthcheckPath(app.id, path);
    res.json({ path });
  });

  return router;
}
