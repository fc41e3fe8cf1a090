/**
 * First-start and recovery: make sure an operator can always get in. On the
 * first start there are no users, so an admin is created and one token is
 * printed; `paas-server tokens:create --admin` mints another for an operator
 * with shell access to the data directory.
 */
import { issueToken } from './auth/tokens.js';
import type { Store } from './store/store.js';
import type { User } from './store/types.js';

export const DEFAULT_ADMIN_EMAIL = 'admin@paas.local';

/** Creates the first admin when the store has no users; returns its token then. */
export async function ensureFirstAdmin(store: Store): Promise<{ user: User; token: string } | undefined> {
  if ((await store.countUsers()) > 0) return undefined;
  const user = await store.createUser({ email: DEFAULT_ADMIN_EMAIL, admin: true });
  const issued = await issueToken(store, { userId: user.id, description: 'first admin token', expiresAt: null });
  return { user, token: issued.token };
}

/** A fresh token for an admin (the given email, else the first admin, else a new one). */
export async function recoverAdminToken(store: Store, email?: string): Promise<{ user: User; token: string }> {
  let user = email ? await store.getUserByEmail(email) : (await store.listUsers()).find((u) => u.admin);
  if (!user) user = await store.createUser({ email: email ?? DEFAULT_ADMIN_EMAIL, admin: true });
  const issued = await issueToken(store, { userId: user.id, description: 'recovery token from paas-server tokens:create', expiresAt: null });
  return { user, token: issued.token };
}
