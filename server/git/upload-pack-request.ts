/**
 * One upload-pack (fetch/clone) request over stateless HTTP: the wants, the
 * capabilities chosen on the first want, the haves of this round, and whether
 * the client said "done" (then the pack follows our answer).
 *
 * Spec: git Documentation/gitprotocol-pack.txt, "Packfile Negotiation":
 *   upload-request = want-list *shallow-line *1depth-request [filter-request] flush-pkt
 *   first-want     = PKT-LINE("want" SP obj-id SP capability-list)
 *   then *PKT-LINE("have" SP obj-id) followed by flush-pkt (another round) or "done".
 * gitprotocol-http.txt "Smart Service git-upload-pack": every request repeats
 * the wants, because the server keeps no state between requests.
 * We never advertise shallow, deepen or filter, so those lines are refused.
 */
import { PaasError } from '../errors.js';
import { printable } from '../domain/names.js';
import { isObjectId } from './object-id.js';
import { decodePktSections, pktText } from './pkt-line.js';

export interface UploadPackRequest {
  wants: string[];
  capabilities: Set<string>;
  haves: string[];
  done: boolean;
}

export const MAX_WANTS = 1000;

export function parseUploadPackRequest(body: Uint8Array): UploadPackRequest {
  const { sections, rest } = decodePktSections(body);
  if (rest.length > 0) throw bad('request ends in the middle of a pkt-line');
  const request: UploadPackRequest = { wants: [], capabilities: new Set(), haves: [], done: false };
  const [wantSection = [], ...negotiation] = sections;
  for (const payload of wantSection) {
    const line = pktText(payload);
    const [verb, oid, ...capabilities] = line.split(' ');
    if (verb !== 'want') {
      throw bad(`"${printable(line)}" is not supported by this server (only want lines; no shallow, deepen or filter)`);
    }
    if (oid === undefined || !isObjectId(oid)) throw bad(`bad want line "${printable(line)}"`);
    if (request.wants.length === 0) capabilities.forEach((capability) => capability && request.capabilities.add(capability));
    request.wants.push(oid);
    if (request.wants.length > MAX_WANTS) throw bad(`more than ${MAX_WANTS} wants`);
  }
  for (const payload of negotiation.flat()) {
    const line = pktText(payload);
    if (line === 'done') {
      request.done = true;
      continue;
    }
    const [verb, oid] = line.split(' ');
    if (verb !== 'have' || oid === undefined || !isObjectId(oid)) throw bad(`unexpected line "${printable(line)}"`);
    request.haves.push(oid);
  }
  return request;
}

function bad(message: string): PaasError {
  return new PaasError('BAD_REQUEST', `Malformed fetch: ${message}`, { hint: 'Fetch with a git client: git clone <url>' });
}
