/**
 * Header rewriting for one proxy hop, on Node's flat `rawHeaders` arrays
 * ([name, value, name, value, …], original case, duplicates kept) so that
 * nothing builds a headers object per request and Set-Cookie and friends
 * survive untouched.
 *
 * Hop-by-hop fields describe one connection, not the message, and must not
 * be forwarded (RFC 9110 §7.6.1): Connection and every field it names,
 * Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade, and the Proxy-*
 * family. Node re-frames each hop itself (chunking, keep-alive).
 * X-Forwarded-For is appended to; X-Forwarded-Proto and -Host are replaced,
 * since a client could otherwise claim any value (see the report: a TLS
 * terminator in front will want a trusted-proxy setting).
 */

const PASS = 0;
const HOP = 1;
const CONNECTION = 2;
const TRANSFER_ENCODING = 3;
const HOST = 4;
const CONTENT_LENGTH = 5;
const FORWARDED_FOR = 6;
const FORWARDED_OTHER = 7;
const PAAS_RELEASE = 8;
type HeaderKind = number;

/** `name` equals the lowercase ASCII `lower`, ignoring case. No allocation. */
function eqi(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    let c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** `name` starts with the lowercase ASCII `lower` (and has more), ignoring case. */
function startsWithi(name: string, lower: string): boolean {
  if (name.length <= lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    let c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function classify(name: string): HeaderKind {
  switch (name.length) {
    case 2:
      return eqi(name, 'te') ? HOP : PASS;
    case 4:
      return eqi(name, 'host') ? HOST : PASS;
    case 7:
      return eqi(name, 'trailer') || eqi(name, 'upgrade') ? HOP : proxyFamily(name);
    case 10:
      if (eqi(name, 'connection')) return CONNECTION;
      return eqi(name, 'keep-alive') ? HOP : proxyFamily(name);
    case 14:
      if (eqi(name, 'content-length')) return CONTENT_LENGTH;
      return eqi(name, 'x-paas-release') ? PAAS_RELEASE : proxyFamily(name);
    case 15:
      return eqi(name, 'x-forwarded-for') ? FORWARDED_FOR : proxyFamily(name);
    case 16:
      return eqi(name, 'x-forwarded-host') ? FORWARDED_OTHER : proxyFamily(name);
    case 17:
      if (eqi(name, 'transfer-encoding')) return TRANSFER_ENCODING;
      return eqi(name, 'x-forwarded-proto') ? FORWARDED_OTHER : proxyFamily(name);
    default:
      return proxyFamily(name);
  }
}

function proxyFamily(name: string): HeaderKind {
  const c = name.charCodeAt(0);
  return (c === 80 || c === 112) /* P p */ && startsWithi(name, 'proxy-') ? HOP : PASS;
}

/**
 * Adds the tokens of a Connection value that name other fields
 * (RFC 9110 §7.6.1) to `into`, creating it only when there are some.
 */
function nominatedFields(value: string, into: string[] | undefined): string[] | undefined {
  // Almost every message says just one of these: no split, no allocation.
  if (eqi(value, 'keep-alive') || eqi(value, 'close') || eqi(value, 'upgrade')) return into;
  for (const token of value.split(',')) {
    const field = token.trim().toLowerCase();
    if (field !== '' && field !== 'close' && field !== 'keep-alive' && field !== 'upgrade') (into ??= []).push(field);
  }
  return into;
}

function dropNominated(headers: string[], nominated: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    if (!nominated.includes(name.toLowerCase())) kept.push(name, headers[i + 1]!);
  }
  return kept;
}

export interface ScannedRequest {
  /** The Host value, port included; undefined if the client sent none. */
  host: string | undefined;
  /** End-to-end fields to forward, X-Forwarded-* not yet added. */
  headers: string[];
  /** Incoming X-Forwarded-For values joined, to append the client to. */
  forwardedFor: string | undefined;
  /** Whether a body follows (a non-zero Content-Length or any Transfer-Encoding). */
  hasBody: boolean;
  /** The body came chunked: the next hop must be told it is chunked too. */
  chunked: boolean;
}

/** One pass over the client's rawHeaders. */
export function scanRequestHeaders(raw: readonly string[]): ScannedRequest {
  const headers: string[] = [];
  let host: string | undefined;
  let forwardedFor: string | undefined;
  let hasBody = false;
  let chunked = false;
  let nominated: string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    switch (classify(name)) {
      case PASS:
      case PAAS_RELEASE:
        headers.push(name, value);
        break;
      case HOST:
        host ??= value;
        headers.push(name, value);
        break;
      case CONTENT_LENGTH:
        if (value !== '0') hasBody = true;
        headers.push(name, value);
        break;
      case TRANSFER_ENCODING:
        hasBody = true;
        chunked = true;
        break;
      case FORWARDED_FOR:
        forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
        break;
      case CONNECTION:
        nominated = nominatedFields(value, nominated);
        break;
      default: // hop-by-hop, X-Forwarded-Proto/-Host (replaced below)
        break;
    }
  }
  return {
    host,
    headers: nominated !== undefined ? dropNominated(headers, nominated) : headers,
    forwardedFor,
    hasBody,
    chunked,
  };
}

/** Adds X-Forwarded-* and the chunked framing to the scanned fields; returns them. */
export function finishRequestHeaders(scanned: ScannedRequest, clientIp: string, proto: string): string[] {
  const headers = scanned.headers;
  headers.push('X-Forwarded-For', scanned.forwardedFor === undefined ? clientIp : `${scanned.forwardedFor}, ${clientIp}`);
  headers.push('X-Forwarded-Proto', proto);
  if (scanned.host !== undefined) headers.push('X-Forwarded-Host', scanned.host);
  // Transfer-Encoding is hop-by-hop, but the body Node hands us is de-chunked
  // and must be re-chunked on the next hop; for GET/DELETE/… Node would
  // otherwise send it with no framing at all.
  if (scanned.chunked) headers.push('Transfer-Encoding', 'chunked');
  return headers;
}

/** The upstream's response fields, hop-by-hop removed, plus X-Paas-Release. */
export function responseHeaders(raw: readonly string[], release: string): string[] {
  const headers: string[] = [];
  let nominated: string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    switch (classify(name)) {
      case HOP:
      case TRANSFER_ENCODING:
      case PAAS_RELEASE: // the router says which release served, not the app
        break;
      case CONNECTION:
        nominated = nominatedFields(raw[i + 1]!, nominated);
        break;
      default:
        headers.push(name, raw[i + 1]!);
    }
  }
  const kept = nominated !== undefined ? dropNominated(headers, nominated) : headers;
  kept.push('X-Paas-Release', release);
  return kept;
}

/** The client address for X-Forwarded-For, without the IPv4-mapped prefix. */
export function clientAddress(remote: string | undefined): string {
  if (remote === undefined) return 'unknown';
  return remote.startsWith('::ffff:') && remote.includes('.') ? remote.slice(7) : remote;
}
