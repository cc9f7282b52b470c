/**
 * Property: for JS values in the canonical form the decoder produces, `loads(dumps(v))` gives
 * `v` back (TypeScript only; the Python side is covered by test/interop/pickle-roundtrip).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import { dumps } from "#src/codecs/pickle/encode/encoder.js";
import {
  PyBytearray,
  PyComplex,
  PyDate,
  PyDatetime,
  PyDecimal,
  PyFloat,
  PyFrozenSet,
  PyTime,
  PyTimedelta,
  PyTuple,
  PyTzInfo,
  type PyValue,
} from "#src/python/values.js";

const safeInt = fc.maxSafeInteger().filter((n) => !Object.is(n, -0));
const bigOutsideSafe = fc
  .bigInt({ min: -(2n ** 300n), max: 2n ** 300n })
  .filter((b) => b > BigInt(Number.MAX_SAFE_INTEGER) || b < BigInt(Number.MIN_SAFE_INTEGER));
// Canonical decoder output under exactNumbers: integral finite floats (and -0.0) are PyFloat,
// other floats (fractions, NaN, ±Infinity) plain numbers.
const float = fc.oneof(
  fc.double().filter((d) => !Number.isInteger(d)),
  fc
    .double()
    .filter((d) => Number.isInteger(d))
    .map((d) => new PyFloat(d)),
);
const text = fc.oneof(
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: "binary" }),
  fc.constant("a\udfffb"),
);
const tz = fc.oneof(
  fc.constant(null),
  fc.integer({ min: -86399, max: 86399 }).map((s) => new PyTzInfo("fixed", s, null, "datetime.timezone")),
);
const datetime = fc
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
const scalar: fc.Arbitrary<PyValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  safeInt,
  bigOutsideSafe,
  float,
  text,
  fc.uint8Array({ maxLength: 300 }).map((b) => new Uint8Array(b)),
  fc.uint8Array({ maxLength: 20 }).map((b) => new PyBytearray(b)),
  datetime,
  fc
    .tuple(
      fc.integer({ min: 1, max: 9999 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 28 }),
    )
    .map(([y, m, d]) => new PyDate(y, m, d)),
  fc
    .tuple(
      fc.integer({ min: 0, max: 23 }),
      fc.integer({ min: 0, max: 59 }),
      fc.integer({ min: 0, max: 999_999 }),
    )
    .map(([h, m, us]) => new PyTime(h, m, 0, us)),
  fc
    .tuple(
      fc.integer({ min: -999_999_999, max: 999_999_999 }),
      fc.integer({ min: 0, max: 86399 }),
      fc.integer({ min: 0, max: 999_999 }),
    )
    .map(([d, s, us]) => new PyTimedelta(d, s, us)),
  fc.constantFrom("1.10", "-0", "NaN", "1E+999999", "-Infinity").map((t) => new PyDecimal(t)),
  fc.tuple(fc.double(), fc.double()).map(([a, b]) => new PyComplex(a, b)),
);
const hashable = fc.oneof(safeInt, text, fc.boolean());

function nullProto(entries: [string, PyValue][]): Record<string, PyValue> {
  const o = Object.create(null) as Record<string, PyValue>;
  for (const [k, v] of entries) o[k] = v;
  return o;
}

const { value } = fc.letrec<{ value: PyValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 5 }),
    fc.array(tie("value"), { maxLength: 5 }).map((items) => PyTuple.fromItems(items)),
    fc.array(fc.tuple(fc.string(), tie("value")), { maxLength: 5 }).map(nullProto),
    fc
      .array(fc.tuple(safeInt, tie("value")), { maxLength: 5 })
      .filter((e) => e.length > 0)
      .map((e) => new Map<PyValue, PyValue>(e)),
    fc.array(hashable, { maxLength: 5 }).map((items) => new Set<PyValue>(items)),
    fc.array(hashable, { maxLength: 5 }).map((items) => new PyFrozenSet<PyValue>(items)),
  ),
}));

describe("loads(dumps(v)) === v", () => {
  it("for random nested values (3000 runs)", () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(loads(dumps(v), { exactNumbers: true })).toStrictEqual(v);
      }),
      { numRuns: 3000, seed: 20261122 },
    );
  });
});
