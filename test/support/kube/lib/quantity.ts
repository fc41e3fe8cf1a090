/**
 * resource.Quantity (apimachinery pkg/api/resource/quantity.go): parsing,
 * comparison and the canonical form the apiserver writes back. A real
 * server re-serializes every quantity canonically ("0.5" comes back as
 * "500m", "1024Mi" as "1Gi"), so a client comparing what it sent with what
 * it reads must expect that; the double does the same.
 *
 * Values are held as BigInt nano-units; anything finer is rounded up, as
 * upstream rounds to the nearest representable value away from zero.
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  nanos: bigint;
  format: QuantityFormat;
}

/** The regular expression upstream quotes in its parse error. */
export const QUANTITY_REGEXP = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const NANO = 1_000_000_000n;

export function parseQuantity(input: string | number): Quantity | undefined {
  const s = typeof input === 'number' ? String(input) : input.trim();
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/.exec(s);
  if (!m) return undefined;
  const number = m[1] ?? '';
  const suffix = m[2] ?? '';
  const negative = number.startsWith('-');
  const digits = number.replace(/^[+-]/, '');
  const [intPart = '0', fracPart = ''] = digits.split('.');
  // value = (int.frac) as a rational: mantissa / 10^fracLen
  let mantissa = BigInt((intPart || '0') + fracPart);
  let exp10 = -fracPart.length;
  let format: QuantityFormat = 'DecimalSI';
  let binaryPow = 0;
  if (suffix in BINARY) {
    format = 'BinarySI';
    binaryPow = BINARY[suffix] ?? 0;
  } else if (/^[eE]/.test(suffix)) {
    format = 'DecimalExponent';
    exp10 += Number(suffix.slice(1));
  } else {
    exp10 += DECIMAL[suffix] ?? 0;
  }
  mantissa *= 1024n ** BigInt(binaryPow);
  // to nano units, rounding up any remainder
  const shift = exp10 + 9;
  let nanos: bigint;
  if (shift >= 0) nanos = mantissa * 10n ** BigInt(shift);
  else {
    const div = 10n ** BigInt(-shift);
    nanos = mantissa / div + (mantissa % div === 0n ? 0n : 1n);
  }
  return { nanos: negative ? -nanos : nanos, format };
}

export function isValidQuantity(input: unknown): boolean {
  return (typeof input === 'string' || typeof input === 'number') && parseQuantity(input) !== undefined;
}

/** Value in base units (cores, bytes) as a float, for scheduling arithmetic. */
export function quantityValue(input: string | number | undefined): number {
  if (input === undefined) return 0;
  const q = parseQuantity(input);
  return q ? Number(q.nanos) / 1e9 : 0;
}

export function compareQuantities(a: string | number, b: string | number): number {
  const qa = parseQuantity(a)?.nanos ?? 0n;
  const qb = parseQuantity(b)?.nanos ?? 0n;
  return qa < qb ? -1 : qa > qb ? 1 : 0;
}

/** The canonical string upstream serializes a quantity as. */
export function canonicalQuantity(input: string | number): string {
  const q = parseQuantity(input);
  if (!q) return String(input);
  const sign = q.nanos < 0n ? '-' : '';
  const abs = q.nanos < 0n ? -q.nanos : q.nanos;
  if (abs === 0n) return '0';
  if (q.format === 'BinarySI' && abs % NANO === 0n) {
    let units = abs / NANO;
    let pow = 0;
    const suffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
    // upstream only uses a binary suffix when the value is at least 1024
    while (pow < 6 && units >= 1024n && units % 1024n === 0n) {
      units /= 1024n;
      pow++;
    }
    return `${sign}${units}${suffixes[pow]}`;
  }
  // decimal: largest multiple-of-3 exponent that keeps the mantissa integral
  let exp = -9;
  let mant = abs;
  while (exp < 18 && mant % 1000n === 0n) {
    mant /= 1000n;
    exp += 3;
  }
  if (q.format === 'DecimalExponent') return `${sign}${mant}${exp === 0 ? '' : `e${exp}`}`;
  const suffix = Object.entries(DECIMAL).find(([, e]) => e === exp)?.[0] ?? '';
  return `${sign}${mant}${suffix}`;
}
