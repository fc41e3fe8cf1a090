/** A tiny JSON client for tests: real HTTP to the server under test. */

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiCallOptions {
  token?: string;
  body?: unknown;
  /** Sent as is, for malformed-input tests. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export async function api<T = any>(baseUrl: string, method: string, path: string, options: ApiCallOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: tests see the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** Creates a user as admin and returns their first token. */
export async function createUser(baseUrl: string, adminToken: string, email: string, admin = false): Promise<string> {
  const res = await api(baseUrl, 'POST', '/v1/users', { token: adminToken, body: { email, admin } });
  if (res.status !== 201) throw new Error(`creating ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token.token as string;
}
