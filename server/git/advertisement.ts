/**
 * The ref advertisement answered on GET <repo>/info/refs?service=...: which
 * refs exist at which ids, and what this server can do.
 *
 * Spec: git Documentation/gitprotocol-http.txt, "Smart Clients" (the
 * "# service=..." line and its flush-pkt come first), and
 * gitprotocol-pack.txt, "Reference Discovery" (capabilities ride after a NUL
 * on the first ref line; an empty repository advertises the dummy ref
 * "capabilities^{}" with the zero id). We answer protocol v0 whatever the
 * Git-Protocol header asks: v0 is what every client falls back to, and we
 * never advertise "version 2".
 * Capabilities: gitprotocol-capabilities.txt.
 */
import { ZERO_OID } from './object-id.js';
import { encodePktLine, PKT_FLUSH } from './pkt-line.js';
import { HEAD_REF, MAIN_REF } from './ref-names.js';

export const GitService = { receivePack: 'git-receive-pack', uploadPack: 'git-upload-pack' } as const;
export type GitService = (typeof GitService)[keyof typeof GitService];

export function isGitService(value: unknown): value is GitService {
  return value === GitService.receivePack || value === GitService.uploadPack;
}

export interface AdvertisedRef {
  name: string;
  oid: string;
}

export const AGENT = 'agent=paas';

/**
 * No delete-refs (deleting main would strand the app; git then refuses
 * deletes client side), no atomic or push-options (nothing to offer), and
 * no-thin: a pushed pack must carry every delta base, so indexing never
 * reaches into the repository (gitprotocol-capabilities.txt "no-thin").
 */
export const RECEIVE_PACK_CAPABILITIES = ['report-status', 'side-band-64k', 'quiet', 'no-thin', 'ofs-delta', AGENT] as const;

/**
 * Negotiation is the plain (non multi_ack) kind: we never claim common
 * objects and send everything reachable from the wants. symref tells
 * `git clone` which branch HEAD is, so it checks out main.
 */
export function uploadPackCapabilities(refs: readonly AdvertisedRef[]): string[] {
  const capabilities = ['side-band-64k', 'no-progress', AGENT];
  if (refs.some((ref) => ref.name === MAIN_REF)) capabilities.push(`symref=${HEAD_REF}:${MAIN_REF}`);
  return capabilities;
}

export function encodeAdvertisement(service: GitService, refs: readonly AdvertisedRef[], capabilities: readonly string[]): Buffer {
  const packets = [encodePktLine(`# service=${service}\n`), PKT_FLUSH];
  const caps = capabilities.join(' ');
  const shown = refs.length > 0 ? refs : [{ name: 'capabilities^{}', oid: ZERO_OID }];
  shown.forEach((ref, index) => {
    packets.push(encodePktLine(index === 0 ? `${ref.oid} ${ref.name}\0${caps}\n` : `${ref.oid} ${ref.name}\n`));
  });
  packets.push(PKT_FLUSH);
  return Buffer.concat(packets);
}

export function advertisementContentType(service: GitService): string {
  return `application/x-${service}-advertisement`;
}

export function requestContentType(service: GitService): string {
  return `application/x-${service}-request`;
}

export function resultContentType(service: GitService): string {
  return `application/x-${service}-result`;
}
