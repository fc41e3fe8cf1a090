/**
 * Random names and ids the way Kubernetes makes them: generateName suffixes
 * use apimachinery's util/rand.String (alphabet without vowels and
 * look-alike digits, "bcdfghjklmnpqrstvwxz2456789", so no words are formed),
 * uids are RFC 4122 v4 like the apiserver's `uuid.NewUUID()`.
 */
import { randomBytes, randomUUID } from 'node:crypto';

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(length = 5): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHANUMS[b % ALPHANUMS.length];
  return out;
}

/** apimachinery rand.SafeEncodeString: maps each byte of s into the same alphabet. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += ALPHANUMS[ch.charCodeAt(0) % ALPHANUMS.length];
  return out;
}

export function newUid(): string {
  return randomUUID();
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
