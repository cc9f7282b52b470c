/**
 * Property: for JS values in the canonical form the decoder produces, `loads(dumps(v))` gives
 * `v` back (TypeScript only; the Python side is covered by test/interop/pickle-roundtrip).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import { dumps } from "#src/codecs/pickle/encode/encoder.js";
import { PyBytearray, PyFrozenSet, PyTime, PyTuple, type PyValue } from "#src/python/values.js";
import {
  canonicalFloat,
  nullProto,
  pyComplex,
  pyDate,
  pyDatetime,
  pyDecimal,
  pyTimedelta,
  safeInt,
} from "./canonical-arbitraries.js";

const bigOutsideSafe = fc
  .bigInt({ min: -(2n ** 300n), max: 2n ** 300n })
  .filter((b) => b > BigInt(Number.MAX_SAFE_INTEGER) || b < BigInt(Number.MIN_SAFE_INTEGER));
const text = fc.oneof(
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: "binary" }),
  fc.constant("a\udfffb"),
);
const scalar: fc.Arbitrary<PyValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  safeInt,
  bigOutsideSafe,
  canonicalFloat,
  text,
  fc.uint8Array({ maxLength: 300 }).map((b) => new Uint8Array(b)),
  fc.uint8Array({ maxLength: 20 }).map((b) => new PyBytearray(b)),
  pyDatetime,
  pyDate,
  fc
    .tuple(
      fc.integer({ min: 0, max: 23 }),
      fc.integer({ min: 0, max: 59 }),
      fc.integer({ min: 0, max: 999_999 }),
    )
    .map(([h, m, us]) => new PyTime(h, m, 0, us)),
  pyTimedelta,
  pyDecimal,
  pyComplex,
);
const hashable = fc.oneof(safeInt, text, fc.boolean());

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
