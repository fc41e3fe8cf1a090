/**
 * Which app a request is for, from its Host header (RFC 9110 §7.2):
 * `<app>.<domain>[:port]`, case-insensitive, a trailing dot allowed, the port
 * ignored (the router's own port is in it). Anything else (the bare domain,
 * an IP address, another name) is not an app host: the router answers those
 * itself (metrics, health).
 */

export interface HostMatcher {
  /** The app label, or undefined when the host is not `<label>.<domain>`. */
  appFromHost(host: string | undefined): string | undefined;
}

export function createHostMatcher(domain: string): HostMatcher {
  const suffix = `.${domain.toLowerCase().replace(/\.+$/, '')}`;
  return {
    appFromHost(host) {
      if (host === undefined || host.length === 0 || host.charCodeAt(0) === 91 /* '[' IPv6 */) return undefined;
      let end = host.indexOf(':');
      if (end === -1) end = host.length;
      if (host.charCodeAt(end - 1) === 46 /* '.' */) end--;
      const start = end - suffix.length;
      if (start <= 0 || !equalsLowerAt(host, start, suffix)) return undefined;
      const label = host.slice(0, start);
      return hasUpper(label) ? label.toLowerCase() : label;
    },
  };
}

/** host[at..at+lower.length) equals `lower`, ignoring ASCII case. */
function equalsLowerAt(host: string, at: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    let c = host.charCodeAt(at + i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function hasUpper(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return true;
  }
  return false;
}
