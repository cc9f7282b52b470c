/**
 * fast-check arbitraries of the decoder's canonical value forms (under `exactNumbers`), shared
 * by the encoder's property tests: the round trip and the protocol 0/2 differential.
 */
import fc from "fast-check";
import {
  PyComplex,
  PyDate,
  PyDatetime,
  PyDecimal,
  PyFloat,
  PyTimedelta,
  PyTzInfo,
  type PyValue,
} from "#src/python/values.js";

export const safeInt = fc.maxSafeInteger().filter((n) => !Object.is(n, -0));
/** Integral finite floats (and -0.0) are `PyFloat`; other floats (fractions, NaN, ±Infinity) plain numbers. */
export const canonicalFloat = fc.oneof(
  fc.double().filter((d) => !Number.isInteger(d)),
  fc
    .double()
    .filter((d) => Number.isInteger(d))
    .map((d) => new PyFloat(d)),
);
const tz = fc.oneof(
  fc.constant(null),
  fc.integer({ min: -86399, max: 86399 }).map((s) => new PyTzInfo("fixed", s, null, "datetime.timezone")),
);
export const pyDatetime = fc
  .record({
    y: fc.integer({ min: 1, max: 9999 }),
    mo: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.integer({ min: 0, max: 59 }),
    us: fc.integer({ min: 0, max: 999_999 }),
    tz,
    fold: fc.constantFrom(0 as const, 1 as const),
  })
  .map((r) => new PyDatetime(r.y, r.mo, r.d, r.h, r.mi, r.s, r.us, r.tz, r.fold));
export const pyDate = fc
  .tuple(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
  .map(([y, m, d]) => new PyDate(y, m, d));
export const pyTimedelta = fc
  .tuple(
    fc.integer({ min: -999_999_999, max: 999_999_999 }),
    fc.integer({ min: 0, max: 86399 }),
    fc.integer({ min: 0, max: 999_999 }),
  )
  .map(([d, s, us]) => new PyTimedelta(d, s, us));
export const pyDecimal = fc
  .constantFrom("1.10", "-0", "NaN", "1E+999999", "-Infinity")
  .map((t) => new PyDecimal(t));
export const pyComplex = fc.tuple(fc.double(), fc.double()).map(([a, b]) => new PyComplex(a, b));

/** A dict as the decoder makes it: a null-prototype object. */
export function nullProto(entries: [string, PyValue][]): Record<string, PyValue> {
  const o = Object.create(null) as Record<string, PyValue>;
  for (const [k, v] of entries) o[k] = v;
  return o;
}
