/** The stdlib-json codec of JsonKeyValueCodec: exact `json.dumps` text, `json.loads` semantics, hostile input. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { metastoreJsonSerializer } from "#src/backends/metastore/codecs.js";
import { stdlibJsonLoads } from "#src/codecs/json/stdlib-decode.js";
import { stdlibJsonDumps } from "#src/codecs/json/stdlib-encode.js";
import { CacheDecodeError, CacheEncodeError } from "#src/core/errors.js";
import { pythonFloatRepr } from "#src/python/numbers.js";
import { PyDate, PyEnum, PyFloat, PyTuple } from "#src/python/values.js";

const utf8 = new TextEncoder();
const loads = (s: string, o = {}) => stdlibJsonLoads(utf8.encode(s), o);

describe("stdlib json.dumps", () => {
  it("separators, ensure_ascii, insertion order (values checked with CPython 3.11)", () => {
    expect(stdlibJsonDumps({ owner: 1, value: '{"a": "é"}' })).toBe(
      '{"owner": 1, "value": "{\\"a\\": \\"\\u00e9\\"}"}',
    );
    expect(stdlibJsonDumps(["😀", "\u0000\u001f\u007f", "\b\f\n\r\t/"])).toBe(
      '["\\ud83d\\ude00", "\\u0000\\u001f\\u007f", "\\b\\f\\n\\r\\t/"]',
    );
    expect(
      stdlibJsonDumps(
        new Map<unknown, unknown>([
          [2, "a"],
          [true, null],
          [null, 2],
          [1.5, 0],
        ]) as never,
      ),
    ).toBe('{"2": "a", "true": null, "null": 2, "1.5": 0}');
    expect(stdlibJsonDumps(PyTuple.fromItems([1, 2]))).toBe("[1, 2]");
    expect(stdlibJsonDumps(new PyEnum("superset.utils.core", "DatasourceType", "TABLE", "table"))).toBe(
      '"table"',
    );
    expect(stdlibJsonDumps([])).toBe("[]");
    expect(stdlibJsonDumps(Object.create(null))).toBe("{}");
  });

  it("float repr like Python", () => {
    const cases: [number, string][] = [
      [0.1, "0.1"],
      [1e16, "1e+16"],
      [1.5e16, "1.5e+16"],
      [1e-5, "1e-05"],
      [0.0001, "0.0001"],
      [123456789012345.6, "123456789012345.6"],
      [-0, "-0.0"],
      [Number.NaN, "nan"],
      [Number.POSITIVE_INFINITY, "inf"],
      [5e-324, "5e-324"],
      [1.7976931348623157e308, "1.7976931348623157e+308"],
    ];
    for (const [x, s] of cases) expect(pythonFloatRepr(x)).toBe(s);
    expect(stdlibJsonDumps([1, 1.5, new PyFloat(2), -0, 2n ** 70n])).toBe(
      "[1, 1.5, 2.0, -0.0, 1180591620717411303424]",
    );
    // json.dumps spells the non-finite floats as JavaScript does, values and keys alike.
    expect(
      stdlibJsonDumps([Number.NaN, Number.POSITIVE_INFINITY, new PyFloat(Number.NEGATIVE_INFINITY)]),
    ).toBe("[NaN, Infinity, -Infinity]");
    expect(stdlibJsonDumps(new Map([[Number.NaN, 1]]))).toBe('{"NaN": 1}');
  });

  it("refuses what json.dumps refuses, with a typed error", () => {
    for (const bad of [new Uint8Array([1]), new Set([1]), new PyDate(2020, 1, 1)]) {
      expect(() => stdlibJsonDumps(bad as never)).toThrow(CacheEncodeError);
    }
    let deep: unknown = [];
    for (let i = 0; i < 2000; i++) deep = [deep];
    expect(() => stdlibJsonDumps(deep as never)).toThrow(
      expect.objectContaining({ code: "METASTORE_JSON_TOO_DEEP" }),
    );
  });
});

describe("stdlib json.loads", () => {
  it("ints, floats, big ints, NaN literals, duplicate keys, escapes, BOM", () => {
    expect(loads("[1, 1.0, 1e2, -0.0, 12345678901234567890]")).toEqual([
      1,
      1,
      100,
      -0,
      12345678901234567890n,
    ]);
    const exact = loads("[1.0, 2]", { exactNumbers: true }) as unknown[];
    expect(exact[0]).toBeInstanceOf(PyFloat);
    expect(exact[1]).toBe(2);
    expect(loads("[NaN, Infinity, -Infinity]")).toEqual([
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
    expect(() => loads("NaN", { allowNan: false })).toThrow(CacheDecodeError);
    const dup = loads('{"a": 1, "b": 2, "a": 3}') as Record<string, unknown>;
    expect(Object.keys(dup)).toEqual(["a", "b"]);
    expect(dup.a).toBe(3);
    expect(loads('"\\ud83d\\ude00\\u00e9\\/"')).toBe("😀é/");
    expect(stdlibJsonLoads(new Uint8Array([0xef, 0xbb, 0xbf, 0x31]))).toBe(1);
    const proto = loads('{"__proto__": {"x": 1}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(proto)).toBeNull();
    expect(Object.keys(proto)).toEqual(["__proto__"]);
  });

  it("hostile or corrupt bytes give METASTORE_JSON_* errors, bounded", () => {
    const bad = ["", "{", '{"a" 1}', "[1,]", '"\u0001"', "tru", "01", '"\\x"', "[1] 2", "{'a': 1}"];
    for (const b of bad)
      expect(() => loads(b)).toThrow(expect.objectContaining({ code: "METASTORE_JSON_INVALID" }));
    expect(() => stdlibJsonLoads(new Uint8Array([0xff, 0xfe]))).toThrow(CacheDecodeError);
    expect(() => loads("[".repeat(100_000))).toThrow(
      expect.objectContaining({ code: "METASTORE_JSON_TOO_DEEP" }),
    );
  });

  it("random bytes: a value or a CacheDecodeError, nothing else (fast-check)", () => {
    const printable = fc.uint8Array({ maxLength: 64 });
    const jsonish = fc
      .array(fc.constantFrom(...'{}[]":,0123456789.eE+-tfnulNIa\\ \n'.split("")), { maxLength: 64 })
      .map((cs) => utf8.encode(cs.join("")));
    let decoded = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.oneof(printable, jsonish), (bytes) => {
        try {
          stdlibJsonLoads(bytes);
          decoded++;
        } catch (e) {
          refused++;
          expect(e).toBeInstanceOf(CacheDecodeError);
        }
      }),
      { numRuns: 2000 },
    );
    // About 1 input in 40 is valid JSON: both outcomes must occur, or the property proves little.
    expect(decoded).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it("the serializer round-trips through bytes", () => {
    const s = metastoreJsonSerializer({ exactNumbers: true });
    const text = '{"owner": null, "datasource_id": 5, "x": [1.0, 2.5, "\\u00e9"]}';
    expect(new TextDecoder().decode(s.dumps(s.loads(utf8.encode(text))))).toBe(text);
  });
});
