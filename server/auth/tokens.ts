/**
 * API tokens. A token reads `paas_<id>_<secret>`: the id finds the record,
 * the secret is checked against its sha256 in constant time. Secrets carry
 * 32 random bytes, so a fast hash is enough (no password stretching needed)
 * and only the hash is ever stored. The full token is shown once, at
 * creation.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/store.js';
import type { TokenRecord, User } from '../store/types.js';

const PREFIX = 'paas_';
const ID_BYTES = 8;
const SECRET_BYTES = 32;
const TOKEN = /^paas_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface IssuedToken {
  record: TokenRecord;
  /** The whole token, to show once and never store. */
  token: string;
}

export interface IssueTokenOptions {
  userId: number;
  description: string;
  expiresAt: Date | null;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export async function issueToken(store: Store, options: IssueTokenOptions): Promise<IssuedToken> {
  const id = randomBytes(ID_BYTES).toString('hex');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  const record = await store.createToken({
    id,
    userId: options.userId,
    secretHash: hashSecret(secret),
    description: options.description,
    expiresAt: options.expiresAt,
  });
  return { record, token: `${PREFIX}${id}_${secret}` };
}

export interface VerifiedToken {
  user: User;
  token: TokenRecord;
}

/** The user behind a presented token, or undefined when it is unknown, wrong, revoked or expired. */
export async function verifyToken(store: Store, presented: string, now: Date): Promise<VerifiedToken | undefined> {
  const match = TOKEN.exec(presented);
  if (!match) return undefined;
  const [, id, secret] = match as unknown as [string, string, string];
  const record = await store.getToken(id);
  if (!record) return undefined;
  const want = Buffer.from(record.secretHash, 'hex');
  const got = Buffer.from(hashSecret(secret), 'hex');
  if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
  if (record.expiresAt !== null && record.expiresAt.getTime() <= now.getTime()) return undefined;
  const user = await store.getUserById(record.userId);
  if (!user) return undefined;
  await store.touchToken(record.id, now);
  return { user, token: record };
}

/** True when a string looks like one of our tokens: used to keep them out of logs. */
export function looksLikeToken(value: string): boolean {
  return value.includes(PREFIX);
}
