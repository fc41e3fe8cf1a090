/** /v1/tokens: the caller's own API tokens. The secret is shown only in the create response. */
import { Router } from 'express';
import { z } from 'zod';
import { PaasError } from '../../errors.js';
import { issueToken } from '../../auth/tokens.js';
import { currentUser } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { presentToken } from '../present.js';
import { parseBody } from '../validate.js';

const MAX_EXPIRY_SECONDS = 10 * 365 * 24 * 3600;
const CreateToken = z.object({
  description: z.string().max(200).optional(),
  expiresIn: z.number().int().positive().max(MAX_EXPIRY_SECONDS).optional(),
}).strict();

export function tokenRoutes(deps: ApiDeps): Router {
  const router = Router();

  router.get('/tokens', async (req, res) => {
    res.json((await deps.store.listTokens(currentUser(req).id)).map(presentToken));
  });

  router.post('/tokens', async (req, res) => {
    const user = currentUser(req);
    const body = parseBody(CreateToken, req.body);
    const expiresAt = body.expiresIn === undefined ? null : new Date(deps.now().getTime() + body.expiresIn * 1000);
    const issued = await issueToken(deps.store, { userId: user.id, description: body.description ?? '', expiresAt });
    res.status(201).json({ ...presentToken(issued.record), token: issued.token });
  });

  router.delete('/tokens/:id', async (req, res) => {
    const user = currentUser(req);
    const token = await deps.store.getToken(String(req.params.id));
    if (!token || (token.userId !== user.id && !user.admin)) {
      throw new PaasError('TOKEN_NOT_FOUND', `No token ${req.params.id}`, { hint: 'See your tokens with "paas tokens".' });
    }
    await deps.store.deleteToken(token.id);
    res.json({ id: token.id });
  });

  return router;
}
