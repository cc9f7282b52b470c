/**
 * Python's `int(bytes)` for base 10, as cachelib's RedisSerializer applies it to values that
 * do not start with `!`: optional ASCII whitespace around, one optional sign, ASCII digits with
 * single underscores between them, leading zeros allowed.
 */
import { pyIntValue } from "../../python/numbers.js";

/** Python 3.11+ refuses to convert decimal strings longer than this (`sys.get_int_max_str_digits`). */
const MAX_STR_DIGITS = 4300;
const SPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);
const ZERO = 0x30;
const NINE = 0x39;
const UNDERSCORE = 0x5f;

/** The int `bytes` spells for Python (number, or bigint beyond 2^53), or null if `int()` would raise. */
export function parsePythonInt(bytes: Uint8Array): number | bigint | null {
  let start = 0;
  let end = bytes.length;
  while (start < end && SPACE.has(bytes[start] as number)) start++;
  while (end > start && SPACE.has(bytes[end - 1] as number)) end--;
  let negative = false;
  if (start < end && (bytes[start] === 0x2b || bytes[start] === 0x2d)) {
    negative = bytes[start] === 0x2d;
    start++;
  }
  if (start >= end) return null;
  let digits = "";
  let previousWasDigit = false;
  for (let i = start; i < end; i++) {
    const c = bytes[i] as number;
    if (c >= ZERO && c <= NINE) {
      digits += String.fromCharCode(c);
      previousWasDigit = true;
    } else if (c === UNDERSCORE && previousWasDigit && i + 1 < end) {
      previousWasDigit = false;
    } else {
      return null;
    }
  }
  if (!previousWasDigit || digits.length > MAX_STR_DIGITS) return null;
  const big = BigInt(digits);
  const value = negative ? -big : big;
  return pyIntValue(value);
}
