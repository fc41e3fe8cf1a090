/**
 * The paas API v1 over fetch: one typed method per endpoint, Bearer auth,
 * and every failure turned into a CliError with the server's message and
 * hint (or, when the server cannot be reached or does not answer like a
 * paas server, a message saying which URL failed and what to do).
 *
 * The session is asked for on the first request, not at construction, so
 * commands that never call the API (help, logout) never need a login.
 *
 * Adding an endpoint: one method below that calls `request` with a path
 * from `appPath`; its types go in api-types.ts. Text that streams (logs)
 * goes through `stream`, which fails the same way but hands back the body
 * as it arrives.
 */
import type {
  App, Build, BuildWithLog, Collaborator, ConfigVars, CreatedUser, ErrorBody, Formation, Healthcheck, Instance,
  IssuedToken, Release, RollbackResult, Token, User, WhoAmI,
} from './api-types.js';
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
/**
 * For calls that start instances and wait for their readiness (a rollback to
 * a release that is not warm, scaling up, a rolling restart): the server
 * answers when it is done, which may take a readiness timeout per instance.
 */
const SLOW_TIMEOUT_MS = 15 * 60_000;

export interface RequestOptions {
  timeoutMs?: number;
}

export interface StreamOptions {
  /** Aborts the request and ends the stream (Ctrl-C). */
  signal?: AbortSignal;
  /** Time limit for the response headers only: a followed stream may stay open for hours. */
  headersTimeoutMs?: number;
}

export interface LogOptions {
  lines?: number;
  tail?: boolean;
  process?: string;
}

/** `/v1/apps/<app>/<segments…>`, each part URL-encoded. */
export function appPath(app: string, ...segments: string[]): string {
  return ['/v1/apps', app, ...segments].map((s, i) => (i === 0 ? s : encodeURIComponent(s))).join('/');
}

export function createApiClient(options: ApiClientOptions) {
  function headersFor(session: Session, accept: string): Record<string, string> {
    return { authorization: `Bearer ${session.token}`, accept, 'user-agent': options.userAgent ?? 'paas-cli' };
  }
  const urlFor = (session: Session, path: string) => `${session.server.replace(/\/+$/, '')}${path}`;

  async function request<T>(method: string, path: string, body?: unknown, requestOptions: RequestOptions = {}): Promise<ApiResponse<T>> {
    const session = await options.session();
    const headers = headersFor(session, 'application/json');
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await options.fetch(urlFor(session, path), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(requestOptions.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
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

  /**
   * GET of a text body, decoded chunk by chunk as it arrives (UTF-8 split
   * across chunks is reassembled). Ends when the server ends the response or
   * `signal` aborts; an abort is a normal end, not an error.
   */
  async function* stream(path: string, streamOptions: StreamOptions = {}): AsyncGenerator<string> {
    const session = await options.session();
    const headersTimeout = new AbortController();
    const timer = setTimeout(() => headersTimeout.abort(new DOMException('timed out', 'TimeoutError')), streamOptions.headersTimeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const signal = streamOptions.signal ? AbortSignal.any([streamOptions.signal, headersTimeout.signal]) : headersTimeout.signal;
    let response: Response;
    try {
      response = await options.fetch(urlFor(session, path), { method: 'GET', headers: headersFor(session, 'text/plain'), signal });
    } catch (err) {
      if (streamOptions.signal?.aborted) return;
      throw unreachableError(session.server, headersTimeout.signal.aborted ? headersTimeout.signal.reason : err);
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw errorFromResponse(response.status, response.statusText, text, session.server);
    }
    if (!response.body) return;
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        if (text !== '') yield text;
      }
    } catch (err) {
      if (streamOptions.signal?.aborted) return;
      throw unreachableError(session.server, err);
    } finally {
      // Also reached when the consumer stops early: tell the server we are gone.
      await reader.cancel().catch(() => undefined);
    }
    const rest = decoder.decode();
    if (rest !== '') yield rest;
  }

  const call = async <T>(method: string, path: string, body?: unknown, requestOptions?: RequestOptions): Promise<T> =>
    (await request<T>(method, path, body, requestOptions)).body;
  const slow: RequestOptions = { timeoutMs: SLOW_TIMEOUT_MS };
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

    listBuilds: (app: string) => call<Build[]>('GET', appPath(app, 'builds')),
    getBuild: (app: string, id: string) => call<BuildWithLog>('GET', appPath(app, 'builds', id)),

    listReleases: (app: string) => call<Release[]>('GET', appPath(app, 'releases')),
    getRelease: (app: string, version: number) => call<Release>('GET', appPath(app, 'releases', `v${version}`)),
    rollback: (app: string, version?: number) =>
      call<RollbackResult>('POST', appPath(app, 'releases', 'rollback'), version === undefined ? {} : { version }, slow),

    listInstances: (app: string) => call<Instance[]>('GET', appPath(app, 'ps')),
    getFormation: (app: string) => call<Formation>('GET', appPath(app, 'formation')),
    scale: (app: string, changes: Formation) => call<Formation>('PATCH', appPath(app, 'formation'), changes, slow),
    restart: (app: string, process?: string) =>
      call<{ restarted: number }>('POST', appPath(app, 'restart'), process === undefined ? {} : { process }, slow),
    getHealthcheck: (app: string) => call<Healthcheck>('GET', appPath(app, 'healthcheck')),
    setHealthcheck: (app: string, path: string | null) => call<Healthcheck>('PUT', appPath(app, 'healthcheck'), { path }),

    /** Instance output as text (`<time> app[web.1]: <line>\n`), chunk by chunk. */
    logs(app: string, logOptions: LogOptions, streamOptions: StreamOptions = {}): AsyncGenerator<string> {
      const query = new URLSearchParams();
      if (logOptions.lines !== undefined) query.set('lines', String(logOptions.lines));
      if (logOptions.tail) query.set('tail', '1');
      if (logOptions.process !== undefined) query.set('process', logOptions.process);
      const search = query.toString();
      return stream(`${appPath(app, 'logs')}${search ? `?${search}` : ''}`, streamOptions);
    },
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
