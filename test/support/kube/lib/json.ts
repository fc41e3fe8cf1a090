/**
 * JSON helpers for the Kubernetes API double. Objects are kept as plain JSON
 * (what the wire carries), never as class instances, so what the store holds
 * is exactly what a client would read back. The store deep-freezes what it
 * holds, so readers can share a stored object instead of copying it and a
 * write through a shared reference fails loudly (a TypeError in strict mode).
 */

/** A Kubernetes object or any JSON value inside one. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

export function isPlainObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A deep copy, exactly what a JSON round trip gives (undefined members
 * dropped, non-finite numbers null, toJSON honoured, ...). Plain JSON data,
 * which is all the double handles, is copied directly, several times faster
 * than the round trip; anything else takes the round trip.
 */
export function clone<T>(value: T): T {
  if (value === undefined) return value;
  const copy = copyPlain(value);
  return (copy === NOT_PLAIN ? JSON.parse(JSON.stringify(value)) : copy) as T;
}

const NOT_PLAIN = Symbol('not plain JSON');

/** A copy of plain JSON data, or NOT_PLAIN as soon as something would not survive a JSON round trip unchanged. */
function copyPlain(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) ? value : NOT_PLAIN;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        const out: unknown[] = new Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const c = copyPlain(value[i]);
          if (c === NOT_PLAIN) return NOT_PLAIN;
          out[i] = c;
        }
        return out;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if ((proto !== Object.prototype && proto !== null) || 'toJSON' in value) return NOT_PLAIN;
      const out: Obj = {};
      for (const k of Object.keys(value)) {
        // an own "__proto__" member would set the copy's prototype instead
        if (k === '__proto__') return NOT_PLAIN;
        const c = copyPlain((value as Obj)[k]);
        if (c === NOT_PLAIN) return NOT_PLAIN;
        out[k] = c;
      }
      return out;
    }
    default:
      return NOT_PLAIN;
  }
}

/** Freezes a JSON value and everything inside it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Deep equality of two JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/**
 * Semantic equality as apimachinery's `equality.Semantic.DeepEqual` sees two
 * decoded Go structs: an empty list or map equals an absent one (both decode
 * to nil after a protobuf round trip through etcd).
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return jsonEqual(dropEmpty(a), dropEmpty(b));
}

function dropEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(dropEmpty);
  if (isPlainObject(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) {
      const d = dropEmpty(v);
      if (d !== undefined) out[k] = d;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value === null ? undefined : value;
}

/** JSON with object keys sorted, for hashing and comparisons that must not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Drops `null` members recursively. Go's encoding/json (and sigs.k8s.io/json,
 * which the apiserver decodes with) treats a JSON null as "leave the zero
 * value", so a null is never an error on a real server; removing them before
 * schema validation keeps the double exactly that lenient and no more.
 */
export function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (isPlainObject(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== null && v !== undefined) out[k] = stripNulls(v);
    }
    return out;
  }
  return value;
}
