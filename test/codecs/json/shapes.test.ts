/**
 * The flat writer's caches and shortcuts (member order cached per key list, member prefixes
 * copied as 32-bit words, `Object.values` by sorted index, hook results written in place)
 * against the general encoder, which has none of them. For ASCII-only text the general
 * encoder's `ensureAscii: false` output is byte-identical to simplejson's default, so it is
 * the reference here; the Python differential tests cover simplejson itself.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dumps, PyJsonEncodeError } from "#src/codecs/json/index.js";
import { PyDatetime, PyFloat } from "#src/python/values.js";
import { hashFromDict } from "#src/superset/hashing.js";
import { makeJsonIntDttmSer } from "#src/superset/json-hooks.js";

/** The general (string-building) encoder's text of `v`. */
function reference(v: unknown, sortKeys: boolean): string {
  return dumps(v, { sortKeys, ensureAscii: false });
}

const asciiKey = fc.string({ unit: fc.constantFrom(...'abcdefghij_"\\ABC0123'), maxLength: 12 });
const asciiJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom(null, true, false, 0, -1, 10000, 1.5, -0.25),
    fc.string({ unit: fc.constantFrom(...'abc "\\/\t\n'), maxLength: 8 }),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(asciiKey, tie("value"), { maxKeys: 9 }),
  ),
})).value;

function reversedInsertion(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).reverse()) out[k] = o[k];
  return out;
}

describe("pyjson flat writer caches", () => {
  it("writes what the general encoder writes, sorted and unsorted, on first and repeated shapes (property)", () => {
    fc.assert(
      fc.property(asciiJson, (v) => {
        for (const sortKeys of [true, false]) {
          const expected = reference(v, sortKeys);
          expect(dumps(v, { sortKeys })).toBe(expected);
          expect(dumps(v, { sortKeys })).toBe(expected);
          expect(hashFromDict(v, { algorithm: "md5" })).toBe(
            createHash("md5").update(reference(v, true)).digest("hex"),
          );
        }
      }),
      { numRuns: 400 },
    );
  });

  it("sorts the same key set the same way whatever the insertion order; unsorted keeps each order", () => {
    const a = { zeta: 1, alpha: [2], mid: { y: 1, x: 2 }, beta: "b" };
    const b = reversedInsertion(a);
    const sorted = '{"alpha": [2], "beta": "b", "mid": {"x": 2, "y": 1}, "zeta": 1}';
    expect(dumps(a, { sortKeys: true })).toBe(sorted);
    expect(dumps(b, { sortKeys: true })).toBe(sorted);
    expect(dumps(a)).toBe('{"zeta": 1, "alpha": [2], "mid": {"y": 1, "x": 2}, "beta": "b"}');
    expect(dumps(b)).toBe('{"beta": "b", "mid": {"y": 1, "x": 2}, "alpha": [2], "zeta": 1}');
  });

  it("stays exact when many shapes share a first key and when the shape cache is emptied", () => {
    for (let round = 0; round < 2; round++) {
      for (let n = 0; n < 3000; n++) {
        const o: Record<string, number> = { first: n };
        o[`k${n % 40}`] = 1;
        if (n % 3 === 0) o[`z${n}`] = 2;
        expect(dumps(o, { sortKeys: true })).toBe(reference(o, true));
        expect(dumps(o)).toBe(reference(o, false));
      }
    }
  });

  it("copies member prefixes of every length across buffer growth", () => {
    const o: Record<string, string> = {};
    for (let i = 0; i < 600; i++) o["k".repeat((i % 13) + 1) + String(i)] = "v".repeat(i % 5);
    expect(dumps(o, { sortKeys: true })).toBe(reference(o, true));
    expect(dumps(o)).toBe(reference(o, false));
  });

  it("writes hook results in place: floats as Python's repr, strings escaped, NaN per the options", () => {
    const hook = makeJsonIntDttmSer({ awareDatetime: "replace" });
    const dt = new PyDatetime(2024, 1, 15, 10, 30, 0);
    expect(dumps({ b: dt, a: [dt] }, { sortKeys: true, default: hook })).toBe(
      '{"a": [1705314600000.0], "b": 1705314600000.0}',
    );
    const floats = [1e16, 1e-5, -2.5, 0.0001, 123456789012345.6].map((x) => new PyFloat(x));
    expect(dumps(floats)).toBe("[1e+16, 1e-05, -2.5, 0.0001, 123456789012345.6]");
    class Box {}
    const toText = () => 'é"';
    expect(dumps({ x: new Box() }, { default: toText })).toBe('{"x": "\\u00e9\\""}');
    const toNaN = () => new PyFloat(Number.NaN);
    expect(dumps([new Box()], { default: toNaN, ignoreNan: true })).toBe("[null]");
    expect(() => dumps([new Box()], { default: toNaN, allowNan: false })).toThrow(PyJsonEncodeError);
  });

  it("still reports a hook whose result contains the hooked value as circular", () => {
    class Box {}
    const box = new Box();
    const hook = () => [box];
    const write = () => dumps({ a: box }, { default: hook });
    expect(write).toThrow(PyJsonEncodeError);
    expect(write).toThrow(expect.objectContaining({ code: "PYJSON_CIRCULAR" }));
  });
});
