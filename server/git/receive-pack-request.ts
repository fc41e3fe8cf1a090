/**
 * The command list at the start of a receive-pack request: which refs the
 * client wants to move from which old id to which new id, and the
 * capabilities it chose. The packfile follows the closing flush-pkt.
 *
 * Spec: git Documentation/gitprotocol-pack.txt, "Reference Update Request and
 * Packfile Transfer":
 *   update-requests = *shallow ( command-list | push-cert )
 *   command-list    = PKT-LINE(command NUL capability-list) *PKT-LINE(command) flush-pkt
 *   command         = old-id SP new-id SP name
 * Bytes in (the section's pkt-line payloads), values out.
 */
import { PaasError } from '../errors.js';
import { printable } from '../domain/names.js';
import { isObjectId, ZERO_OID } from './object-id.js';
import { pktText } from './pkt-line.js';

export interface RefCommand {
  oldOid: string;
  newOid: string;
  /** Exactly as the client sent it: report-status must echo it byte for byte. */
  ref: string;
}

export interface ReceivePackRequest {
  commands: RefCommand[];
  capabilities: Set<string>;
  /** "shallow" lines: the client pushes from a shallow clone. */
  shallow: string[];
}

/** Bounds what one request may ask, before any of it is acted on. */
export const MAX_COMMANDS = 1000;

export function parseReceivePackRequest(payloads: readonly Uint8Array[]): ReceivePackRequest {
  const request: ReceivePackRequest = { commands: [], capabilities: new Set(), shallow: [] };
  for (const payload of payloads) {
    const nul = payload.indexOf(0);
    const line = pktText(nul === -1 ? payload : payload.subarray(0, nul));
    if (line.startsWith('shallow ')) {
      const oid = line.slice('shallow '.length);
      if (!isObjectId(oid)) throw bad(`bad shallow line "${printable(line)}"`);
      request.shallow.push(oid);
      continue;
    }
    if (line.startsWith('push-cert')) throw bad('signed pushes are not supported');
    if (request.commands.length === 0 && nul !== -1) {
      for (const capability of pktText(payload.subarray(nul + 1)).split(' ')) {
        if (capability !== '') request.capabilities.add(capability);
      }
    }
    request.commands.push(parseCommand(line));
    if (request.commands.length > MAX_COMMANDS) throw bad(`more than ${MAX_COMMANDS} ref updates in one push`);
  }
  return request;
}

function parseCommand(line: string): RefCommand {
  const [oldOid, newOid, ref, ...extra] = line.split(' ');
  if (oldOid === undefined || newOid === undefined || ref === undefined || extra.length > 0 || !isObjectId(oldOid) || !isObjectId(newOid)) {
    throw bad(`bad command "${printable(line)}", want "<old-id> <new-id> <ref>"`);
  }
  return { oldOid, newOid, ref };
}

export function isDelete(command: RefCommand): boolean {
  return command.newOid === ZERO_OID;
}

function bad(message: string): PaasError {
  return new PaasError('BAD_REQUEST', `Malformed push: ${message}`, { hint: 'Push with a git client: git push paas HEAD:main' });
}
