/** Python dicts in the JS value model: both object forms and Maps, keys read as own data only. */
import { describe, expect, it } from "vitest";
import { dictEntries, dictGet, dictHas, isPlainObject, isPyDict } from "#src/python/dicts.js";
import { PyFloat, PyOrderedDict, PyTuple } from "#src/python/values.js";

const nullProto = (entries: Record<string, number>) => Object.assign(Object.create(null), entries);

describe("isPlainObject / isPyDict", () => {
  it("plain and null-prototype objects are str-keyed dicts; Maps are dicts of any key", () => {
    expect(isPlainObject({ a: 1 })).toBe(true);
    expect(isPlainObject(nullProto({ a: 1 }))).toBe(true);
    expect(isPyDict(new Map())).toBe(true);
    expect(isPyDict(new PyOrderedDict())).toBe(true);
  });

  it("arrays, tuples, bytes, value classes, null and primitives are not", () => {
    for (const v of [
      [],
      PyTuple.fromItems([1]),
      new Uint8Array(1),
      new PyFloat(1),
      null,
      "a",
      1,
      undefined,
    ]) {
      expect(isPlainObject(v)).toBe(false);
      expect(isPyDict(v as never)).toBe(false);
    }
  });
});

describe("dictGet / dictHas / dictEntries", () => {
  it("read both forms; a missing key or a non-dict gives undefined", () => {
    expect(dictGet({ a: 1 }, "a")).toBe(1);
    expect(dictGet(nullProto({ a: 2 }), "a")).toBe(2);
    expect(dictGet(new Map([["a", 3]]), "a")).toBe(3);
    expect(dictGet({ a: 1 }, "b")).toBeUndefined();
    expect(dictGet([1, 2] as never, "0")).toBeUndefined();
    expect(dictGet(undefined, "a")).toBeUndefined();
  });

  it("inherited names are not keys", () => {
    expect(dictGet({}, "constructor")).toBeUndefined();
    expect(dictHas({}, "toString")).toBe(false);
    expect(dictHas(new Map([["toString", 1]]), "toString")).toBe(true);
  });

  it("entries keep insertion order", () => {
    expect(dictEntries({ b: 1, a: 2 })).toEqual([
      ["b", 1],
      ["a", 2],
    ]);
    expect(dictEntries(new Map<never, number>([[1 as never, 1]]))).toEqual([[1, 1]]);
  });
});
