/**
 * Python numbers in JS: which Python number a JS number stands for, the JS value of a Python
 * int, and how Python prints a float. JSON-like data has one JS number type for Python's int
 * and float; every codec and key builder reads it the same way: a safe integer (not -0) is an
 * int, anything else a float. Ints beyond 2^53 are bigints.
 */

/** Decimal exponents at which Python's repr leaves positional notation (`float_repr_style` "short"). */
const MIN_POSITIONAL_EXPONENT = -4;
const MAX_POSITIONAL_EXPONENT = 15;
/** Python writes |x| in [1e-4, 1e16) positionally; JS `String(x)` does so for [1e-7, 1e21). */
const POSITIONAL_MIN = 1e-4;
const POSITIONAL_LIMIT = 1e16;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * `true` when the JS number `x` reads as a Python int: a safe integer, not -0. Integral numbers
 * beyond 2^53 read as floats: Python ints that large decode to bigint, so such a number came
 * from a float.
 */
export function isPythonInt(x: number): boolean {
  return Number.isSafeInteger(x) && !Object.is(x, -0);
}

/** The JS value of a Python int (values.ts): a number while exact (|v| ≤ 2^53 − 1), else the bigint. */
export function pyIntValue(v: bigint): number | bigint {
  return v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v;
}

/**
 * Python's `repr(x)` (and `str(x)`) of a float: `1.0`, `0.1`, `1e+16`, `1e-05`, `-0.0`, `nan`,
 * `inf`, `-inf`. JSON encoders spell the non-finite values their own way (`NaN`, `Infinity`)
 * and must map them before calling this.
 *
 * Python and JS both pick the shortest digit string that round-trips (JS `toExponential()`
 * with no argument gives exactly those digits); they differ only in layout. Python switches to
 * exponent form when the decimal exponent is < -4 or >= 16, writes `1e+16` / `1e-05` (signed,
 * at least two exponent digits) and keeps `.0` on integral values in positional form.
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Number.POSITIVE_INFINITY) return "inf";
  if (x === Number.NEGATIVE_INFINITY) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const magnitude = x < 0 ? -x : x;
  // Fast path: where both languages write positional notation, JS's shortest round-trip
  // text is Python's, bar the `.0` Python keeps on integral values.
  if (magnitude >= POSITIONAL_MIN && magnitude < POSITIONAL_LIMIT) {
    return Number.isInteger(x) ? `${x}.0` : `${x}`;
  }
  const negative = x < 0;
  // "d.ddde±x": shortest round-trip digits and the decimal exponent.
  const exp = (negative ? -x : x).toExponential();
  const ePos = exp.indexOf("e");
  const digits = exp[1] === "." ? exp[0] + exp.slice(2, ePos) : exp.slice(0, ePos);
  const e = Number(exp.slice(ePos + 1));
  let body: string;
  if (e < MIN_POSITIONAL_EXPONENT || e > MAX_POSITIONAL_EXPONENT) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const absE = e < 0 ? -e : e;
    body = `${mantissa}e${e < 0 ? "-" : "+"}${absE < 10 ? "0" : ""}${absE}`;
  } else if (e < 0) {
    body = `0.${"0".repeat(-e - 1)}${digits}`;
  } else if (e + 1 >= digits.length) {
    body = `${digits}${"0".repeat(e + 1 - digits.length)}.0`;
  } else {
    body = `${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
  }
  return negative ? `-${body}` : body;
}
