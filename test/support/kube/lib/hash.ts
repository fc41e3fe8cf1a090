/**
 * The pod-template-hash: kube-controller-manager's `controller.ComputeHash`
 * (pkg/controller/controller_utils.go) hashes the pod template with FNV-32a,
 * mixes in the collisionCount, and encodes the decimal number with
 * rand.SafeEncodeString. Upstream feeds the template through spew's printer;
 * the double hashes canonical JSON instead, so the values differ from a real
 * cluster's but have the same shape, stability and collision handling.
 */
import { canonicalJson } from './json.js';
import { safeEncodeString } from './random.js';

export function fnv32a(data: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(data, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export function computePodTemplateHash(template: unknown, collisionCount?: number): string {
  let data = canonicalJson(template);
  if (collisionCount !== undefined && collisionCount !== null) {
    // Upstream writes the collision count as 4 little-endian bytes into the hasher.
    const b = Buffer.alloc(4);
    b.writeUInt32LE(collisionCount >>> 0);
    data += b.toString('latin1');
  }
  return safeEncodeString(String(fnv32a(data)));
}
