/**
 * /v1/apps/:app/config: Heroku's shape. PATCH sets string values and unsets
 * keys given as null, all in one change. Values are stored byte-exact.
 */
import { Router } from 'express';
import { z } from 'zod';
import { PaasError } from '../../errors.js';
import { assertConfigKeys } from '../../domain/names.js';
import { currentUser } from '../auth.js';
import { requestAppAccess } from '../access.js';
import type { ApiDeps } from '../deps.js';
import { parseBody } from '../validate.js';

const ConfigPatch = z.record(z.string(), z.string().max(64 * 1024).nullable());

export function configRoutes(deps: ApiDeps): Router {
  const router = Router();

  router.get('/apps/:app/config', async (req, res) => {
    const { app } = await requestAppAccess(deps.store, req, 'member');
    res.json(await deps.store.getConfig(app.id));
  });

  router.patch('/apps/:app/config', async (req, res) => {
    const { app } = await requestAppAccess(deps.store, req, 'member');
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
      throw new PaasError('VALIDATION_FAILED', 'Config changes must be a JSON object of KEY: "value" (or null to unset)');
    }
    const patch = parseBody(ConfigPatch, req.body);
    const keys = Object.keys(patch);
    if (keys.length === 0) {
      throw new PaasError('VALIDATION_FAILED', 'No config vars given', { hint: 'Usage: paas config:set KEY=value …' });
    }
    assertConfigKeys(keys);
    const set: Record<string, string> = {};
    const unset: string[] = [];
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) unset.push(key);
      else set[key] = value;
    }
    const before = await deps.store.getConfig(app.id);
    const config = await deps.store.updateConfig(app.id, set, unset);
    let release: { version: number } | undefined;
    try {
      release = await deps.hooks.configChanged?.({ app, user: currentUser(req), set, unset, config });
    } catch (err) {
      // The release with the new config did not go live: keep the config that runs.
      const touched = [...Object.keys(set), ...unset];
      const restore = Object.fromEntries(touched.filter((k) => k in before).map((k) => [k, before[k]!]));
      await deps.store.updateConfig(app.id, restore, touched.filter((k) => !(k in before)));
      if (err instanceof PaasError) {
        throw new PaasError(err.code, err.message, { hint: `The config is unchanged. ${err.hint ?? ''}`.trim(), cause: err });
      }
      throw err;
    }
    // The body stays the config (Heroku's shape); the release it made rides in a header.
    if (release) res.setHeader('paas-release', `v${release.version}`);
    res.json(config);
  });

  return router;
}
