/**
 * Exact mode (`loads(…, { exact: true })`) without Python: surrogate strs as `PyStr`, integral
 * floats as `PyFloat`, dicts as Maps in pickle order, numpy scalars kept, DataFrame str columns
 * with surrogates kept in both modes, and `createCache(…, { exact: true })` reading the same way.
 * The differential test against Python is test/roundtrip/differential.test.ts.
 */
import type { Table } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import { dumps } from "#src/codecs/pickle/encode/encoder.js";
import { CacheManager } from "#src/manager/cache-manager.js";
import { createCache } from "#src/manager/create-cache.js";
import { PyFloat, PyObject, PyStr, PyTuple, type PyValue } from "#src/python/values.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** SHORT_BINUNICODE of raw UTF-8 bytes, as CPython writes a str with surrogates ("surrogatepass"). */
function strPickle(utf8: number[]): Uint8Array {
  return Uint8Array.from([0x80, 0x05, 0x8c, utf8.length, ...utf8, 0x94, 0x2e]);
}
// "\ud800\udfff": two code points in Python, each encoded on its own.
const PAIR = [0xed, 0xa0, 0x80, 0xed, 0xbf, 0xbf];

describe("PyStr", () => {
  it("a str whose UTF-8 carries adjacent encoded surrogates decodes to its exact code points", () => {
    const v = loads(strPickle(PAIR), { exact: true });
    expect(v).toBeInstanceOf(PyStr);
    expect((v as PyStr).codePoints).toEqual([0xd800, 0xdfff]);
    // The JS string of it (and the default mode) merges the pair into one astral character.
    expect(String(v)).toBe("\u{103ff}");
    expect(loads(strPickle(PAIR))).toBe("\u{103ff}");
  });

  it("re-encodes to the bytes it came from, at protocols 2, 4 and 5", () => {
    const v = loads(strPickle([0x61, ...PAIR]), { exact: true });
    expect(hex(dumps(v))).toContain(`61${hex(Uint8Array.from(PAIR))}`);
    expect(hex(dumps(v, { protocol: 2 }))).toContain(`61${hex(Uint8Array.from(PAIR))}`);
    // Protocol 0 escapes each code point on its own: two \\u escapes, not one \\U.
    expect(Buffer.from(dumps(v, { protocol: 0 })).toString("latin1")).toContain("a\\ud800\\udfff");
  });

  it("strs without surrogates stay JS strings in exact mode", () => {
    expect(loads(dumps(["abc", "é😀"]), { exact: true })).toEqual(["abc", "é😀"]);
  });

  it("refuses a code point beyond U+10FFFF", () => {
    expect(() => dumps(new PyStr([0x110000]))).toThrow(/code point/);
  });
});

describe("exact option", () => {
  it("implies exactNumbers and Maps in pickle order", () => {
    const bytes = dumps(
      new Map<PyValue, PyValue>([
        ["a b", new PyFloat(2)],
        ["10", 1],
      ]),
    );
    const v = loads(bytes, { exact: true }) as Map<PyValue, PyValue>;
    expect(v).toBeInstanceOf(Map);
    expect([...v.keys()]).toEqual(["a b", "10"]);
    expect(v.get("a b")).toBeInstanceOf(PyFloat);
    expect(Object.keys(loads(bytes) as object)).toEqual(["10", "a b"]);
  });

  it("keeps a numpy scalar as the call that builds it, written back unchanged", () => {
    // numpy.core.multiarray.scalar(numpy.dtype("i8"), b"\x05\0…") as CPython pickles np.int64(5).
    const dtype = new PyObject("numpy", "dtype", PyTuple.fromItems<PyValue>(["i8", false, true]));
    const raw = Uint8Array.of(5, 0, 0, 0, 0, 0, 0, 0);
    const bytes = dumps(
      new PyObject("numpy.core.multiarray", "scalar", PyTuple.fromItems<PyValue>([dtype, raw])),
    );
    expect(loads(bytes)).toBe(5);
    const exact = loads(bytes, { exact: true });
    expect(exact).toBeInstanceOf(PyObject);
    expect((exact as PyObject).qualifiedName).toBe("numpy.core.multiarray.scalar");
    expect(hex(dumps(exact))).toBe(hex(bytes));
  });

  it("createCache(config, { exact: true }) reads values in exact mode", async () => {
    const cache = createCache({ CACHE_TYPE: "SimpleCache" }, { exact: true });
    const plain = createCache({ CACHE_TYPE: "SimpleCache" });
    try {
      const entry = dumps(
        new Map<PyValue, PyValue>([
          ["a b", 1],
          ["10", new PyFloat(2)],
        ]),
      );
      await cache.setRaw("k", entry);
      const v = (await cache.get("k")) as Map<PyValue, PyValue>;
      expect([...v.keys()]).toEqual(["a b", "10"]);
      expect(v.get("10")).toBeInstanceOf(PyFloat);
      await plain.setRaw("k", entry);
      expect(await plain.get("k")).toEqual({ "10": 2, "a b": 1 });
    } finally {
      await cache.close();
      await plain.close();
    }
  });
});

describe("CacheManager exact option", () => {
  it("reaches every cache it builds", async () => {
    const manager = new CacheManager({ DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" } }, { exact: true });
    try {
      await manager.dataCache.setRaw("k", dumps(new PyStr([0xd800, 0xdfff])));
      expect(((await manager.dataCache.get("k")) as PyStr).codePoints).toEqual([0xd800, 0xdfff]);
    } finally {
      await manager.close();
    }
  });
});

describe("DataFrame str columns with surrogates", () => {
  it("become Binary str-surrogatepass columns and re-encode to the same strs (both modes)", () => {
    // DataFrame({"s": [...]}) in the call form hand-written pickles use.
    const cells: PyValue = ["\udfff😀", "x"];
    const bytes = dumps(
      new PyObject("pandas.core.frame", "DataFrame", PyTuple.fromItems<PyValue>([{ s: cells }])),
    );
    for (const exact of [false, true]) {
      const t = loads(bytes, { exact }) as Table;
      const field = t.schema.fields[0];
      expect(String(field?.type)).toBe("Binary");
      expect(field?.metadata.get("pandas_object_encoding")).toBe("str-surrogatepass");
      expect(hex(dumps(t))).toBe(hex(dumps(loads(dumps(t), { exact }))));
      expect(hex(dumps(t))).toContain("edbfbff09f9880");
    }
  });
});

describe("protocol 0 text strs", () => {
  it("two escaped surrogates stay two code points in exact mode", () => {
    // pickle.dumps("\ud800\udfff", 0): UNICODE with raw-unicode-escape.
    const bytes = Buffer.from("V\\ud800\\udfff\np0\n.", "latin1");
    const v = loads(bytes, { exact: true });
    expect((v as PyStr).codePoints).toEqual([0xd800, 0xdfff]);
    expect(loads(bytes)).toBe("\u{103ff}");
  });
});
