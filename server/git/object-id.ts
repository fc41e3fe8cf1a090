/**
 * SHA-1 object ids as the wire spells them: 40 lowercase hex digits, with the
 * all-zero id meaning "no object" (a ref that does not exist yet, or a delete).
 * Spec: git Documentation/gitprotocol-pack.txt, "Reference Update Request".
 * We speak SHA-1 only: we never advertise object-format=sha256.
 */

export const ZERO_OID = '0'.repeat(40);
const OID = /^[0-9a-f]{40}$/;

export function isObjectId(value: string): boolean {
  return OID.test(value);
}

export function shortOid(oid: string): string {
  return oid.slice(0, 7);
}
