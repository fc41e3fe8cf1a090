/** /v1/users (admin only) and /v1/whoami. */
import { Router } from 'express';
import { z } from 'zod';
import { PaasError } from '../../errors.js';
import { assertEmail } from '../../domain/names.js';
import { issueToken } from '../../auth/tokens.js';
import { currentUser, requireAdmin } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { presentToken, presentUser } from '../present.js';
import { parseBody } from '../validate.js';

const CreateUser = z.object({ email: z.string(), admin: z.boolean().optional() }).strict();

export function userRoutes(deps: ApiDeps): Router {
  const router = Router();

  router.get('/whoami', (req, res) => {
    res.json(presentUser(currentUser(req)));
  });

  router.get('/users', async (req, res) => {
    requireAdmin(req);
    res.json((await deps.store.listUsers()).map(presentUser));
  });

  router.post('/users', async (req, res) => {
    const admin = requireAdmin(req);
    const body = parseBody(CreateUser, req.body);
    const user = await deps.store.createUser({ email: assertEmail(body.email), admin: body.admin ?? false });
    const issued = await issueToken(deps.store, { userId: user.id, description: `first token, made by ${admin.email}`, expiresAt: null });
    deps.log(`user ${user.email} created by ${admin.email}`);
    res.status(201).json({ user: presentUser(user), token: { ...presentToken(issued.record), token: issued.token } });
  });

  router.delete('/users/:email', async (req, res) => {
    const admin = requireAdmin(req);
    const email = assertEmail(req.params.email);
    const user = await deps.store.getUserByEmail(email);
    if (!user) throw new PaasError('USER_NOT_FOUND', `No user ${email}`, { hint: 'See the users with "paas users".' });
    if (user.id === admin.id) throw new PaasError('CONFLICT', 'You cannot remove yourself', { hint: 'Ask another admin.' });
    const owned = (await deps.store.listApps(user.id)).filter((app) => app.ownerId === user.id);
    if (owned.length > 0) {
      throw new PaasError('CONFLICT', `${email} still owns ${owned.map((a) => a.name).join(', ')}`, { hint: 'Destroy those apps first.' });
    }
    await deps.store.deleteUser(user.id);
    deps.log(`user ${email} removed by ${admin.email}`);
    res.json({ email });
  });

  return router;
}
