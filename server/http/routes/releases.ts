/** /v1/apps/:app/releases: the audit log of what ran, and rollback. */
import { Router } from 'express';
import { z } from 'zod';
import { PaasError } from '../../errors.js';
import type { Controller } from '../../controller/controller.js';
import type { Store } from '../../store/store.js';
import type { Release } from '../../store/types.js';
import { currentUser } from '../auth.js';
import { requestAppAccess } from '../access.js';
import { parseBody } from '../validate.js';

const Rollback = z.object({ version: z.number().int().positive().optional() }).strict();
const LIST_LIMIT = 100;

export function presentRelease(release: Release, traffic: Map<number, number>, warmSets: ReadonlySet<number> = new Set(), withConfig = false) {
  const share = traffic.get(release.version) ?? 0;
  return {
    version: release.version,
    description: release.description,
    status: release.status,
    createdBy: release.createdBy,
    createdAt: release.createdAt.toISOString(),
    image: release.image,
    digest: release.digest,
    buildId: release.buildId,
    processTypes: Object.keys(release.processTypes),
    runsOn: release.runsOn,
    traffic: share,
    /** Not serving, but its instances run and are ready: rolling back to it only moves traffic. */
    warm: share === 0 && release.status === 'succeeded' && warmSets.has(release.runsOn),
    error: release.error,
    ranReleasePhase: release.ranReleasePhase,
    // Only key names: values are secrets and the config endpoint shows them to those who ask.
    ...(withConfig ? { configKeys: Object.keys(release.config) } : {}),
  };
}

export function parseVersion(raw: string): number {
  const match = /^v?(\d{1,9})$/.exec(raw);
  if (!match) throw new PaasError('VALIDATION_FAILED', `"${raw.slice(0, 20)}" is not a release version`, { hint: 'Write it like v3 or 3.' });
  return Number(match[1]);
}

export function releaseRoutes(deps: { store: Store; controller: Controller }): Router {
  const router = Router();

  const trafficOf = async (appId: number) => new Map((await deps.store.getTraffic(appId)).map((t) => [t.version, t.weight]));

  router.get('/apps/:app/releases', async (req, res) => {
    const { app } = await requestAppAccess(deps.store, req, 'member');
    const [traffic, warm] = await Promise.all([trafficOf(app.id), deps.controller.warmSets(app)]);
    res.json((await deps.store.listReleases(app.id, LIST_LIMIT)).map((r) => presentRelease(r, traffic, warm)));
  });

  router.get('/apps/:app/releases/:version', async (req, res) => {
    const { app } = await requestAppAccess(deps.store, req, 'member');
    const version = parseVersion(String(req.params.version));
    const release = await deps.store.getRelease(app.id, version);
    if (!release) throw new PaasError('RELEASE_NOT_FOUND', `${app.name} has no release v${version}`, { hint: `See them with "paas releases -a ${app.name}".` });
    res.json(presentRelease(release, await trafficOf(app.id), await deps.controller.warmSets(app), true));
  });

  router.post('/apps/:app/releases/rollback', async (req, res) => {
    const { app } = await requestAppAccess(deps.store, req, 'member');
    const body = parseBody(Rollback, req.body);
    const started = process.hrtime.bigint();
    const result = await deps.controller.rollback(app, currentUser(req), body.version);
    const traffic = await trafficOf(app.id);
    res.status(201).json({
      release: presentRelease(result.release, traffic),
      target: result.target.version,
      previous: result.previous.version,
      warm: result.warm,
      warnings: result.warnings,
      durationMs: Number(process.hrtime.bigint() - started) / 1e6,
    });
  });

  return router;
}
