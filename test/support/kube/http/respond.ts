/**
 * Bytes in, bytes out for the double's HTTP server: reading bodies with the
 * apiserver's 3 MiB request limit (413 beyond), JSON responses, Status
 * error responses (with Retry-After where the Status says so), and Accept
 * negotiation: JSON only. A client that accepts nothing but protobuf, or
 * asks only for server-side Table or PartialObjectMetadata conversion, gets
 * 406 rather than a body it did not ask for.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, internalError, notAcceptable, requestEntityTooLarge, StatusError, type Status } from '../api/status.js';

export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_REQUEST_BODY_BYTES) throw requestEntityTooLarge(MAX_REQUEST_BODY_BYTES);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJsonBody(raw: string, what: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw badRequest(`the object provided is unrecognized (must be of type ${what}): couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const data = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(data), ...headers });
  res.end(data);
}

export function sendStatus(res: ServerResponse, error: unknown): Status {
  const se = error instanceof StatusError ? error : internalError((error as Error)?.message ?? String(error));
  sendJson(res, se.status.code, se.status, se.headers);
  return se.status;
}

export function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** True when the Accept header allows plain JSON (no `as=` conversion). */
export function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((part) => {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (params.some((p) => p.startsWith('as='))) return false;
    return type === 'application/json' || type === 'application/*' || type === '*/*' || type === '';
  });
}

export function requireJsonAccept(req: IncomingMessage): void {
  if (!acceptsJson(req.headers.accept)) throw notAcceptable(['application/json']);
}
