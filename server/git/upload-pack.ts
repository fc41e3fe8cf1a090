/**
 * POST <app>.git/git-upload-pack: a clone or fetch of the app's repository.
 *
 * Negotiation is the simplest correct kind for stateless HTTP: we never
 * acknowledge a "have" (each round gets "NAK"), so when the client says
 * "done" we send NAK and a pack of everything reachable from its wants.
 * Objects are read with our own pack reader (object-store.ts), and their
 * stored bytes are reused where possible, like git's pack reuse.
 * That is more bytes than needed for a fetch into an up-to-date clone, but
 * app repositories are small and this cannot send an incomplete pack.
 * Spec: git Documentation/gitprotocol-pack.txt, "Packfile Negotiation" and
 * "Packfile Data"; gitprotocol-http.txt, "Smart Service git-upload-pack".
 */
import type { Request, Response } from 'express';
import { GitService } from './advertisement.js';
import { GitResponse } from './git-response.js';
import { listReachable, type ReachableObject } from './object-walk.js';
import { PackObjectStore } from './object-store.js';
import { PackEncoder } from './pack-encoder.js';
import { encodePktLine } from './pkt-line.js';
import { BodyReader, decodedBody } from './request-body.js';
import { parseUploadPackRequest } from './upload-pack-request.js';

export interface UploadPackContext {
  req: Request;
  res: Response;
  gitdir: string;
}

/** Wants and haves only: a few hundred KB even for a client with a long history. */
const MAX_REQUEST_BYTES = 8 * 1024 * 1024;
/** Pack bytes are sent in pieces of about one side-band packet. */
const SEND_BYTES = 65515;

export async function serveUploadPack(ctx: UploadPackContext): Promise<void> {
  const { req, res, gitdir } = ctx;
  const body = new BodyReader(decodedBody(req), MAX_REQUEST_BYTES);
  const chunks: Buffer[] = [];
  for (let chunk = await body.next(); chunk; chunk = await body.next()) chunks.push(chunk);
  const request = parseUploadPackRequest(Buffer.concat(chunks));

  const response = new GitResponse(res, GitService.uploadPack, request.capabilities.has('side-band-64k'));
  const store = await PackObjectStore.open(gitdir);
  const abort = new AbortController();
  const onClose = (): void => abort.abort(new Error('the client disconnected'));
  res.once('close', onClose);
  try {
    // Any object of the repository may be wanted, not only main's tip: a push
    // landing between the client's ref advertisement and this request would
    // otherwise fail its fetch. Access is per app, so nothing here is hidden.
    for (const oid of request.wants) {
      if (!(await store.has(oid))) {
        // gitprotocol-pack.txt: an "ERR" line instead of the negotiation answer.
        return response.end(encodePktLine(`ERR upload-pack: not our ref ${oid}\n`));
      }
    }
    if (request.wants.length === 0) return response.end();
    if (!request.done) return response.end(encodePktLine('NAK\n'));
    response.raw(encodePktLine('NAK\n'));

    const read = (oid: string) => store.read(oid);
    const objects = await listReachable(read, request.wants, abort.signal);
    if (!request.capabilities.has('no-progress')) response.progress(`Counting objects: ${objects.length}, done.`);
    const encoder = new PackEncoder(objects.length);
    const out = new Batcher(response);
    await out.add(encoder.header());
    const sending = new Set(objects.map((object) => object.oid));
    for (const object of objects) {
      if (response.gone) return;
      await out.add(await packEntry(store, encoder, object, sending));
    }
    await out.add(encoder.trailer());
    await out.flush();
    response.endSideBand();
  } finally {
    res.off('close', onClose);
    await store.close();
  }
}

/**
 * Reuses the stored bytes when it can: a whole object as it is, a delta
 * re-addressed by its base's id when that base is in this pack too (the
 * client's index-pack resolves ref-deltas wherever the base sits). Anything
 * else is inflated and sent whole, so the pack never depends on objects the
 * client may not have.
 */
async function packEntry(store: PackObjectStore, encoder: PackEncoder, object: ReachableObject, sending: Set<string>): Promise<Buffer> {
  const raw = await store.raw(object.oid);
  if (raw?.kind === 'whole') return encoder.copied(raw.entry);
  if (raw?.kind === 'delta' && sending.has(raw.baseOid.toString('hex'))) return encoder.refDelta(raw.baseOid, raw.deltaSize, raw.compressedDelta);
  const { content } = await store.read(object.oid);
  return encoder.entry(object.type, content);
}

/** Groups small pack pieces so each write fills a side-band packet. */
class Batcher {
  private pending: Buffer[] = [];
  private size = 0;

  constructor(private readonly response: GitResponse) {}

  async add(bytes: Buffer): Promise<void> {
    this.pending.push(bytes);
    this.size += bytes.length;
    if (this.size >= SEND_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const bytes = Buffer.concat(this.pending);
    this.pending = [];
    this.size = 0;
    await this.response.data(bytes);
  }
}
