/** Byte forms of Python strs, exactly as CPython's pickler writes them. */

/**
 * A JS string as Python's code points: a surrogate pair is one code point, a lone surrogate is
 * its own.
 */
export function pythonCodePoints(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    out.push(c);
  }
  return out;
}

/** UTF-8 with lone surrogates encoded as 3-byte sequences (Python's "surrogatepass"). */
export function utf8Surrogatepass(s: string): Uint8Array {
  return utf8CodePointsSurrogatepass(pythonCodePoints(s));
}

/** UTF-8 of code points, each on its own: a surrogate (U+D800–U+DFFF) is 3 bytes ("surrogatepass"). */
export function utf8CodePointsSurrogatepass(cps: readonly number[]): Uint8Array {
  const out: number[] = [];
  for (const c of cps) {
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}

const stringProto = String.prototype as { isWellFormed?: (this: string) => boolean };
const LONE_SURROGATE = /\p{Surrogate}/u;

export function isWellFormed(s: string): boolean {
  return stringProto.isWellFormed ? stringProto.isWellFormed.call(s) : !LONE_SURROGATE.test(s);
}
