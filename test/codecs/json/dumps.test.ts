/**
 * pyjson unit tests: expected strings are Python 3.11 / simplejson 3.18.3 outputs (checked
 * by hand with Debian's python3; the differential test covers random values).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareCodePoints, dumps, PyJsonEncodeError, pythonFloatRepr } from "#src/codecs/json/index.js";
import {
  PyBytearray,
  PyDate,
  PyDatetime,
  PyDecimal,
  PyEnum,
  PyFloat,
  PyTime,
  PyTimedelta,
  PyUUID,
} from "#src/python/values.js";
import {
  datetimeToEpochMillis,
  formatTimedelta,
  makeBaseJsonConv,
  makeJsonIntDttmSer,
  makeJsonIsoDttmSer,
} from "#src/superset/json-hooks.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof PyJsonEncodeError) return e.code;
    throw e;
  }
  return undefined;
}

describe("pythonFloatRepr", () => {
  it.each([
    [1, "1.0"],
    [0.1, "0.1"],
    [1e16, "1e+16"],
    [1e15, "1000000000000000.0"],
    [1e-5, "1e-05"],
    [0.0001, "0.0001"],
    [-0, "-0.0"],
    [5e-324, "5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [1.2345678901234568e17, "1.2345678901234568e+17"],
    [123456789.125, "123456789.125"],
    [-2.5e-7, "-2.5e-07"],
    [1e22, "1e+22"],
    [Number.NaN, "nan"],
    [Number.NEGATIVE_INFINITY, "-inf"],
  ])("%s → %s", (x, repr) => expect(pythonFloatRepr(x)).toBe(repr));
  it("round-trips every double (property)", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Object.is(Number(pythonFloatRepr(x)), x)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("dumps: scalars and numbers", () => {
  it("ints vs floats", () => {
    expect(dumps([1, 1.5, new PyFloat(2), -0, 2 ** 53, 2n ** 64n, 1e21])).toBe(
      "[1, 1.5, 2.0, -0.0, 9007199254740992, 18446744073709551616, 1000000000000000000000]",
    );
  });
  it("NaN / Infinity under each flag", () => {
    expect(dumps([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])).toBe(
      "[NaN, Infinity, -Infinity]",
    );
    expect(dumps([Number.NaN], { ignoreNan: true, allowNan: false })).toBe("[null]");
    expect(codeOf(() => dumps(Number.NaN, { allowNan: false }))).toBe("PYJSON_NAN_NOT_ALLOWED");
  });
  it("Decimal written as is; Decimal to default when useDecimal is false", () => {
    expect(dumps(new PyDecimal("12.50"))).toBe("12.50");
    expect(codeOf(() => dumps(new PyDecimal("1"), { useDecimal: false }))).toBe("PYJSON_UNSERIALIZABLE");
  });
  it("str/int enums encode as their value", () => {
    expect(dumps(new PyEnum("superset.common.chart_data", "ChartDataResultType", "FULL", "full"))).toBe(
      '"full"',
    );
  });
});

describe("dumps: strings", () => {
  it("ensure_ascii escapes with lowercase hex, pairs for astral, 0x7f included, / kept", () => {
    expect(dumps('a"b\\c\n\r\t\b\f\x00\x1f\x7f/é☕😀\ud800')).toBe(
      '"a\\"b\\\\c\\n\\r\\t\\b\\f\\u0000\\u001f\\u007f/\\u00e9\\u2615\\ud83d\\ude00\\ud800"',
    );
  });
  it("ensure_ascii=False keeps non-ASCII and 0x7f, escapes controls", () => {
    expect(dumps("é\x7f\x01\u2028", { ensureAscii: false })).toBe('"é\x7f\\u0001\u2028"');
  });
  it("bytes decode as UTF-8; invalid UTF-8 is an error; bytearray goes to default", () => {
    expect(dumps(new Uint8Array(Buffer.from("héllo")))).toBe('"h\\u00e9llo"');
    expect(codeOf(() => dumps(new Uint8Array([0xff])))).toBe("PYJSON_BYTES_NOT_UTF8");
    expect(codeOf(() => dumps(new PyBytearray([0x61])))).toBe("PYJSON_UNSERIALIZABLE");
  });
});

describe("dumps: containers and options", () => {
  it("sort_keys uses code-point order (astral after U+FFFF BMP chars)", () => {
    const o = { "\uffff": 1, "😀": 2, a: 3 };
    expect(dumps(o, { sortKeys: true })).toBe('{"a": 3, "\\uffff": 1, "\\ud83d\\ude00": 2}');
    expect(["😀", "\uffff"].sort(compareCodePoints)).toEqual(["\uffff", "😀"]);
  });
  it("sorted output has code-point key order for small and large objects (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit: "binary", maxLength: 4 }), { maxLength: 60 }), (keys) => {
        const o: Record<string, number> = Object.create(null);
        for (const k of keys) o[k] = 1;
        const expected = `{${[...keys]
          .sort(compareCodePoints)
          .map((k) => `${dumps(k)}: 1`)
          .join(", ")}}`;
        expect(dumps(o, { sortKeys: true })).toBe(keys.length ? expected : "{}");
      }),
      { numRuns: 300 },
    );
  });
  it("non-str keys are stringified (Map), sorted after stringification", () => {
    const m = new Map<unknown, unknown>([
      [2, "a"],
      [new PyFloat(1.5), "b"],
      [true, "c"],
      [null, "d"],
      ["10", "e"],
    ]);
    expect(dumps(m, { sortKeys: true })).toBe('{"1.5": "b", "10": "e", "2": "a", "null": "d", "true": "c"}');
    expect(codeOf(() => dumps(new Map([[[1], 1]])))).toBe("PYJSON_KEY_TYPE");
    expect(
      dumps(
        new Map<unknown, unknown>([
          [[1], 1],
          ["a", 2],
        ]),
        { skipKeys: true },
      ),
    ).toBe('{"a": 2}');
  });
  it("simplejson's C key memo: equal Python keys reuse the first text when unsorted", () => {
    const v = [
      new Map([[0, "a"]]),
      new Map([[false, "b"]]),
      new Map([[new PyFloat(-0), 1]]) /* a JS Map folds -0 into 0 */,
    ];
    expect(dumps(v)).toBe('[{"0": "a"}, {"0": "b"}, {"0": 1}]');
    expect(dumps(v, { sortKeys: true })).toBe('[{"0": "a"}, {"false": "b"}, {"-0.0": 1}]');
    expect(dumps(v, { indent: 0 })).toBe('[\n{\n"0": "a"\n},\n{\n"false": "b"\n},\n{\n"-0.0": 1\n}\n]');
  });
  it("indent and separators", () => {
    expect(dumps({ a: [1, {}], b: [] }, { indent: 2 })).toBe(
      '{\n  "a": [\n    1,\n    {}\n  ],\n  "b": []\n}',
    );
    expect(dumps({ a: [1, 2] }, { separators: [",", ":"] })).toBe('{"a":[1,2]}');
  });
  it("circular references and runaway nesting are typed errors", () => {
    const a: unknown[] = [];
    a.push(a);
    expect(codeOf(() => dumps(a))).toBe("PYJSON_CIRCULAR");
    let deep: unknown = 1;
    for (let i = 0; i < 2000; i++) deep = [deep];
    expect(codeOf(() => dumps(deep))).toBe("PYJSON_TOO_DEEP");
    expect(codeOf(() => dumps(new Set(), { default: () => new Set() }))).toBe("PYJSON_TOO_DEEP");
  });
  it("values without a JSON form need a default hook", () => {
    expect(codeOf(() => dumps(new Set([1])))).toBe("PYJSON_UNSERIALIZABLE");
    expect(codeOf(() => dumps(undefined))).toBe("PYJSON_UNSERIALIZABLE");
    expect(dumps(new Set([1]), { default: (v) => [...(v as Set<number>)] })).toBe("[1]");
  });
});

describe("Superset hooks", () => {
  const intSer = makeJsonIntDttmSer();
  it("json_int_dttm_ser: datetimes and dates as epoch-ms floats", () => {
    expect(dumps([new PyDatetime(1970, 1, 1), new PyDate(2024, 1, 1)], { default: intSer })).toBe(
      "[0.0, 1704067200000.0]",
    );
    expect(dumps(new PyDatetime(2024, 1, 1, 0, 0, 0, 123456), { default: intSer })).toBe("1704067200123.456");
    expect(dumps(new PyDatetime(1, 1, 1), { default: intSer })).toBe("-62135596800000.0");
    // Python: (datetime(9999, 12, 31, 23, 59, 59, 999999) - EPOCH).total_seconds() * 1000
    expect(pythonFloatRepr(datetimeToEpochMillis(new PyDatetime(9999, 12, 31, 23, 59, 59, 999999)))).toBe(
      "253402300800000.0",
    );
  });
  it("json_iso_dttm_ser: isoformat", () => {
    expect(
      dumps([new PyDatetime(2024, 1, 2, 3, 4, 5), new PyDate(2024, 1, 2)], { default: makeJsonIsoDttmSer() }),
    ).toBe('["2024-01-02T03:04:05", "2024-01-02"]');
  });
  it("base_json_conv: time, UUID, timedelta (negative as -abs), set, bytes fallbacks", () => {
    const conv = makeBaseJsonConv();
    expect(conv(new PyTime(1, 2, 3, 4))).toBe("01:02:03.000004");
    expect(conv(new PyUUID("12345678123456781234567812345678"))).toBe("12345678-1234-5678-1234-567812345678");
    expect(formatTimedelta(new PyTimedelta(-2, 68040, 0))).toBe("-1 day, 5:06:00");
    expect(formatTimedelta(new PyTimedelta(2, 3661, 5))).toBe("2 days, 1:01:01.000005");
    expect(conv(new Set([3]))).toEqual([3]);
    expect(conv(new Uint8Array([0x61, 0x00]))).toBe("a\u0000");
    expect(conv(new Uint8Array([0xff, 0xfe, 0x61, 0x00]))).toBe("a"); // UTF-16 with BOM (4.1+)
    expect(conv(new Uint8Array([0xff]))).toBe("[bytes]");
    expect(makeBaseJsonConv({ bytesUtf16Fallback: false })(new Uint8Array([0xff, 0xfe, 0x61, 0x00]))).toBe(
      "[bytes]",
    );
    expect(() => conv({ not: "convertible" })).toThrow(PyJsonEncodeError);
  });
});
