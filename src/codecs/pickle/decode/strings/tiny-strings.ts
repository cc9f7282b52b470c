/**
 * Short ASCII strs (at most 8 bytes) as JS strings, through a small direct-mapped cache.
 *
 * Why: payloads repeat short strs that the pickle does not share through the memo (tags,
 * flags, category labels: equal values, different Python objects). Returning the cached
 * string saves the allocation, and the young-generation copying of every string that stays
 * in the result, which is most of the cost of a short str. JS strings are immutable values,
 * so handing out the same string twice (even across `loads` calls) is unobservable.
 *
 * The key is exact (the bytes packed into two int32s plus the length), never just a hash,
 * so a collision only evicts; it can never return a different string.
 */

export const TINY_STR_MAX = 8;

const CACHE_BITS = 10;
const CACHE_SIZE = 1 << CACHE_BITS;
const keyLo = new Int32Array(CACHE_SIZE);
const keyHi = new Int32Array(CACHE_SIZE);
/** 0 marks an empty slot (only lengths 2..8 are cached). */
const keyLen = new Uint8Array(CACHE_SIZE);
const cached: string[] = new Array<string>(CACHE_SIZE).fill("");

/**
 * `b[s, s + n)` as a string when every byte is ASCII, else null; `n` must be at most
 * TINY_STR_MAX and the bytes in bounds (the caller has checked).
 */
export function tinyAscii(b: Uint8Array, s: number, n: number): string | null {
  if (n < 2) {
    if (n === 0) return "";
    const c = b[s] as number;
    // One-character strings come from V8's single-character table: no allocation.
    return c < 0x80 ? String.fromCharCode(c) : null;
  }
  const e = s + n;
  const m = n < 4 ? e : s + 4;
  let lo = 0;
  let hi = 0;
  let or = 0;
  for (let i = s; i < m; i++) {
    const c = b[i] as number;
    or |= c;
    lo = (lo << 8) | c;
  }
  for (let i = m; i < e; i++) {
    const c = b[i] as number;
    or |= c;
    hi = (hi << 8) | c;
  }
  if (or >= 0x80) return null;
  const h = Math.imul(lo ^ Math.imul(hi ^ n, 0x85ebca6b), 0x9e3779b1) >>> (32 - CACHE_BITS);
  if (keyLo[h] === lo && keyHi[h] === hi && keyLen[h] === n) return cached[h] as string;
  const str = asciiString(b, s, n);
  keyLo[h] = lo;
  keyHi[h] = hi;
  keyLen[h] = n;
  cached[h] = str;
  return str;
}

/** `String.fromCharCode` with fixed arguments (n in 2..8) beats a native slice call here. */
function asciiString(b: Uint8Array, s: number, n: number): string {
  const c = String.fromCharCode;
  switch (n) {
    case 2:
      return c(b[s] as number, b[s + 1] as number);
    case 3:
      return c(b[s] as number, b[s + 1] as number, b[s + 2] as number);
    case 4:
      return c(b[s] as number, b[s + 1] as number, b[s + 2] as number, b[s + 3] as number);
    case 5:
      return c(
        b[s] as number,
        b[s + 1] as number,
        b[s + 2] as number,
        b[s + 3] as number,
        b[s + 4] as number,
      );
    case 6:
      return c(
        b[s] as number,
        b[s + 1] as number,
        b[s + 2] as number,
        b[s + 3] as number,
        b[s + 4] as number,
        b[s + 5] as number,
      );
    case 7:
      return c(
        b[s] as number,
        b[s + 1] as number,
        b[s + 2] as number,
        b[s + 3] as number,
        b[s + 4] as number,
        b[s + 5] as number,
        b[s + 6] as number,
      );
    default:
      return c(
        b[s] as number,
        b[s + 1] as number,
        b[s + 2] as number,
        b[s + 3] as number,
        b[s + 4] as number,
        b[s + 5] as number,
        b[s + 6] as number,
        b[s + 7] as number,
      );
  }
}
