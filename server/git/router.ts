/**
 * The git smart-HTTP endpoint as an express Router: /<app>.git/info/refs,
 * /<app>.git/git-receive-pack, /<app>.git/git-upload-pack. Mount it before
 * any body parser (it reads request bodies as streams). Requests for other
 * paths fall through to the next handler.
 *
 * Every request is authenticated (401 + Basic challenge so git asks its
 * credential helper) and authorized for the route's action before any body
 * byte is read. Errors before the protocol starts are text/plain: git shows
 * such a body as "remote: ..." lines (remote-curl.c show_http_message).
 * Spec: git Documentation/gitprotocol-http.txt.
 */
import { Router, type Request, type Response } from 'express';
import { isPaasError, PaasError } from '../errors.js';
import { advertisementContentType, encodeAdvertisement, GitService, RECEIVE_PACK_CAPABILITIES, requestContentType, uploadPackCapabilities, type AdvertisedRef } from './advertisement.js';
import { BASIC_CHALLENGE } from './basic-credentials.js';
import { matchGitRoute, type GitRoute } from './git-route.js';
import { PushLocks } from './push-locks.js';
import { serveReceivePack } from './receive-pack.js';
import { HEAD_REF, MAIN_REF } from './ref-names.js';
import { ensureRepository, readMain } from './repository.js';
import { repoGitdir } from './repo-paths.js';
import type { GitRouterOptions } from './types.js';
import { serveUploadPack } from './upload-pack.js';

export function createGitRouter<User>(options: GitRouterOptions<User>): Router {
  const router = Router();
  const locks = new PushLocks();
  router.use((req, res, next) => {
    const match = matchGitRoute(req.method, req.path, req.query['service']);
    if (match.kind === 'none') return next();
    if (match.kind === 'error') return sendError(req, res, match.error, options.log);
    serve(req, res, match, options, locks).catch((err: unknown) => sendError(req, res, err, options.log));
  });
  return router;
}

async function serve<User>(req: Request, res: Response, route: GitRoute, options: GitRouterOptions<User>, locks: PushLocks): Promise<void> {
  const user = await options.authenticate(req);
  if (user === undefined) {
    throw new PaasError('UNAUTHORIZED', 'Authentication required', {
      hint: 'Use any user name and a paas API token as the password (create one with "paas tokens:create").',
    });
  }
  await options.authorize(user, route.app, route.action);
  const gitdir = repoGitdir(options.reposDir, route.app);
  await ensureRepository(gitdir);

  if (route.kind === 'advertise') {
    const main = await readMain(gitdir);
    const body = route.service === GitService.receivePack
      ? encodeAdvertisement(route.service, main ? [{ name: MAIN_REF, oid: main }] : [], RECEIVE_PACK_CAPABILITIES)
      : advertiseUploadPack(main);
    res.writeHead(200, { 'Content-Type': advertisementContentType(route.service), 'Cache-Control': 'no-cache, max-age=0, must-revalidate' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  const service = route.kind === 'receive-pack' ? GitService.receivePack : GitService.uploadPack;
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== requestContentType(service)) {
    throw new PaasError('UNSUPPORTED_MEDIA_TYPE', `Content-Type must be ${requestContentType(service)}`, { hint: 'Use a git client.' });
  }
  if (route.kind === 'receive-pack') await serveReceivePack({ req, res, app: route.app, user, gitdir, options, locks });
  else await serveUploadPack({ req, res, gitdir });
}

function advertiseUploadPack(main: string | undefined): Buffer {
  // HEAD first, as git's upload-pack does; the symref capability names its target.
  const refs: AdvertisedRef[] = main ? [{ name: HEAD_REF, oid: main }, { name: MAIN_REF, oid: main }] : [];
  return encodeAdvertisement(GitService.uploadPack, refs, uploadPackCapabilities(refs));
}

function sendError(req: Request, res: Response, err: unknown, log: (message: string) => void): void {
  const error = isPaasError(err) ? err : undefined;
  if (!error) log(`git: ${req.method} ${req.path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  if (res.headersSent) {
    // Mid-protocol: there is no way left to explain; git reports the hang-up.
    res.destroy();
    return;
  }
  const status = error?.status ?? 500;
  const text = error ? [error.message, error.hint].filter(Boolean).join('\n') : 'Internal server error; the server logged the details.';
  const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' };
  if (status === 401) headers['WWW-Authenticate'] = BASIC_CHALLENGE;
  // The body of a refused POST is never read; closing spares reading it to keep the connection.
  if (req.method === 'POST') headers['Connection'] = 'close';
  res.writeHead(status, headers);
  res.end(`${text}\n`);
}
