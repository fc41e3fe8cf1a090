/**
 * HTTP Basic for git: any user name, the paas token as password (what the
 * credential helper `paas apps:create` installs hands to git). Same token
 * check as the API's bearer auth.
 */
import type { IncomingMessage } from 'node:http';
import { verifyToken } from '../auth/tokens.js';
import type { Store } from '../store/store.js';
import type { User } from '../store/types.js';

export type BasicAuthResult = { kind: 'none' } | { kind: 'invalid' } | { kind: 'user'; user: User };

export async function authenticateBasic(req: IncomingMessage, store: Store, now: Date): Promise<BasicAuthResult> {
  const header = req.headers.authorization;
  if (!header) return { kind: 'none' };
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  if (!match) return { kind: 'invalid' };
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { kind: 'invalid' };
  const verified = await verifyToken(store, decoded.slice(colon + 1), now);
  return verified ? { kind: 'user', user: verified.user } : { kind: 'invalid' };
}
