/**
 * HTTP Basic credentials, as git sends them from its credential helper or a
 * URL like http://user:token@host/app.git (RFC 7617). paas ignores the user
 * name and treats the password as an API token; parsing lives here so the
 * authenticate hook given to createGitRouter stays one line.
 */

export interface BasicCredentials {
  username: string;
  password: string;
}

/** undefined when the header is missing or not Basic. */
export function parseBasicCredentials(header: string | undefined): BasicCredentials | undefined {
  if (!header) return undefined;
  const match = /^Basic +([A-Za-z0-9+/=_-]+) *$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The WWW-Authenticate challenge that makes git ask for (or look up) credentials. */
export const BASIC_CHALLENGE = 'Basic realm="paas"';
