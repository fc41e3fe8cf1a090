/**
 * intstr.GetScaledValueFromIntOrPercent (apimachinery pkg/util/intstr):
 * an int is used as is; "25%" of total is rounded up or down as the caller
 * asks (the deployment controller rounds maxSurge up and maxUnavailable down).
 */
export function scaledValue(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) {
    const n = Number(value);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid value for IntOrString: invalid value "${value}"`);
  }
  const pct = Number(m[1]);
  const raw = (pct * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}
