/**
 * Arrow tables encoded by `pickle.dumps` load in real pandas 1.5.3 with the intended dtypes
 * and equal cell values (checked in Python), and decode back to the same table with our
 * decoder, both from our bytes and from pandas' own re-pickling of the loaded frame.
 * Tables are generated with fast-check, one column per supported Arrow type.
 */
import {
  Bool,
  type Data,
  type DataType,
  DateDay,
  Dictionary,
  Field,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  Uint8,
  Uint64,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import { dumps } from "#src/codecs/pickle/encode/encoder.js";
import { PyDate, PyFloat, type PyValue } from "#src/python/values.js";
import { PicklePeer, toHex } from "#test/helpers/pickle-peer.js";

interface ColumnSpec {
  name: string;
  make: (n: number) => fc.Arbitrary<unknown[]>;
  type: () => DataType;
  /** dtype pandas must report, without / with nulls. */
  dtype: [string, string];
  /** The Python cell value our test expects for one Arrow value (null → None). */
  cell: (v: unknown) => PyValue;
  /** For timestamps: nanoseconds per stored unit (cells are computed from the stored int64s). */
  nsPerUnit?: bigint;
}

/** Stored int64 values × unit → ns (Arrow's builder rounds ms×scale through a double). */
function storedNanos(v: Vector, nsPerUnit: bigint): PyValue[] {
  const out: PyValue[] = [];
  for (const d of v.data) {
    const values = d.values as BigInt64Array;
    for (let i = 0; i < d.length; i++) out.push(d.getValid(i) ? (values[i] as bigint) * nsPerUnit : null);
  }
  return out;
}

const nullable = <T>(arb: fc.Arbitrary<T>, withNulls: boolean) =>
  withNulls ? fc.option(arb, { nil: null, freq: 4 }) : arb;
const DAY_MS = 86_400_000;
const asFloat = (v: unknown) => (v === null ? null : new PyFloat(v as number));

function specs(withNulls: boolean): ColumnSpec[] {
  const list =
    <T>(arb: fc.Arbitrary<T>) =>
    (n: number) =>
      fc.array(nullable(arb, withNulls), { minLength: n, maxLength: n }) as fc.Arbitrary<unknown[]>;
  return [
    {
      name: "i8",
      make: list(fc.integer({ min: -128, max: 127 })),
      type: () => new Int8(),
      dtype: ["int8", "Int8"],
      cell: (v) => v as PyValue,
    },
    {
      name: "i16",
      make: list(fc.integer({ min: -32768, max: 32767 })),
      type: () => new Int16(),
      dtype: ["int16", "Int16"],
      cell: (v) => v as PyValue,
    },
    {
      name: "i32",
      make: list(fc.integer()),
      type: () => new Int32(),
      dtype: ["int32", "Int32"],
      cell: (v) => v as PyValue,
    },
    {
      name: "i64",
      make: list(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
      type: () => new Int64(),
      dtype: ["int64", "Int64"],
      cell: (v) => v as PyValue,
    },
    {
      name: "u8",
      make: list(fc.integer({ min: 0, max: 255 })),
      type: () => new Uint8(),
      dtype: ["uint8", "UInt8"],
      cell: (v) => v as PyValue,
    },
    {
      name: "u64",
      make: list(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
      type: () => new Uint64(),
      dtype: ["uint64", "UInt64"],
      cell: (v) => v as PyValue,
    },
    {
      name: "f64",
      make: list(fc.double({ noNaN: true })),
      type: () => new Float64(),
      dtype: ["float64", "Float64"],
      cell: asFloat,
    },
    {
      name: "f32",
      make: list(fc.float({ noNaN: true })),
      type: () => new Float32(),
      dtype: ["float32", "Float32"],
      cell: asFloat,
    },
    {
      name: "b",
      make: list(fc.boolean()),
      type: () => new Bool(),
      dtype: ["bool", "boolean"],
      cell: (v) => v as PyValue,
    },
    {
      name: "s",
      make: list(fc.string({ unit: "grapheme" })),
      type: () => new Utf8(),
      dtype: ["object", "object"],
      cell: (v) => v as PyValue,
    },
    {
      name: "ts_ms",
      make: list(fc.integer({ min: -(2 ** 40), max: 2 ** 40 })),
      type: () => new TimestampMillisecond(),
      nsPerUnit: 1_000_000n,
      dtype: ["datetime64[ns]", "datetime64[ns]"],
      cell: (v) => (v === null ? null : BigInt(v as number) * 1_000_000n),
    },
    {
      name: "ts_us_utc",
      make: list(fc.integer({ min: -(2 ** 40), max: 2 ** 40 })),
      type: () => new TimestampMicrosecond("UTC"),
      nsPerUnit: 1_000n,
      dtype: ["datetime64[ns, UTC]", "datetime64[ns, UTC]"],
      cell: (v) => (v === null ? null : BigInt(v as number) * 1_000_000n),
    },
    {
      name: "ts_ns_paris",
      make: list(fc.integer({ min: -(2 ** 40), max: 2 ** 40 })),
      type: () => new TimestampNanosecond("Europe/Paris"),
      nsPerUnit: 1n,
      dtype: ["datetime64[ns, Europe/Paris]", "datetime64[ns, Europe/Paris]"],
      cell: (v) => (v === null ? null : BigInt(v as number) * 1_000_000n),
    },
    {
      name: "date",
      make: list(fc.integer({ min: -700_000, max: 2_900_000 }).map((d) => d * DAY_MS)),
      type: () => new DateDay(),
      dtype: ["object", "object"],
      cell: (v) => {
        if (v === null) return null;
        const d = new Date(v as number);
        return new PyDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
      },
    },
    {
      name: "cat",
      make: list(fc.constantFrom("red", "green", "blue")),
      type: () => new Dictionary(new Utf8(), new Int32()),
      dtype: ["category", "category"],
      cell: (v) => v as PyValue,
    },
  ];
}

let peer: PicklePeer;
beforeAll(() => {
  peer = new PicklePeer();
});
afterAll(() => peer.close());

interface FrameResult {
  ok: boolean;
  detail: string;
  dtypes: Record<string, string>;
  repickled: string;
}

function tableArb(
  withNulls: boolean,
): fc.Arbitrary<{ table: Table; expect: Map<string, PyValue[]>; dtypes: Record<string, string> }> {
  const cols = specs(withNulls);
  return fc.integer({ min: 0, max: 30 }).chain((n) =>
    fc.tuple(...cols.map((c) => c.make(n))).map((columns) => {
      const vectors: Record<string, Vector> = {};
      const expect = new Map<string, PyValue[]>();
      const dtypes: Record<string, string> = {};
      cols.forEach((c, i) => {
        const values = columns[i] as unknown[];
        const vector = vectorFromArray(values as never[], c.type());
        vectors[c.name] = vector;
        expect.set(c.name, c.nsPerUnit ? storedNanos(vector, c.nsPerUnit) : values.map((v) => c.cell(v)));
        const hasNull = values.some((v) => v === null);
        dtypes[c.name] = c.dtype[hasNull ? 1 : 0];
      });
      return { table: new Table(vectors), expect, dtypes };
    }),
  );
}

describe("Arrow Table → pickle → pandas 1.5.3", () => {
  for (const withNulls of [false, true]) {
    it(`every supported column type loads with the intended dtype and values (${withNulls ? "with" : "no"} nulls)`, async () => {
      await fc.assert(
        fc.asyncProperty(tableArb(withNulls), async ({ table, expect: want, dtypes }) => {
          const bytes = dumps(table);
          const res = await peer.request<FrameResult>({
            op: "frame",
            pickle: toHex(bytes),
            columns: table.schema.fields.map((f) => f.name),
            dtypes,
            expect_pickle: toHex(dumps(want)),
          });
          expect(res.detail).toBe("");
          expect(res.ok).toBe(true);
        }),
        { numRuns: 25, seed: 4242 },
      );
    }, 120_000);
  }

  it("honours pandas metadata on fields: dtype float64 keeps NaN for nulls, Int64/string stay nullable", async () => {
    const meta = (dtype: string) => new Map([["pandas_dtype", dtype]]);
    const cols = [
      new Field("f", new Float64(), true, meta("float64")),
      new Field("i", new Int64(), true, meta("Int64")),
      new Field("s", new Utf8(), true, meta("string")),
    ];
    const vectors = [
      vectorFromArray([1.5, null, 3], new Float64()),
      vectorFromArray([1n, 2n, 3n], new Int64()),
      vectorFromArray(["a", null, "c"], new Utf8()),
    ];
    const table = new Table(
      new Schema(cols),
      ...[
        new RecordBatch(
          new Schema(cols),
          makeData({
            type: new Struct(cols),
            length: 3,
            nullCount: 0,
            children: vectors.map((v) => v.data[0] as Data),
          }),
        ),
      ],
    );
    const res = await peer.request<FrameResult>({
      op: "frame",
      pickle: toHex(dumps(table)),
      columns: ["f", "i", "s"],
      dtypes: { f: "float64", i: "Int64", s: "string" },
      expect_pickle: toHex(
        dumps(
          new Map<PyValue, PyValue>([
            ["f", [new PyFloat(1.5), null, new PyFloat(3)]],
            ["i", [1, 2, 3]],
            ["s", ["a", null, "c"]],
          ]),
        ),
      ),
    });
    expect(res.detail).toBe("");
  }, 60_000);

  it("decodes back to the same table (our bytes, and pandas' own re-pickling)", async () => {
    await fc.assert(
      fc.asyncProperty(tableArb(true), async ({ table, dtypes }) => {
        const bytes = dumps(table);
        const res = await peer.request<FrameResult>({
          op: "frame",
          pickle: toHex(bytes),
          columns: table.schema.fields.map((f) => f.name),
          dtypes,
        });
        for (const source of [bytes, Buffer.from(res.repickled, "hex")]) {
          const back = loads(source);
          expect(back).toBeInstanceOf(Table);
          const t = back as Table;
          expect(t.schema.fields.map((f) => f.name)).toEqual(table.schema.fields.map((f) => f.name));
          expect(t.numRows).toBe(table.numRows);
          for (const f of table.schema.fields) {
            const a = [...(table.getChild(f.name) as Vector)].map(String);
            const b = [...(t.getChild(f.name) as Vector)].map(String);
            expect(b, f.name).toEqual(a);
          }
        }
      }),
      { numRuns: 10, seed: 777 },
    );
  }, 120_000);
});
