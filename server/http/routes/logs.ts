/**
 * GET /v1/apps/:app/logs: instance output as text lines
 * (`2026-01-01T00:00:00.000Z app[web.1]: listening`). `tail=1` keeps the
 * response open and streams new lines until the client goes away.
 */
import { Router } from 'express';
import { PaasError } from '../../errors.js';
import type { Runtime } from '../../runtime/runtime.js';
import type { Store } from '../../store/store.js';
import { requestAppAccess } from '../access.js';

const MAX_LINES = 10_000;

export function logRoutes(deps: { store: Store; runtime: Runtime }): Router {
  const router = Router();
  router.get('/apps/:app/logs', async (req, res) => {
    const { app } = await requestAppAccess(deps.store, req, 'member');
    const follow = req.query.tail === '1' || req.query.tail === 'true';
    const lines = req.query.lines === undefined ? 100 : Number(req.query.lines);
    if (!Number.isInteger(lines) || lines < 0 || lines > MAX_LINES) {
      throw new PaasError('VALIDATION_FAILED', `lines must be a whole number from 0 to ${MAX_LINES}`);
    }
    const process = typeof req.query.process === 'string' ? req.query.process : undefined;
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.flushHeaders();
    try {
      for await (const line of deps.runtime.logs({ app: app.name, ...(process ? { process } : {}) }, { follow, tail: lines, signal: abort.signal })) {
        res.write(`${line.time.toISOString()} app[${line.source}]: ${line.line}\n`);
      }
    } catch (err) {
      if (!abort.signal.aborted) res.write(`-- log stream ended: ${err instanceof Error ? err.message : 'error'}\n`);
    }
    res.end();
  });
  return router;
}
