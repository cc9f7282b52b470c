/** "Did you mean …?" for misspelt config keys: the known key at the smallest edit distance. */

/** Levenshtein distance (insert, delete, substitute; each costs 1). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Largest distance still offered as a suggestion, relative to the key length (about one typo in three chars). */
const MAX_RELATIVE_DISTANCE = 1 / 3;

/** `true` when every character of `short` appears in `long` in order (a word left out, e.g. CACHE_TIMEOUT in CACHE_DEFAULT_TIMEOUT). */
function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (const ch of long) if (ch === short[i]) i++;
  return i === short.length;
}

/** Score given to a key that only lacks (or adds) whole characters of a known key: a strong hint. */
const SUBSEQUENCE_SCORE = 2;
/** Shorter keys are subsequences of too many keys to mean anything. */
const MIN_SUBSEQUENCE_LENGTH = 6;

/** The closest of `known` to `key` (case-insensitive), or undefined when none is plausibly meant. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const a = key.toUpperCase();
    const b = candidate.toUpperCase();
    let d = editDistance(a, b);
    if (
      Math.min(a.length, b.length) >= MIN_SUBSEQUENCE_LENGTH &&
      (isSubsequence(a, b) || isSubsequence(b, a))
    ) {
      d = Math.min(d, SUBSEQUENCE_SCORE);
    }
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.ceil(key.length * MAX_RELATIVE_DISTANCE))
    ? best
    : undefined;
}
