/**
 * Who may touch which app. Apps the caller cannot see answer 404 exactly like
 * apps that do not exist, so app names never leak to outsiders; owner-only
 * actions on an app the caller can see answer 403.
 */
import type { Request } from 'express';
import { PaasError } from '../errors.js';
import { assertAppName } from '../domain/names.js';
import type { Store } from '../store/store.js';
import type { App, Role, User } from '../store/types.js';
import { currentUser } from './auth.js';

export type AccessLevel = 'member' | 'owner';

export interface AppAccess {
  app: App;
  user: User;
  role: Role | 'admin';
}

export async function appAccess(store: Store, user: User, name: string, level: AccessLevel): Promise<AppAccess> {
  const notFound = new PaasError('APP_NOT_FOUND', `Couldn't find that app: ${name}`, { hint: 'Run "paas apps" to see the apps you can use.' });
  try {
    assertAppName(name);
  } catch {
    throw notFound;
  }
  const app = await store.getApp(name);
  if (!app) throw notFound;
  const role = await store.roleOf(app.id, user.id);
  if (!role && !user.admin) throw notFound;
  if (level === 'owner' && role !== 'owner' && !user.admin) {
    throw new PaasError('FORBIDDEN', `Only the owner of ${name} (${app.ownerEmail}) can do this`, { hint: 'Ask the owner, or an admin.' });
  }
  return { app, user, role: role ?? 'admin' };
}

export function requestAppAccess(store: Store, req: Request, level: AccessLevel): Promise<AppAccess> {
  return appAccess(store, currentUser(req), String(req.params.app), level);
}
