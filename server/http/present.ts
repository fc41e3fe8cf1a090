/** The JSON shapes the API returns: one function per record type. */
import type { Collaborator, TokenRecord, User } from '../store/types.js';
import type { App } from '../store/types.js';
import type { PublicUrls } from './deps.js';

export function presentApp(app: App, urls: PublicUrls) {
  return { name: app.name, owner: app.ownerEmail, createdAt: app.createdAt.toISOString(), gitUrl: urls.gitUrl(app.name), webUrl: urls.webUrl(app.name) };
}

export function presentUser(user: User) {
  return { email: user.email, admin: user.admin, createdAt: user.createdAt.toISOString() };
}

export function presentToken(token: TokenRecord) {
  return {
    id: token.id,
    description: token.description,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    expiresAt: token.expiresAt?.toISOString() ?? null,
  };
}

export function presentCollaborator(c: Collaborator) {
  return { email: c.email, role: c.role, createdAt: c.createdAt.toISOString() };
}
