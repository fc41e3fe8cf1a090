/** /v1/apps/:app/collaborators: who besides the owner may use an app. */
import { Router } from 'express';
import { z } from 'zod';
import { PaasError } from '../../errors.js';
import { assertEmail } from '../../domain/names.js';
import { requestAppAccess } from '../access.js';
import type { ApiDeps } from '../deps.js';
import { presentCollaborator } from '../present.js';
import { parseBody } from '../validate.js';

const AddCollaborator = z.object({ email: z.string() }).strict();

export function collaboratorRoutes(deps: ApiDeps): Router {
  const router = Router();

  router.get('/apps/:app/collaborators', async (req, res) => {
    const { app } = await requestAppAccess(deps.store, req, 'member');
    res.json((await deps.store.listCollaborators(app.id)).map(presentCollaborator));
  });

  router.post('/apps/:app/collaborators', async (req, res) => {
    const { app } = await requestAppAccess(deps.store, req, 'owner');
    const email = assertEmail(parseBody(AddCollaborator, req.body).email);
    const user = await deps.store.getUserByEmail(email);
    if (!user) {
      throw new PaasError('USER_NOT_FOUND', `No user ${email} on this paas`, { hint: `An admin can add them with "paas users:create ${email}".` });
    }
    if (user.id === app.ownerId) {
      throw new PaasError('CONFLICT', `${email} owns ${app.name} already`);
    }
    await deps.store.addCollaborator(app.id, user.id);
    const added = (await deps.store.listCollaborators(app.id)).find((c) => c.userId === user.id)!;
    res.status(201).json(presentCollaborator(added));
  });

  router.delete('/apps/:app/collaborators/:email', async (req, res) => {
    const { app } = await requestAppAccess(deps.store, req, 'owner');
    const email = assertEmail(req.params.email);
    const user = await deps.store.getUserByEmail(email);
    const isCollaborator = user !== undefined && (await deps.store.roleOf(app.id, user.id)) === 'collaborator';
    if (!isCollaborator) {
      throw new PaasError('USER_NOT_FOUND', `${email} is not a collaborator on ${app.name}`, { hint: `See who is: paas access -a ${app.name}` });
    }
    await deps.store.removeCollaborator(app.id, user.id);
    res.json({ email });
  });

  return router;
}
