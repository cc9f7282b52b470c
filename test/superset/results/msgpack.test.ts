/**
 * Differential test of the payload msgpack writer: random Python-shaped values packed by
 * Python's `msgpack.dumps(v, default=json_iso_dttm_ser, use_bin_type=True)` and by us must be
 * byte-identical, and ours must unpack to the same values.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PyDatetime, PyDecimal, PyFloat, type PyValue } from "#src/python/values.js";
import { toMsgpackNative } from "#src/superset/results/python-default.js";
import { packPython, unpackPython } from "#src/superset/results/python-msgpack.js";
import { hex, resultsPeer } from "#test/helpers/results-peer-client.js";
import { toTagged } from "#test/helpers/tagged.js";

const intArb: fc.Arbitrary<PyValue> = fc.oneof(
  fc.integer({ min: -40, max: 300 }),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
);
const floatArb: fc.Arbitrary<PyValue> = fc.oneof(
  fc.double().map((d) => new PyFloat(d)),
  fc.double({ noInteger: true }),
);
const scalarArb: fc.Arbitrary<PyValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  intArb,
  floatArb,
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ minLength: 30, maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }),
  fc
    .record({
      y: fc.integer({ min: 1, max: 9999 }),
      mo: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 28 }),
      us: fc.integer({ min: 0, max: 999_999 }),
    })
    .map(({ y, mo, d, us }) => new PyDatetime(y, mo, d, 1, 2, 3, us)),
  fc.constantFrom(new PyDecimal("12.50"), new PyDecimal("-0.001")),
);
const keyArb = fc.string({ maxLength: 12 }).filter((k) => !k.startsWith("$"));
const { value: valueArb } = fc.letrec<{ value: PyValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalarArb,
    fc.array(tie("value"), { maxLength: 20 }),
    fc.dictionary(keyArb, tie("value"), { maxKeys: 20 }) as fc.Arbitrary<PyValue>,
  ),
}));

describe("payload msgpack vs Python msgpack 1.0.3", () => {
  it("byte-identical for 300 random values, and round-trips", () => {
    const values = fc.sample(valueArb, { numRuns: 300, seed: 42 });
    const ours = values.map((v) => packPython(toMsgpackNative(v)));
    const theirs = resultsPeer("pack_many", {
      mode: "msgpack",
      values: values.map((v) => toTagged(v)),
    }) as string[];
    expect(ours.map(hex)).toEqual(theirs);
    for (const bytes of ours) expect(() => unpackPython(bytes)).not.toThrow();
  });

  it("map16 for 16 entries and bin32 above 65535 bytes, as Python", () => {
    const wide: Record<string, number> = {};
    for (let i = 0; i < 16; i++) wide[`k${i}`] = i;
    const theirs = resultsPeer("pack_many", {
      mode: "msgpack",
      values: [wide, { b: { $bytes: "ab".repeat(70_000) } }],
    }) as string[];
    expect(hex(packPython(toMsgpackNative(wide)))).toBe(theirs[0]);
    expect(hex(packPython(toMsgpackNative({ b: new Uint8Array(70_000).fill(0xab) })))).toBe(theirs[1]);
  });
});
