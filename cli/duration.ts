/**
 * Durations both ways. Typed by people (`--expires-in 30d`, `12h`, `1w2d`)
 * ▶ seconds, which is what the API takes; a bare number is refused rather
 * than guessed (seconds? days?): the error shows the accepted form. And
 * measured ones ▶ short text for tables and messages (`7 ms`, `1.4 s`,
 * `3m 12s`, `2h 5m`).
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

/**
 * A measured time for messages and tables: `0.4 ms`, `7 ms`, `1.4 s`,
 * `3m 12s`, then coarser (`2h 5m`, `3d 4h`) like an uptime.
 */
export function formatElapsed(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  return formatSeconds(Math.floor(ms / 1000));
}

/** Whole seconds as the two largest units: `45s`, `3m 12s`, `2h 5m`, `3d 4h`. */
export function formatSeconds(totalSeconds: number): string {
  if (!Number.isFinite(totalSeconds) || totalSeconds < 0) return '';
  const s = Math.floor(totalSeconds);
  const units: [number, string][] = [[Math.floor(s / 86_400), 'd'], [Math.floor(s / 3600) % 24, 'h'], [Math.floor(s / 60) % 60, 'm'], [s % 60, 's']];
  const first = units.findIndex(([n]) => n > 0);
  if (first === -1) return '0s';
  return units.slice(first, first + 2).filter(([n], i) => i === 0 || n > 0).map(([n, unit]) => `${n}${unit}`).join(' ');
}
