/**
 * Python orders `str` by code point; JS `<` orders by UTF-16 code unit. The two differ
 * only when an astral character (a surrogate pair) meets a BMP character >= U+E000, or
 * when lone surrogates are involved, so compare code units and fall back to code points
 * at the first difference.
 */

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

/** Negative, zero or positive as `a` sorts before, with, or after `b` in Python's `sorted()`. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  // A shared high surrogate just before the difference starts the code point to compare.
  if (i > 0 && isHighSurrogate(a.charCodeAt(i - 1))) i--;
  return (a.codePointAt(i) as number) - (b.codePointAt(i) as number);
}
