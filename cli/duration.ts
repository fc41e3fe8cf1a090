/**
 * Durations typed by people (`--expires-in 30d`, `12h`, `1w2d`) ▶ seconds,
 * which is what the API takes. A bare number is refused rather than guessed
 * (seconds? days?): the error shows the accepted form.
 */
import { usageError } from './errors.js';

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 } as const;
type Unit = keyof typeof UNIT_SECONDS;

export function parseDuration(text: string, flagName = '--expires-in'): number {
  const trimmed = text.trim().toLowerCase();
  const hint = `Use a number with a unit: s, m, h, d, w or y, e.g. ${flagName} 30d or ${flagName} 12h.`;
  if (!/^(\d+[smhdwy])+$/.test(trimmed)) {
    throw usageError(`Invalid duration "${text}" for ${flagName}`, hint);
  }
  let seconds = 0;
  for (const match of trimmed.matchAll(/(\d+)([smhdwy])/g)) {
    seconds += Number(match[1]) * UNIT_SECONDS[match[2] as Unit];
  }
  if (seconds <= 0 || !Number.isSafeInteger(seconds)) {
    throw usageError(`Duration "${text}" for ${flagName} must be more than zero`, hint);
  }
  return seconds;
}
