/**
 * Where the CLI keeps its login and how a session is chosen.
 *
 * The file is `credentials.json` (`{ server, token, email }`) in the user's
 * config directory: `$PAAS_CONFIG_DIR`, else `$XDG_CONFIG_HOME/paas`, else
 * `~/.config/paas` (XDG Base Directory spec). The directory is 0700 and the
 * file 0600, written to a temp file and renamed so a crash never leaves half
 * a token behind.
 *
 * Automation can skip the file: `PAAS_TOKEN` (with `PAAS_API_URL`, or the
 * stored server) wins over the stored token. `PAAS_API_URL` alone selects a
 * server and uses the stored token only if it was issued by that same
 * server, so a token never travels to a server it was not made for.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CliError, usageError } from './errors.js';

export type CliEnv = Readonly<Record<string, string | undefined>>;

export interface StoredCredentials {
  server: string;
  token: string;
  email: string;
}

export interface Session {
  server: string;
  token: string;
  /** Known for a stored login; unknown for a token from the environment. */
  email?: string;
  source: 'file' | 'env';
}

/** The slice of node:fs/promises the store uses (the real module fits). */
export interface CredentialFs {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: string, options: { mode: number }): Promise<void>;
  mkdir(path: string, options: { recursive: true; mode: number }): Promise<string | undefined>;
  chmod(path: string, mode: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: boolean }): Promise<void>;
}

export const CREDENTIALS_FILE = 'credentials.json';
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

export function configDir(env: CliEnv, homedir: string): string {
  if (env.PAAS_CONFIG_DIR) return env.PAAS_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'paas');
  return join(homedir, '.config', 'paas');
}

export function createCredentialStore(options: { fs: CredentialFs; dir: string }) {
  const { fs, dir } = options;
  const path = join(dir, CREDENTIALS_FILE);
  async function load(): Promise<StoredCredentials | undefined> {
    let text: string;
    try {
      text = await fs.readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CliError('CONFIG_FILE', `Cannot read ${path}: ${(err as Error).message}`, { cause: err });
    }
    return parseCredentials(text, path);
  }
  return {
    path,
    load,
    async save(credentials: StoredCredentials): Promise<void> {
      await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
      // mkdir's mode does not apply to a directory that already exists.
      await fs.chmod(dir, DIR_MODE);
      const temp = join(dir, `.${CREDENTIALS_FILE}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await fs.writeFile(temp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: FILE_MODE });
        await fs.rename(temp, path);
      } catch (err) {
        await fs.rm(temp, { force: true });
        throw new CliError('CONFIG_FILE', `Cannot write ${path}: ${(err as Error).message}`, { cause: err });
      }
    },
    /** Returns what was stored, if anything. */
    async remove(): Promise<StoredCredentials | undefined> {
      const stored = await load().catch(() => undefined);
      await fs.rm(path, { force: true });
      return stored;
    },
  };
}

export type CredentialStore = ReturnType<typeof createCredentialStore>;

export function parseCredentials(text: string, path: string): StoredCredentials {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const record = value as Partial<StoredCredentials> | undefined;
  if (!record || typeof record.server !== 'string' || typeof record.token !== 'string') {
    throw new CliError('CONFIG_FILE', `The credentials file ${path} is damaged`, { hint: 'Log in again with: paas login' });
  }
  return { server: record.server, token: record.token, email: typeof record.email === 'string' ? record.email : '' };
}

/** The session to use, or undefined when there is none (see the module comment for the rules). */
export function resolveSession(stored: StoredCredentials | undefined, env: CliEnv): Session | undefined {
  const envServer = env.PAAS_API_URL ? normalizeServerUrl(env.PAAS_API_URL, 'PAAS_API_URL') : undefined;
  if (env.PAAS_TOKEN) {
    const server = envServer ?? stored?.server;
    return server === undefined ? undefined : { server, token: env.PAAS_TOKEN, source: 'env' };
  }
  if (!stored) return undefined;
  if (envServer !== undefined && serverOrigin(envServer) !== serverOrigin(stored.server)) return undefined;
  return { server: envServer ?? stored.server, token: stored.token, email: stored.email, source: 'file' };
}

/** The error for "no session": says which server is missing a login and how to get one. */
export function notLoggedInError(env: CliEnv): CliError {
  if (env.PAAS_TOKEN && !env.PAAS_API_URL) {
    return new CliError('NOT_LOGGED_IN', 'PAAS_TOKEN is set but no server is known', {
      hint: 'Set PAAS_API_URL to the paas server URL, or log in once with: paas login --server URL',
    });
  }
  if (env.PAAS_API_URL) {
    return new CliError('NOT_LOGGED_IN', `Not logged in to ${env.PAAS_API_URL} (from PAAS_API_URL)`, {
      hint: `Log in with: paas login --server ${env.PAAS_API_URL}, or set PAAS_TOKEN.`,
    });
  }
  return new CliError('NOT_LOGGED_IN', 'Not logged in', { hint: 'Log in with: paas login' });
}

/**
 * Checks a server URL typed by a person and drops trailing slashes.
 * Only http and https: the API is plain HTTP(S) JSON.
 */
export function normalizeServerUrl(text: string, source = '--server'): string {
  const trimmed = text.trim().replace(/\/+$/, '');
  let url: URL | undefined;
  try {
    url = new URL(trimmed);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username || url.password) {
    const example = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? 'https://paas.example.com' : `http://${trimmed}`;
    throw usageError(`Invalid server URL "${text}" (${source})`, `Give the full URL of the paas API, e.g. ${example}`);
  }
  return trimmed;
}

/** `http://host:port` of a URL, lowercased: what git's credential protocol and our checks compare. */
export function serverOrigin(url: string): string {
  return new URL(url).origin;
}

/** The id part of a `paas_<id>_<secret>` token, to recognise "the token this CLI uses". */
export function tokenId(token: string): string | undefined {
  return /^paas_([^_]+)_/.exec(token)?.[1];
}
