/**
 * UTF-8 with Python's `surrogatepass` (encoded surrogates ED A0..BF xx accepted) decoded to
 * code points: the exact content of a Python str, which a JS string cannot always hold (a high
 * surrogate followed by a low one would merge into one astral character).
 */

/** Longest run of code points turned into a string at once (`fromCodePoint.apply` argument limit). */
const CHUNK = 8192;

/**
 * The code points of `b[start, end)`. Strict UTF-8 (no overlongs, nothing above U+10FFFF) except
 * that encoded surrogates are accepted; `bad()` is called (and must throw) on anything else.
 */
export function utf8CodePoints(b: Uint8Array, start: number, end: number, bad: () => never): number[] {
  const out: number[] = [];
  const cont = (i: number): number => {
    const c = i < end ? (b[i] as number) : 0;
    if ((c & 0xc0) !== 0x80) bad();
    return c & 0x3f;
  };
  let i = start;
  while (i < end) {
    const c = b[i] as number;
    if (c < 0x80) {
      out.push(c);
      i += 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
      out.push(((c & 0x1f) << 6) | cont(i + 1));
      i += 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      const cp = ((c & 0x0f) << 12) | (cont(i + 1) << 6) | cont(i + 2);
      if (cp < 0x800) bad(); // overlong
      out.push(cp); // surrogates D800–DFFF allowed (surrogatepass)
      i += 3;
    } else if (c >= 0xf0 && c <= 0xf4) {
      const cp = ((c & 0x07) << 18) | (cont(i + 1) << 12) | (cont(i + 2) << 6) | cont(i + 3);
      if (cp < 0x10000 || cp > 0x10ffff) bad();
      out.push(cp);
      i += 4;
    } else {
      bad();
    }
  }
  return out;
}

/** The JS string of code points (adjacent high + low surrogates read as one character). */
export function codePointsString(cps: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < cps.length; i += CHUNK) {
    parts.push(String.fromCodePoint.apply(null, cps.slice(i, i + CHUNK) as number[]));
  }
  return parts.join("");
}

/** `true` when the code points hold a surrogate (U+D800–U+DFFF). */
export function hasSurrogate(cps: readonly number[]): boolean {
  for (const cp of cps) if (cp >= 0xd800 && cp <= 0xdfff) return true;
  return false;
}
