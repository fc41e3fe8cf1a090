/**
 * "Did you mean …?" for mistyped commands and flags: the candidate with the
 * smallest edit distance, if it is close enough to be a plausible typo.
 */

/** Levenshtein distance with unit costs (insert, delete, substitute). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitute);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The closest candidate, or undefined when none is close: at most a third of
 * the word's length in edits (minimum 1, so two-letter typos still match),
 * or a candidate the word is a prefix of (`conf` ▶ `config`).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const typed = word.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  const limit = Math.max(1, Math.floor(typed.length / 3));
  if (best && best.distance <= limit) return best.candidate;
  return typed.length >= 3 ? candidates.find((c) => c.toLowerCase().startsWith(typed)) : undefined;
}
