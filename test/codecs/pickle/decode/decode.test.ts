/**
 * Decoder semantics and options: memo/mark rules, protocol-0 text forms, options
 * (exactNumbers, dicts, unknownGlobals, dataFrameIndex, buffers, limits), Arrow column
 * types and zero-copy numeric columns, plus fast-check properties against a model encoder.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Table } from "apache-arrow";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ARROW_METADATA } from "#src/codecs/pickle/dataframe/decode-frame.js";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import { whitelistNames } from "#src/codecs/pickle/decode/globals/index.js";
import { PickleDecodeError, PickleSecurityError } from "#src/codecs/pickle/errors.js";
import { PyBytearray, type PyEnum, PyFloat, type PyObject, PyTuple } from "#src/python/values.js";
import { PICKLE_FIXTURES_DIR } from "#test/helpers/paths.js";
import { cat, dict, g, i, list, pk, s, tup } from "#test/helpers/pickle-ops.js";

const FIX = PICKLE_FIXTURES_DIR;
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIX, name)));
const bytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe("stack machine semantics", () => {
  it("MEMOIZE stores at len(memo), not max index + 1", () => {
    // p5 then MEMOIZE: the second entry goes to index 1.
    expect(loads(bytes("K\x01p5\n0K\x02\x94h\x01."))).toBe(2);
  });
  it("protocol-0 PUT/GET text forms (a list holding 1 and itself)", () => {
    const v = loads(bytes("(lp0\nI1\nag0\na.")) as unknown[];
    expect(v[0]).toBe(1);
    expect(v[1]).toBe(v);
  });
  it("a list that contains itself via GET", () => {
    const v = loads(bytes("(lp0\ng0\na.")) as unknown[];
    expect(v[0]).toBe(v);
  });
  it("INT 01/00 are booleans", () =>
    expect([loads(bytes("I01\n.")), loads(bytes("I00\n."))]).toEqual([true, false]));
  it("LONG text with a trailing L", () =>
    expect(loads(bytes("L12345678901234567890L\n."))).toBe(12345678901234567890n));
  it("STRING decodes escapes as ASCII", () => expect(loads(bytes("S'a\\nb\\x41'\n."))).toBe("a\nbA"));
  it("UNICODE raw-unicode-escape", () => expect(loads(bytes("V\\u00e9\\U0001f389x\n."))).toBe("é🎉x"));
  it("opcodes are not gated by the declared protocol", () =>
    expect(loads(bytes("\x80\x02\x8c\x01a."))).toBe("a"));
  it("PERSID and BINPERSID fail like Python without persistent_load", () => {
    for (const input of [bytes("Pid\n."), bytes("K\x01Q.")]) {
      expect(() => loads(input)).toThrow(expect.objectContaining({ code: "PICKLE_PERSISTENT_ID" }));
    }
  });
  it("EXT1/2/4 fail (empty copyreg extension registry)", () => {
    for (const input of [bytes("\x82\x01."), bytes("\x83\x01\x00."), bytes("\x84\x01\x00\x00\x00.")]) {
      expect(() => loads(input)).toThrow(expect.objectContaining({ code: "PICKLE_EXTENSION_CODE" }));
    }
  });
  it("errors carry the byte offset of the failing opcode", () => {
    const read = () => loads(bytes("K\x01K\x02h\x07."));
    expect(read).toThrow(PickleDecodeError);
    expect(read).toThrow(expect.objectContaining({ code: "PICKLE_MEMO_MISSING", offset: 4 }));
  });
  it("tuples are PyTuple, bytearray is PyBytearray, frozenset/set distinct", () => {
    const v = loads(pk(tup(cat([0x96, 1, 0, 0, 0, 0, 0, 0, 0, 7])))) as PyTuple;
    expect(v).toBeInstanceOf(PyTuple);
    expect(v[0]).toBeInstanceOf(PyBytearray);
  });
});

describe("options", () => {
  it("exactNumbers keeps integral floats as PyFloat", () => {
    const input = bytes("G@\x00\x00\x00\x00\x00\x00\x00.");
    expect(loads(input)).toBe(2);
    expect(loads(input, { exactNumbers: true })).toEqual(new PyFloat(2));
  });
  it("dicts: object (null prototype) by default, Map by option, Map for non-str keys", () => {
    const d = pk(dict([s("b"), i(1)], [s("a"), i(2)]));
    expect(Object.getPrototypeOf(loads(d))).toBeNull();
    expect([...(loads(d, { dicts: "map" }) as Map<unknown, unknown>).keys()]).toEqual(["b", "a"]);
    const mixed = loads(pk(dict([s("a"), i(1)], [i(2), i(3)]))) as Map<unknown, unknown>;
    expect(mixed).toBeInstanceOf(Map);
    expect([...mixed.entries()]).toEqual([
      ["a", 1],
      [2, 3],
    ]);
  });
  it("a memoised dict that becomes a Map is returned as the Map by later GETs", () => {
    const v = loads(pk("]", "}", [0x94], "(", i(1), i(2), "u", "a", [0x68, 0], "a")) as unknown[];
    expect(v[0]).toBeInstanceOf(Map);
    expect(v[1]).toBe(v[0]);
  });
  it("unknownGlobals: error throws PickleSecurityError naming the global", () => {
    const read = () => loads(bytes("cos\nsystem\n."), { unknownGlobals: "error" });
    expect(read).toThrow(PickleSecurityError);
    expect(read).toThrow(
      expect.objectContaining({ code: "PICKLE_GLOBAL_FORBIDDEN", module: "os", qualname: "system" }),
    );
  });
  it("unknownGlobals: error still decodes every fixture (all their globals are whitelisted)", () => {
    for (const f of [
      "screenshot_payload.pkl",
      "df_mixed.pkl",
      "df_mixed_p2.pkl",
      "scalars.pkl",
      "scalars_p2.pkl",
      "df_category.pkl",
      "df_string_dtype.pkl",
    ]) {
      expect(() => loads(fixture(f), { unknownGlobals: "error" })).not.toThrow();
    }
  });
  it("dataFrameIndex: columns puts the row index first", () => {
    const t = loads(fixture("df_string_index.pkl"), { dataFrameIndex: "columns" }) as Table;
    expect(t.schema.fields.map((f) => f.name)).toEqual(["__index_level_0__", "a"]);
    expect([...t.getChildAt(0)!.toArray()]).toEqual(["r1", "r2", "r3"]);
    expect(JSON.parse(t.schema.metadata.get(ARROW_METADATA.index) as string).kind).toBe("columns");
  });
  it("dataFrameIndex: metadata keeps RangeIndex arithmetic in schema metadata", () => {
    const t = loads(fixture("df_int64.pkl")) as Table;
    expect(JSON.parse(t.schema.metadata.get(ARROW_METADATA.index) as string)).toEqual({
      kind: "range",
      class: "RangeIndex",
      name: null,
      start: 0,
      stop: 3,
      step: 1,
    });
  });
  it("buffers feed NEXT_BUFFER; READONLY_BUFFER gives plain bytes", () => {
    const buf = Uint8Array.of(1, 2, 3);
    expect(loads(bytes("\x80\x05\x97\x98."), { buffers: [buf] })).toBe(buf);
    expect(() => loads(bytes("\x80\x05\x97."))).toThrow(
      expect.objectContaining({ code: "PICKLE_OUT_OF_BAND_BUFFER" }),
    );
  });
  it("maxStringBytes and maxContainerItems are enforced", () => {
    expect(() => loads(pk(s("abcdef")), { limits: { maxStringBytes: 3 } })).toThrow(
      expect.objectContaining({ code: "PICKLE_LIMIT_EXCEEDED" }),
    );
    expect(() => loads(pk(list(i(1), i(2), i(3))), { limits: { maxContainerItems: 2 } })).toThrow(
      expect.objectContaining({ code: "PICKLE_LIMIT_EXCEEDED" }),
    );
  });
});

describe("DataFrame → Arrow", () => {
  it("column types follow the dtypes and carry pandas_dtype metadata", () => {
    const types = (name: string): string[] =>
      (loads(fixture(name)) as Table).schema.fields.map(
        (f) => `${f.type}|${f.metadata.get(ARROW_METADATA.pandasDtype)}`,
      );
    expect(types("df_mixed.pkl")).toEqual([
      "Int64|int64",
      "Utf8|object",
      "Int64|int64",
      "Utf8|object",
      "Date32<DAY>|object",
      "Float64|float64",
      "Int64|int64",
      "Timestamp<NANOSECOND>|datetime64[ns]",
    ]);
    expect(types("df_datetime64ns_utc.pkl")).toEqual(["Timestamp<NANOSECOND, UTC>|datetime64[ns, UTC]"]);
    expect(types("df_Int64.pkl")).toEqual(["Int64|Int64"]);
    expect(types("df_category.pkl")).toEqual(["Dictionary<Int32, Utf8>|category"]);
    expect(types("df_string_dtype.pkl")).toEqual(["Utf8|string"]);
  });
  it("nullable Int64 keeps nulls; NaT becomes null", () => {
    const t = loads(fixture("df_Int64.pkl")) as Table;
    expect(t.getChildAt(0)!.nullCount).toBe(1);
    expect((loads(fixture("df_datetime64ns.pkl")) as Table).getChildAt(0)!.nullCount).toBe(1);
  });
  it("aligned numeric blocks are views over the input bytes (no copy)", () => {
    const input = fixture("df_float64.pkl");
    const t = loads(input) as Table;
    const values = t.getChildAt(0)!.data[0]!.values as Float64Array;
    const aligned = values.buffer === input.buffer;
    // Either zero-copy (offset aligned) or an exact copy when the pickle put it at an odd offset.
    expect(aligned || values.byteOffset === 0).toBe(true);
    expect(values[0]).toBe(1.5);
  });
  it("a Series becomes a one-column Table marked as a Series", () => {
    const t = loads(
      pk(g("pandas.core.series", "Series"), tup(list(i(1), "N", i(3)), "N", s("Int64"), s("n")), "R"),
    ) as Table;
    expect(t.schema.metadata.get(ARROW_METADATA.kind)).toBe("Series");
    expect(t.schema.fields[0]!.name).toBe("n");
    expect(t.getChildAt(0)!.nullCount).toBe(1);
  });
});

describe("whitelist", () => {
  it("contains the spec's minimum list and none of the classic gadgets", () => {
    const names = new Set(whitelistNames());
    for (const n of [
      "numpy.core.multiarray._reconstruct",
      "numpy._core.numeric._frombuffer",
      "pandas.core.frame.DataFrame",
      "datetime.datetime",
      "decimal.Decimal",
      "pytz._p",
      "zoneinfo.ZoneInfo",
      "copyreg._reconstructor",
      "builtins.getattr",
    ]) {
      expect(names.has(n)).toBe(true);
    }
    for (const n of [
      "builtins.eval",
      "builtins.exec",
      "os.system",
      "posix.system",
      "subprocess.Popen",
      "functools.partial",
      "operator.attrgetter",
      "pickle.loads",
      "numpy.load",
      "pandas.read_pickle",
    ]) {
      expect(names.has(n)).toBe(false);
    }
  });
  it("enum members by getattr keep name and known value", () => {
    const v = loads(fixture("screenshot_payload.pkl")) as PyObject;
    const status = (v.state as Record<string, unknown>).status as PyEnum;
    expect([status.name, status.value]).toEqual(["UPDATED", "Updated"]);
  });
});

/** Model encoder for properties: JSON-ish values → protocol-4 opcodes. */
type Model = null | boolean | number | string | Model[] | { [k: string]: Model };
function encodeModel(v: Model): Uint8Array {
  if (v === null) return bytes("N");
  if (typeof v === "boolean") return Uint8Array.of(v ? 0x88 : 0x89);
  if (typeof v === "number") return i(v);
  if (typeof v === "string") return s(v);
  if (Array.isArray(v)) return v.length ? list(...v.map(encodeModel)) : bytes("]");
  const entries = Object.entries(v);
  return entries.length
    ? dict(...entries.map(([k, x]) => [s(k), encodeModel(x)] as [Uint8Array, Uint8Array]))
    : bytes("}");
}

const modelArb = fc.letrec<{ value: Model }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    fc.string({ unit: "grapheme" }),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(fc.string(), tie("value"), { maxKeys: 5 }),
  ),
})).value;

describe("properties (fast-check)", () => {
  it("model-encoded values decode to themselves (dict keys incl. __proto__ stay data)", () => {
    fc.assert(
      fc.property(modelArb, (v) => {
        const decoded = loads(pk(encodeModel(v)));
        expect(JSON.parse(JSON.stringify(decoded))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 500, seed: 11 },
    );
  });
  it("big integers round-trip through LONG1 exactly", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n }), (n) => {
        const got = loads(pk(i(n))) as number | bigint;
        expect(BigInt(got)).toBe(n);
        // a number exactly when the value is a safe integer, a bigint otherwise
        const safe = n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= -BigInt(Number.MAX_SAFE_INTEGER);
        expect(typeof got).toBe(safe ? "number" : "bigint");
      }),
      { numRuns: 500, seed: 12 },
    );
  });
  it("str payloads decode exactly like a strict UTF-8 decoder (or fail with PICKLE_BAD_UTF8)", () => {
    const strict = new TextDecoder("utf-8", { fatal: true });
    const withHeader = (p: Uint8Array): Uint8Array =>
      cat([0x58, p.length & 0xff, (p.length >> 8) & 0xff, 0, 0], p, ".");
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary" }).map((t) => new TextEncoder().encode(t)),
          fc.uint8Array({ maxLength: 40 }),
          fc
            .array(
              fc.constantFrom(
                0x41,
                0xc3,
                0xa9,
                0xe2,
                0x82,
                0xac,
                0xf0,
                0x9f,
                0x98,
                0x80,
                0xed,
                0xa0,
                0xc0,
                0xff,
              ),
              { maxLength: 40 },
            )
            .map((a) => Uint8Array.from(a)),
        ),
        (payload) => {
          let want: string | null = null;
          try {
            want = strict.decode(payload);
          } catch {
            want = null;
          }
          try {
            const got = loads(withHeader(payload));
            if (want !== null) expect(got).toBe(want);
            // Only encoded surrogates (ED A0..BF xx) may decode where the strict decoder refuses.
            else expect(Buffer.from(payload).includes(Buffer.from([0xed]))).toBe(true);
          } catch (e) {
            expect(want).toBeNull();
            expect((e as PickleDecodeError).code).toBe("PICKLE_BAD_UTF8");
          }
        },
      ),
      { numRuns: 3000, seed: 15 },
    );
  });
  it("arbitrary bytes either decode or raise PickleDecodeError", () => {
    let refused = 0;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (input) => {
        try {
          loads(input);
        } catch (e) {
          refused++;
          expect(e).toBeInstanceOf(PickleDecodeError);
        }
      }),
      { numRuns: 3000, seed: 13 },
    );
    // Random bytes are almost never a whole pickle: the error path must have been taken.
    expect(refused).toBeGreaterThan(0);
  });
  it("truncating a valid pickle anywhere raises PickleDecodeError", () => {
    fc.assert(
      fc.property(modelArb, fc.nat(), (v, cut) => {
        const full = pk(encodeModel(v));
        expect(() => loads(full.subarray(0, cut % full.length))).toThrow(PickleDecodeError);
      }),
      { numRuns: 300, seed: 14 },
    );
  });
});
