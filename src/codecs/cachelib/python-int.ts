/**
 * Python's `int(bytes)` for base 10, as cachelib's RedisSerializer applies it to values that
 * do not start with `!`: optional ASCII whitespace around, one optional sign, ASCII digits with
 * single underscores between them, leading zeros allowed.
 */
import { pyIntValue } from "../../python/numbers.js";

/** Python 3.11+ refuses to convert decimal strings longer than this (`sys.get_int_max_str_digits`). */
const MAX_STR_DIGITS = 4300;
/** ASCII whitespace as Python's `int()` strips it: space, \t \n \v \f \r. */
const isSpace = (c: number | undefined): boolean => c === 0x20 || (c !== undefined && c >= 0x09 && c <= 0x0d);
const ZERO = 0x30;
const NINE = 0x39;
const UNDERSCORE = 0x5f;

/** The int `bytes` spells for Python (number, or bigint beyond 2^53), or null if `int()` would raise. */
export function parsePythonInt(bytes: Uint8Array): number | bigint | null {
  let start = 0;
  let end = bytes.length;
  while (start < end && isSpace(bytes[start])) start++;
  while (end > start && isSpace(bytes[end - 1])) end--;
  let negative = false;
  if (start < end && (bytes[start] === 0x2b || bytes[start] === 0x2d)) {
    negative = bytes[start] === 0x2d;
    start++;
  }
  if (start >= end) return null;
  // Validate and count first: a 60 MB value must not be concatenated before the digit check.
  let count = 0;
  let previousWasDigit = false;
  for (let i = start; i < end; i++) {
    const c = bytes[i] as number;
    if (c >= ZERO && c <= NINE) {
      // Too many digits is a refusal whatever follows (Python raises ValueError either way).
      if (++count > MAX_STR_DIGITS) return null;
      previousWasDigit = true;
    } else if (c === UNDERSCORE && previousWasDigit && i + 1 < end) {
      previousWasDigit = false;
    } else {
      return null;
    }
  }
  if (!previousWasDigit) return null;
  let digits = "";
  for (let i = start; i < end; i++)
    if (bytes[i] !== UNDERSCORE) digits += String.fromCharCode(bytes[i] as number);
  const big = BigInt(digits);
  const value = negative ? -big : big;
  return pyIntValue(value);
}
