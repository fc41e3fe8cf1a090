/** /v1/apps: create, list, info, destroy. */
import { Router } from 'express';
import { z } from 'zod';
import { assertAppName, generateAppName } from '../../domain/names.js';
import { currentUser } from '../auth.js';
import { requestAppAccess } from '../access.js';
import type { ApiDeps } from '../deps.js';
import { presentApp } from '../present.js';
import { parseBody } from '../validate.js';

const CreateApp = z.object({ name: z.string().optional() }).strict();
const GENERATE_ATTEMPTS = 5;

export function appsRoutes(deps: ApiDeps): Router {
  const router = Router();

  router.get('/apps', async (req, res) => {
    const user = currentUser(req);
    const apps = await deps.store.listApps(user.admin ? undefined : user.id);
    res.json(apps.map((app) => presentApp(app, deps.urls)));
  });

  /** The record, then what the runtime needs for it; if that fails, the record goes again and the error says why. */
  const create = async (name: string, ownerId: number) => {
    const app = await deps.store.createApp({ name, ownerId });
    try {
      await deps.hooks.appCreated?.(app);
    } catch (err) {
      await deps.store.deleteApp(app.id);
      throw err;
    }
    return app;
  };

  router.post('/apps', async (req, res) => {
    const user = currentUser(req);
    const body = parseBody(CreateApp, req.body);
    if (body.name !== undefined) {
      const app = await create(assertAppName(body.name), user.id);
      res.status(201).json(presentApp(app, deps.urls));
      return;
    }
    // Generated names can collide; a few fresh draws make that vanishingly rare.
    for (let attempt = 1; ; attempt++) {
      const name = generateAppName();
      if (await deps.store.getApp(name) && attempt < GENERATE_ATTEMPTS) continue;
      const app = await create(name, user.id);
      res.status(201).json(presentApp(app, deps.urls));
      return;
    }
  });

  router.get('/apps/:app', async (req, res) => {
    const { app } = await requestAppAccess(deps.store, req, 'member');
    res.json(presentApp(app, deps.urls));
  });

  router.delete('/apps/:app', async (req, res) => {
    const { app } = await requestAppAccess(deps.store, req, 'owner');
    await deps.hooks.appDestroying?.(app);
    await deps.store.deleteApp(app.id);
    deps.log(`app ${app.name} destroyed by ${currentUser(req).email}`);
    res.json({ name: app.name });
  });

  return router;
}
