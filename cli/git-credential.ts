/**
 * git's credential helper protocol (gitcredentials(7), git-credential(1)):
 * git writes `key=value` lines (protocol, host, path, …) ending with a blank
 * line or EOF; for `get`, the helper answers with `username=` and
 * `password=` lines, or nothing to let git try elsewhere. `store` and
 * `erase` need no answer.
 *
 * We answer only when the request is for the server the session belongs to
 * (same scheme, host and port), so the token is never handed to another host
 * even if the helper ends up configured for one.
 */
import { serverOrigin, type Session } from './credentials.js';
import { GIT_USERNAME } from './git-remote.js';

export type CredentialRequest = Readonly<Record<string, string>>;

export function parseCredentialRequest(text: string): CredentialRequest {
  const request: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.replace(/\r$/, '');
    if (trimmed === '') break;
    const eq = trimmed.indexOf('=');
    if (eq > 0) request[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return request;
}

/** The helper's answer to `get`: credentials for a matching host, else empty. */
export function credentialAnswer(request: CredentialRequest, session: Session | undefined): string {
  // A newline in the token would add lines to the protocol; git forbids it too.
  if (!session || !request.protocol || !request.host || /[\n\0]/.test(session.token)) return '';
  let wanted: string;
  try {
    wanted = serverOrigin(`${request.protocol}://${request.host}`);
  } catch {
    return '';
  }
  if (wanted !== serverOrigin(session.server)) return '';
  return `username=${GIT_USERNAME}\npassword=${session.token}\n`;
}
