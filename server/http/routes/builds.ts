/** /v1/apps/:app/builds: what each push built, and its log. */
import { Router } from 'express';
import { PaasError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import type { Build } from '../../store/types.js';
import { requestAppAccess } from '../access.js';

const LIST_LIMIT = 50;

export function presentBuild(build: Build) {
  return {
    id: build.id,
    commit: build.commit,
    status: build.status,
    stack: build.stack,
    image: build.image,
    digest: build.digest,
    processTypes: build.processTypes ? Object.keys(build.processTypes) : [],
    error: build.error,
    createdBy: build.createdBy,
    createdAt: build.createdAt.toISOString(),
    finishedAt: build.finishedAt?.toISOString() ?? null,
    durationMs: build.finishedAt ? build.finishedAt.getTime() - build.createdAt.getTime() : null,
  };
}

export function buildRoutes(deps: { store: Store }): Router {
  const router = Router();

  router.get('/apps/:app/builds', async (req, res) => {
    const { app } = await requestAppAccess(deps.store, req, 'member');
    res.json((await deps.store.listBuilds(app.id, LIST_LIMIT)).map(presentBuild));
  });

  router.get('/apps/:app/builds/:id', async (req, res) => {
    const { app } = await requestAppAccess(deps.store, req, 'member');
    const id = String(req.params.id);
    const build = /^[A-Za-z0-9-]{1,64}$/.test(id) ? await deps.store.getBuild(app.id, id) : undefined;
    if (!build) throw new PaasError('BUILD_NOT_FOUND', `${app.name} has no build ${id.slice(0, 64)}`, { hint: `See them with "paas builds -a ${app.name}".` });
    res.json({ ...presentBuild(build), log: await deps.store.getBuildLog(build.id) });
  });

  return router;
}
