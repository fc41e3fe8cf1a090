/**
 * Timestamps as the Kubernetes API writes them. metav1.Time marshals with
 * RFC 3339 at second precision (apimachinery pkg/apis/meta/v1/time.go
 * `MarshalJSON` uses time.RFC3339 after UTC()), so every creationTimestamp,
 * deletionTimestamp and condition time is whole seconds. Container log
 * timestamps are RFC3339Nano, which trims trailing zeros of the fraction
 * (Go's "2006-01-02T15:04:05.999999999Z07:00").
 */

export function metaTime(date: Date | number = Date.now()): string {
  const d = typeof date === 'number' ? new Date(date) : date;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

const hrBase = process.hrtime.bigint();
const wallBase = BigInt(Date.now()) * 1_000_000n;

/** Nanoseconds since the epoch, monotonic within this process. */
export function nowNanos(): bigint {
  return wallBase + (process.hrtime.bigint() - hrBase);
}

/** Go's time.RFC3339Nano formatting of a nanosecond timestamp. */
export function rfc3339Nano(nanos: bigint): string {
  const ms = Number(nanos / 1_000_000n);
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = (nanos % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${base}${frac ? `.${frac}` : ''}Z`;
}

/** Parses an RFC 3339 timestamp with up to nine fraction digits into nanoseconds. */
export function parseNanos(value: string): bigint | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  const frac = BigInt((m[2] ?? '').padEnd(9, '0'));
  return BigInt(ms) * 1_000_000n + frac;
}
