/**
 * The paas API v1 over fetch: one typed method per endpoint, Bearer auth,
 * and every failure turned into a CliError with the server's message and
 * hint (or, when the server cannot be reached or does not answer like a
 * paas server, a message saying which URL failed and what to do).
 *
 * The session is asked for on the first request, not at construction, so
 * commands that never call the API (help, logout) never need a login.
 *
 * Adding an endpoint (builds, releases, ps, logs …): one method below that
 * calls `request` with a path from `appPath`; its types go in api-types.ts.
 */
import type { App, Collaborator, ConfigVars, CreatedUser, ErrorBody, IssuedToken, Token, User, WhoAmI } from './api-types.js';
import type { Session } from './credentials.js';
import { CliError } from './errors.js';

export type FetchFn = typeof fetch;

export interface ApiClientOptions {
  fetch: FetchFn;
  /** Called before the first request; throws (e.g. NOT_LOGGED_IN) when there is no session. */
  session(): Promise<Session>;
  /** Per-request time limit. */
  timeoutMs?: number;
  userAgent?: string;
}

export interface ApiResponse<T> {
  body: T;
  headers: Headers;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** `/v1/apps/<app>/<segments…>`, each part URL-encoded. */
export function appPath(app: string, ...segments: string[]): string {
  return ['/v1/apps', app, ...segments].map((s, i) => (i === 0 ? s : encodeURIComponent(s))).join('/');
}

export function createApiClient(options: ApiClientOptions) {
  async function request<T>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const session = await options.session();
    const url = `${session.server.replace(/\/+$/, '')}${path}`;
    const headers: Record<string, string> = {
      authorization: `Bearer ${session.token}`,
      accept: 'application/json',
      'user-agent': options.userAgent ?? 'paas-cli',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await options.fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (err) {
      throw unreachableError(session.server, err);
    }
    const text = await response.text().catch((err: unknown) => {
      throw unreachableError(session.server, err);
    });
    if (!response.ok) throw errorFromResponse(response.status, response.statusText, text, session.server);
    try {
      return { body: (text === '' ? undefined : JSON.parse(text)) as T, headers: response.headers };
    } catch (err) {
      throw notPaasError(session.server, `answered HTTP ${response.status} with a body that is not JSON`, err);
    }
  }

  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => (await request<T>(method, path, body)).body;
  const enc = encodeURIComponent;

  return {
    request,
    whoami: () => call<WhoAmI>('GET', '/v1/whoami'),

    listApps: () => call<App[]>('GET', '/v1/apps'),
    createApp: (name?: string) => call<App>('POST', '/v1/apps', name === undefined ? {} : { name }),
    getApp: (app: string) => call<App>('GET', appPath(app)),
    destroyApp: (app: string) => call<{ name: string }>('DELETE', appPath(app)),

    getConfig: (app: string) => call<ConfigVars>('GET', appPath(app, 'config')),
    /** Sets string values and unsets null ones in one change; the server may answer with the release it made. */
    async patchConfig(app: string, patch: Record<string, string | null>): Promise<{ config: ConfigVars; release: string | undefined }> {
      const res = await request<ConfigVars>('PATCH', appPath(app, 'config'), patch);
      return { config: res.body, release: res.headers.get('paas-release') ?? undefined };
    },

    listCollaborators: (app: string) => call<Collaborator[]>('GET', appPath(app, 'collaborators')),
    addCollaborator: (app: string, email: string) => call<Collaborator>('POST', appPath(app, 'collaborators'), { email }),
    removeCollaborator: (app: string, email: string) => call<{ email: string }>('DELETE', appPath(app, 'collaborators', email)),

    listUsers: () => call<User[]>('GET', '/v1/users'),
    createUser: (email: string, admin: boolean) => call<CreatedUser>('POST', '/v1/users', { email, admin }),
    removeUser: (email: string) => call<{ email: string }>('DELETE', `/v1/users/${enc(email)}`),

    listTokens: () => call<Token[]>('GET', '/v1/tokens'),
    createToken: (options: { description?: string; expiresIn?: number }) => call<IssuedToken>('POST', '/v1/tokens', options),
    revokeToken: (id: string) => call<{ id: string }>('DELETE', `/v1/tokens/${enc(id)}`),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** Maps a non-2xx answer to a CliError: the server's own words when it sent an error body. */
export function errorFromResponse(status: number, statusText: string, text: string, server: string): CliError {
  let body: Partial<ErrorBody> | undefined;
  try {
    body = JSON.parse(text) as Partial<ErrorBody>;
  } catch {
    body = undefined;
  }
  if (body && typeof body === 'object' && typeof body.code === 'string' && typeof body.message === 'string') {
    return new CliError(body.code, body.message, {
      status,
      ...(typeof body.hint === 'string' ? { hint: body.hint } : {}),
      ...(Array.isArray(body.details) ? { details: body.details } : {}),
    });
  }
  return notPaasError(server, `answered HTTP ${status}${statusText ? ` ${statusText}` : ''}`, undefined, status);
}

function notPaasError(server: string, what: string, cause?: unknown, status?: number): CliError {
  return new CliError('BAD_RESPONSE', `The server at ${server} ${what}, not a paas API error`, {
    hint: `Check the server URL (is it the paas API, not the router or a proxy?). Log in to the right one with: paas login --server URL`,
    ...(status === undefined ? {} : { status }),
    cause,
  });
}

/** fetch failures carry the reason (ECONNREFUSED, ENOTFOUND, timeout) in `cause`. */
export function unreachableError(server: string, err: unknown): CliError {
  const reason = networkReason(err);
  return new CliError('UNREACHABLE', `The paas server at ${server} is not reachable${reason ? ` (${reason})` : ''}`, {
    hint: `Check that the server is running and the URL is right. To use another server: paas login --server URL (or set PAAS_API_URL).`,
    cause: err,
  });
}

function networkReason(err: unknown): string | undefined {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'timed out';
  const cause = err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return err instanceof Error ? err.message : undefined;
}
