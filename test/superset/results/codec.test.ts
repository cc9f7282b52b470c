/**
 * Payload codec: fixed byte vectors, random Tables round-tripping through our writer and reader
 * (msgpack + Arrow IPC + zlib, and JSON mode), and bad input giving typed errors.
 */
import { deflateSync, inflateSync } from "node:zlib";
import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  Dictionary,
  DurationNanosecond,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Null,
  Table,
  TimestampMicrosecond,
  TimestampNanosecond,
  Uint8,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PyComplex, PyFloat } from "#src/python/values.js";
import { ipcStreamToTable, tableToIpcStream } from "#src/superset/results/arrow-ipc.js";
import { ResultsDecodeError } from "#src/superset/results/errors.js";
import { decodeResultsPayload, encodeResultsPayload } from "#src/superset/results/payload-codec.js";
import type { ClassicResultsPayload } from "#src/superset/results/types.js";
import { zlibCompress } from "#src/superset/results/zlib-codec.js";

const payloadWith = (data: ClassicResultsPayload["data"]): ClassicResultsPayload => ({
  query_id: 1,
  status: "success",
  data,
  columns: [],
  selected_columns: [],
  expanded_columns: [],
  query: { state: "success" },
});

interface ColumnKind {
  type: () => DataType;
  value: fc.Arbitrary<unknown>;
}

const KINDS: Record<string, ColumnKind> = {
  int64: { type: () => new Int64(), value: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) },
  int32: { type: () => new Int32(), value: fc.integer() },
  float64: { type: () => new Float64(), value: fc.double() },
  utf8: { type: () => new Utf8(), value: fc.string({ unit: "grapheme", maxLength: 12 }) },
  bool: { type: () => new Bool(), value: fc.boolean() },
  tsMicro: {
    type: () => new TimestampMicrosecond(),
    value: fc.integer({ min: -2_000_000_000_000, max: 4_000_000_000_000 }),
  },
  tsNanoUtc: {
    type: () => new TimestampNanosecond("UTC"),
    value: fc.integer({ min: 0, max: 4_000_000_000_000 }),
  },
  date: {
    type: () => new DateDay(),
    value: fc.integer({ min: -10_000, max: 50_000 }).map((d) => new Date(d * 86_400_000)),
  },
  category: {
    type: () => new Dictionary(new Utf8(), new Int32()),
    value: fc.constantFrom("red", "green", "blue"),
  },
  binary: { type: () => new Binary(), value: fc.uint8Array({ maxLength: 8 }) },
  null: { type: () => new Null(), value: fc.constant(null) },
  durationNs: {
    type: () => new DurationNanosecond(),
    value: fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
  },
  float32: { type: () => new Float32(), value: fc.float({ noNaN: true }) },
  uint8: { type: () => new Uint8(), value: fc.integer({ min: 0, max: 255 }) },
  int16: { type: () => new Int16(), value: fc.integer({ min: -32768, max: 32767 }) },
};

const tableArb: fc.Arbitrary<Table> = fc
  .record({
    rows: fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 2, max: 30 })),
    kinds: fc.uniqueArray(fc.constantFrom(...Object.keys(KINDS)), { maxLength: Object.keys(KINDS).length }),
  })
  .chain(({ rows, kinds }) =>
    fc
      .tuple(
        ...kinds.map((k) =>
          fc.array(fc.option((KINDS[k] as ColumnKind).value, { freq: 4 }), {
            minLength: rows,
            maxLength: rows,
          }),
        ),
      )
      .map((columns) => {
        const vectors: Record<string, Vector> = {};
        kinds.forEach((k, i) => {
          vectors[`c_${k}`] = vectorFromArray(columns[i] as unknown[], (KINDS[k] as ColumnKind).type());
        });
        return new Table(vectors);
      }),
  );

/** Column-by-column equality, NaN and -0 included. */
function expectSameTable(actual: Table, expected: Table): void {
  expect(actual.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(
    expected.schema.fields.map((f) => `${f.name}:${f.type}`),
  );
  expect(actual.numRows).toBe(expected.numRows);
  for (const field of expected.schema.fields) {
    const a = actual.getChild(field.name) as Vector;
    const e = expected.getChild(field.name) as Vector;
    for (let i = 0; i < expected.numRows; i++) {
      const av = a.get(i);
      const ev = e.get(i);
      if (typeof ev === "number") expect(Object.is(av, ev)).toBe(true);
      else expect(av).toEqual(ev);
    }
  }
}

describe("spec vectors", () => {
  it("zlib of b'{}' at the default level is 789cabae0500017500f9 (§8)", () => {
    expect(Buffer.from(zlibCompress(new TextEncoder().encode("{}"))).toString("hex")).toBe(
      "789cabae0500017500f9",
    );
  });

  it("msgpack payload starts with map header 87 and a8 'query_id' (§4.3 step 8)", () => {
    const table = new Table({ a: vectorFromArray([1, 2], new Int32()) });
    const bytes = encodeResultsPayload(payloadWith(table));
    expect(Buffer.from(bytes.subarray(0, 2)).toString("hex")).toBe("789c");
    const inflated = Buffer.from(inflateSync(bytes));
    expect(inflated.subarray(0, 1).toString("hex")).toBe("87");
    expect(inflated.subarray(1, 10).toString("latin1")).toBe("\xa8query_id");
    const ipc = tableToIpcStream(table);
    const dataAt = inflated.indexOf(Buffer.from("a464617461", "hex")) + 5;
    expect(inflated[dataAt]).toBe(ipc.length < 256 ? 0xc4 : 0xc5); // bin8/bin16, as use_bin_type=True
  });
});

describe("round trip of random Tables", () => {
  it("msgpack mode: every column type, nulls, 0 and 1 rows, no columns", () => {
    fc.assert(
      fc.property(tableArb, (table) => {
        const decoded = decodeResultsPayload(encodeResultsPayload(payloadWith(table)));
        expectSameTable((decoded as ClassicResultsPayload<Table>).data, table);
      }),
      { numRuns: 150 },
    );
  });

  it("statements shape keeps every statement's Table and DML nulls", () => {
    fc.assert(
      fc.property(fc.array(fc.option(tableArb, { freq: 3 }), { minLength: 1, maxLength: 3 }), (tables) => {
        const payload = {
          query_id: 3,
          status: "success",
          statements: tables.map((t, i) => ({
            statement: `s${i}`,
            data: t,
            columns: [],
            row_count: t?.numRows ?? 0,
            execution_time_ms: 1.5,
          })),
          total_execution_time_ms: 4.5,
          query: {},
        };
        const decoded = decodeResultsPayload(encodeResultsPayload(payload)) as unknown as typeof payload;
        tables.forEach((t, i) => {
          const got = decoded.statements[i]?.data ?? null;
          if (t === null) expect(got).toBeNull();
          else expectSameTable(got as Table, t);
        });
      }),
      { numRuns: 40 },
    );
  });

  it("JSON mode: records survive; ints, non-integral floats, strings, bools and nulls keep their types", () => {
    const jsonTable = fc
      .record({
        rows: fc.integer({ min: 1, max: 20 }),
      })
      .chain(({ rows }) =>
        fc
          .tuple(
            fc.array(fc.option(fc.maxSafeInteger()), { minLength: rows, maxLength: rows }),
            fc.array(
              fc.option(
                fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
              ),
              {
                minLength: rows,
                maxLength: rows,
              },
            ),
            fc.array(fc.option(fc.string({ unit: "grapheme" })), { minLength: rows, maxLength: rows }),
            fc.array(fc.option(fc.boolean()), { minLength: rows, maxLength: rows }),
          )
          .filter(([i, f, s, b]) => [i, f, s, b].every((col) => col.some((v) => v !== null))),
      );
    fc.assert(
      fc.property(jsonTable, ([ints, floats, strings, bools]) => {
        const table = new Table({
          i: vectorFromArray(
            ints.map((v) => (v === null ? null : BigInt(v))),
            new Int64(),
          ),
          f: vectorFromArray(floats, new Float64()),
          s: vectorFromArray(strings, new Utf8()),
          b: vectorFromArray(bools, new Bool()),
        });
        const columns = [
          { name: "i", type: "BIGINT" },
          { name: "f", type: "DOUBLE" },
          { name: "s" },
          { name: "b" },
        ];
        const bytes = encodeResultsPayload(
          { ...payloadWith(table), columns, selected_columns: columns },
          { useMsgpack: false },
        );
        const decoded = decodeResultsPayload(bytes, { useMsgpack: false }) as ClassicResultsPayload<Table>;
        expectSameTable(decoded.data, table);
      }),
      { numRuns: 100 },
    );
  });

  it("keeps payload key order and Python number types in the metadata", () => {
    const payload = {
      ...payloadWith(null),
      query: { startDttm: new PyFloat(2), big: 2 ** 40, neg: -(2 ** 40) },
    };
    const decoded = decodeResultsPayload(encodeResultsPayload(payload), {
      dataAs: "raw",
    }) as ClassicResultsPayload<unknown>;
    expect(Object.keys(decoded)).toEqual(Object.keys(payload));
    expect(decoded.query).toEqual({ startDttm: 2, big: 2 ** 40, neg: -(2 ** 40) });
  });
});

describe("bad input: typed errors, nothing else", () => {
  const good = encodeResultsPayload(payloadWith(new Table({ a: vectorFromArray([1, 2, 3], new Int32()) })));

  const codeOf = (f: () => unknown): string => {
    try {
      f();
    } catch (err) {
      expect(err).toBeInstanceOf(ResultsDecodeError);
      return (err as ResultsDecodeError).code;
    }
    return "NO_ERROR";
  };

  it("truncated zlib at every length", () => {
    for (let cut = 0; cut < good.length; cut++) {
      expect(codeOf(() => decodeResultsPayload(good.subarray(0, cut)))).toBe("RESULTS_ZLIB_INVALID");
    }
  });

  it("corrupt msgpack inside valid zlib", () => {
    expect(codeOf(() => decodeResultsPayload(deflateSync(Buffer.from([0xc1]))))).toBe(
      "RESULTS_MSGPACK_INVALID",
    );
    expect(codeOf(() => decodeResultsPayload(deflateSync(Buffer.from([0x87, 0xa1]))))).toBe(
      "RESULTS_MSGPACK_INVALID",
    );
    expect(codeOf(() => decodeResultsPayload(deflateSync(Buffer.from([0x92, 0x01]))))).toBe(
      "RESULTS_MSGPACK_INVALID",
    );
    expect(codeOf(() => decodeResultsPayload(deflateSync(Buffer.from([0x01]))))).toBe(
      "RESULTS_PAYLOAD_INVALID",
    );
    expect(codeOf(() => decodeResultsPayload(deflateSync(Buffer.from([0x80]))))).toBe(
      "RESULTS_PAYLOAD_INVALID",
    );
  });

  it("an Arrow IPC stream cut at every position (even between messages) is RESULTS_ARROW_INVALID", () => {
    const ipc = tableToIpcStream(
      new Table({ a: vectorFromArray([1, 2, 3], new Int32()), s: vectorFromArray(["x", "y", "z"]) }),
    );
    expect(ipcStreamToTable(ipc).numRows).toBe(3);
    for (let cut = 0; cut < ipc.length; cut++) {
      const payload = encodeResultsPayload(payloadWith(ipc.subarray(0, cut)));
      expect(codeOf(() => decodeResultsPayload(payload))).toBe("RESULTS_ARROW_INVALID");
    }
  });

  it("random bytes, random zlib'd bytes and bit flips never escape as untyped errors", () => {
    let randomRefused = 0;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, wrap) => {
        const input = wrap ? deflateSync(bytes) : bytes;
        for (const useMsgpack of [true, false]) {
          try {
            decodeResultsPayload(input, { useMsgpack });
          } catch (err) {
            randomRefused++;
            expect(err).toBeInstanceOf(ResultsDecodeError);
          }
        }
      }),
      { numRuns: 400 },
    );
    expect(randomRefused).toBeGreaterThan(0);
    const inflated = inflateSync(good);
    let flipsDecoded = 0;
    let flipsRefused = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: inflated.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (at, mask) => {
          const copy = Buffer.from(inflated);
          copy[at] = (copy[at] as number) ^ mask;
          try {
            decodeResultsPayload(deflateSync(copy));
            flipsDecoded++;
          } catch (err) {
            flipsRefused++;
            expect(err).toBeInstanceOf(ResultsDecodeError);
          }
        },
      ),
      { numRuns: 400 },
    );
    // About half the flips land in data bytes and still decode: both outcomes must occur.
    expect(flipsDecoded).toBeGreaterThan(0);
    expect(flipsRefused).toBeGreaterThan(0);
  });

  it("deep nesting (msgpack and JSON) is a typed error, not a stack overflow", () => {
    const deep = Buffer.concat([Buffer.alloc(200_000, 0x91), Buffer.from([0xc0])]);
    expect(codeOf(() => decodeResultsPayload(deflateSync(deep)))).toBe("RESULTS_MSGPACK_INVALID");
    const deepJson = Buffer.from(`${"[".repeat(200_000)}${"]".repeat(200_000)}`);
    expect(["RESULTS_JSON_INVALID", "RESULTS_PAYLOAD_INVALID"]).toContain(
      codeOf(() => decodeResultsPayload(deflateSync(deepJson), { useMsgpack: false })),
    );
  });

  it("a zlib bomb stops at maxInflatedBytes", () => {
    const bomb = deflateSync(Buffer.alloc(10 * 1024 * 1024));
    expect(codeOf(() => decodeResultsPayload(bomb, { maxInflatedBytes: 1024 * 1024 }))).toBe(
      "RESULTS_TOO_LARGE",
    );
  });

  it("encode rejects what Python rejects", () => {
    const enc =
      (query: Record<string, unknown>, useMsgpack = true) =>
      () =>
        encodeResultsPayload({ ...payloadWith(null), query }, { useMsgpack });
    expect(enc({ c: new PyComplex(1, 2) })).toThrow(
      expect.objectContaining({ code: "RESULTS_ENCODE_UNSUPPORTED" }),
    );
    expect(enc({ n: 2n ** 64n })).toThrow(expect.objectContaining({ code: "RESULTS_ENCODE_UNSUPPORTED" }));
    expect(enc({ u: undefined })).toThrow(expect.objectContaining({ code: "RESULTS_ENCODE_UNSUPPORTED" }));
    expect(() => encodeResultsPayload(payloadWith(new Uint8Array([1])), { useMsgpack: false })).toThrow(
      expect.objectContaining({ code: "RESULTS_ENCODE_UNSUPPORTED" }),
    );
  });
});
