/**
 * Which git smart-HTTP endpoint a request is for, and which app.
 *
 * Spec: git Documentation/gitprotocol-http.txt: GET $GIT_URL/info/refs?service=<name>,
 * POST $GIT_URL/git-upload-pack, POST $GIT_URL/git-receive-pack. Our
 * $GIT_URL is /<app>.git. The app segment is checked raw, before any
 * percent-decoding, against the shared app-name validator, so "%2f", ".."
 * or a leading "-" never reach a path. What the endpoint is (receive or
 * upload) comes from the path for POSTs; for the advertisement the service
 * parameter chooses, and it is checked against the two we serve.
 */
import { PaasError } from '../errors.js';
import { appNameProblems, printable } from '../domain/names.js';
import { GitService, isGitService } from './advertisement.js';
import type { GitAction } from './types.js';

export type GitRoute =
  | { kind: 'advertise'; app: string; service: GitService; action: GitAction }
  | { kind: 'receive-pack'; app: string; action: 'push' }
  | { kind: 'upload-pack'; app: string; action: 'fetch' };

export type RouteMatch = { kind: 'none' } | { kind: 'error'; error: PaasError } | GitRoute;

const GIT_PATH = /^\/([^/]+)\.git\/(.+)$/;

export function actionOf(service: GitService): GitAction {
  return service === GitService.receivePack ? 'push' : 'fetch';
}

export function matchGitRoute(method: string, path: string, service: unknown): RouteMatch {
  const found = GIT_PATH.exec(path);
  if (!found) return { kind: 'none' };
  const [, app = '', endpoint = ''] = found;
  const problems = appNameProblems(app);
  if (problems.length > 0) {
    return error('BAD_REQUEST', `Invalid app name "${printable(app)}" in the git URL: ${problems.join('; ')}`, 'Use the git URL shown by "paas apps:info".');
  }
  if (endpoint === 'info/refs') {
    if (method !== 'GET' && method !== 'HEAD') return error('BAD_REQUEST', `${method} is not allowed on info/refs`, 'Use git clone / git push.');
    if (service === undefined) {
      return error('FORBIDDEN', 'This server speaks git\'s smart HTTP protocol only', 'Upgrade git (1.6.6 or later), then try again.');
    }
    if (!isGitService(service)) {
      return error('BAD_REQUEST', `Unsupported service "${printable(String(service))}"`, `Use ${GitService.uploadPack} or ${GitService.receivePack}.`);
    }
    return { kind: 'advertise', app, service, action: actionOf(service) };
  }
  if (endpoint === GitService.receivePack || endpoint === GitService.uploadPack) {
    if (method !== 'POST') return error('BAD_REQUEST', `${endpoint} takes POST, got ${method}`, 'Use git clone / git push.');
    return endpoint === GitService.receivePack ? { kind: 'receive-pack', app, action: 'push' } : { kind: 'upload-pack', app, action: 'fetch' };
  }
  return error('NOT_FOUND', `No git endpoint at ${printable(endpoint)}`, 'This server speaks git\'s smart HTTP protocol only; use git clone / git push.');
}

function error(code: 'BAD_REQUEST' | 'FORBIDDEN' | 'NOT_FOUND', message: string, hint: string): RouteMatch {
  return { kind: 'error', error: new PaasError(code, message, { hint }) };
}
