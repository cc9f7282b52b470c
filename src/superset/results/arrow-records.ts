/**
 * JSON-mode data: between an Arrow Table and Superset's `df_to_records` rows
 * (`[{column: value, …}, …]`). Python values come out as this library's value classes, so
 * `json_iso_dttm_ser` formats them as Superset does (timestamps → `isoformat()`).
 */
import {
  Bool,
  type DataType,
  Float64,
  Int64,
  Null,
  Table,
  Type,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import type { DecodeBudget } from "../../codecs/decode-budget.js";
import { PyDate, PyDatetime64, PyTzInfo } from "../../python/values.js";
import type { ResultRecord, ResultsColumn } from "./types.js";

/** Superset's `JS_MAX_INTEGER` (2^53 − 1): wider ints are written as strings by `df_to_records`. */
const JS_MAX_INTEGER = 2n ** 53n - 1n;
const MS_PER_DAY = 86_400_000;
const TIME_UNIT_NAMES = ["s", "ms", "us", "ns"] as const;

/** Reads the cell at a row index. */
export type CellReader = (index: number) => unknown;

/** Rows of a Table as `df_to_records` gives them (null-prototype objects, Python-typed cells). */
export function tableToRecords(table: Table): ResultRecord[] {
  const names = table.schema.fields.map((f) => f.name);
  const readers = table.schema.fields.map((_, i) => cellReader(table.getChildAt(i) as Vector));
  const rows: ResultRecord[] = new Array(table.numRows);
  for (let r = 0; r < table.numRows; r++) {
    const row: ResultRecord = Object.create(null);
    for (let c = 0; c < names.length; c++) row[names[c] as string] = readers[c]?.(r);
    rows[r] = row;
  }
  return rows;
}

/**
 * Reads one column's cells as `df_to_records` gives them: Int64 beyond 2^53 as a string,
 * timestamps exactly (`PyDatetime64`, nanoseconds kept), dates as `PyDate`, the rest as `get`.
 */
export function cellReader(vector: Vector): CellReader {
  const type = vector.type as DataType;
  if (type.typeId === Type.Int && (type as unknown as { bitWidth: number }).bitWidth === 64) {
    return (i) => {
      const v = vector.get(i) as bigint | null;
      if (v === null) return null;
      return v > JS_MAX_INTEGER || v < -JS_MAX_INTEGER ? v.toString() : Number(v);
    };
  }
  if (type.typeId === Type.Timestamp) return timestampReader(vector);
  if (type.typeId === Type.Date) {
    return (i) => {
      const ms = vector.get(i) as number | null;
      if (ms === null) return null;
      const d = new Date(Math.floor(ms / MS_PER_DAY) * MS_PER_DAY);
      return new PyDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
    };
  }
  return (i) => vector.get(i) ?? null;
}

/** Exact timestamps from the raw int64 values (`get` would round to milliseconds). */
function timestampReader(vector: Vector): CellReader {
  const type = vector.type as unknown as { unit: number; timezone: string | null };
  const unit = TIME_UNIT_NAMES[type.unit] ?? "ms";
  const tz = type.timezone ? tzFromArrow(type.timezone) : null;
  const chunks = vector.data.map((d) => ({ offset: 0, data: d }));
  let start = 0;
  for (const chunk of chunks) {
    chunk.offset = start;
    start += chunk.data.length;
  }
  return (i) => {
    if (!vector.isValid(i)) return null;
    let k = chunks.length - 1;
    while (k > 0 && (chunks[k]?.offset ?? 0) > i) k--;
    const chunk = chunks[k];
    if (!chunk) return null;
    const values = chunk.data.values as unknown as BigInt64Array;
    const raw = values[chunk.data.offset + (i - chunk.offset)] ?? 0n;
    return new PyDatetime64("Timestamp", raw, unit, tz);
  };
}

const FIXED_OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

function tzFromArrow(name: string): PyTzInfo {
  if (name === "UTC" || name === "Etc/UTC" || name === "Z") return new PyTzInfo("utc", 0, "UTC");
  const m = FIXED_OFFSET.exec(name);
  if (m) {
    const seconds = (Number(m[2]) * 3600 + Number(m[3]) * 60) * (m[1] === "-" ? -1 : 1);
    return new PyTzInfo("fixed", seconds, name);
  }
  // A named zone: its offset varies, the serializer says so if it needs one.
  return new PyTzInfo("zoneinfo", null, name);
}

/**
 * A Table from JSON-mode rows. Column order follows `columns` (then any other keys in first-seen
 * order). Types are inferred, since JSON does not carry them: all-null → Null, booleans → Bool,
 * integral numbers → Int64 when the column's declared `type` is integral or absent, other
 * numbers → Float64, strings → Utf8, anything else → Utf8 of its JSON text. `budget` (when
 * decoding) is charged for every cell before any is built.
 * @throws DecodeLimitError when `budget` runs out
 */
export function recordsToTable(
  records: readonly ResultRecord[],
  columns: readonly ResultsColumn[] = [],
  budget?: DecodeBudget,
): Table {
  const names: string[] = [];
  const seen = new Set<string>();
  const add = (name: string | undefined) => {
    if (name !== undefined && !seen.has(name)) {
      seen.add(name);
      names.push(name);
    }
  };
  for (const c of columns) add(c.column_name ?? c.name);
  for (const row of records) {
    const keys = Object.keys(row);
    budget?.visit(keys.length + 1, "results");
    for (const key of keys) add(key);
  }
  // Rows × columns cells are built whatever keys each row has: thousands of distinct keys over
  // thousands of rows is quadratic in the input, so charge before building.
  budget?.produce(names.length * records.length, "results");
  const declared = new Map(columns.map((c) => [c.column_name ?? c.name, c.type ?? null]));
  const vectors: Record<string, Vector> = Object.create(null);
  for (const name of names) {
    const values = records.map((row) => (Object.hasOwn(row, name) ? row[name] : null));
    vectors[name] = inferVector(values, declared.get(name) ?? null);
  }
  return new Table(vectors);
}

const INTEGRAL_TYPE = /INT|LONG|SERIAL/i;

function inferVector(values: unknown[], declaredType: string | null): Vector {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0)
    return vectorFromArray(
      values.map(() => null),
      new Null(),
    );
  if (present.every((v) => typeof v === "boolean"))
    return vectorFromArray(values as (boolean | null)[], new Bool());
  if (present.every((v) => typeof v === "number" || typeof v === "bigint")) {
    const integral = present.every((v) => typeof v === "bigint" || Number.isSafeInteger(v));
    if (integral && (declaredType === null || INTEGRAL_TYPE.test(declaredType))) {
      return vectorFromArray(
        values.map((v) => (v === null || v === undefined ? null : BigInt(v as number | bigint))),
        new Int64(),
      );
    }
    return vectorFromArray(
      values.map((v) => (v === null || v === undefined ? null : Number(v))),
      new Float64(),
    );
  }
  // `df_to_records` writes ints beyond 2^53 − 1 as strings: beside ints (or in a column declared
  // integral) they are still one int column, kept exact as Int64 (read back: numbers and text).
  const intColumn = declaredType === null || INTEGRAL_TYPE.test(declaredType);
  if (
    intColumn &&
    (declaredType !== null || present.some((v) => typeof v !== "string")) &&
    present.every((v) => typeof v === "bigint" || Number.isSafeInteger(v) || isWideIntText(v))
  ) {
    return vectorFromArray(
      values.map((v) => (v === null || v === undefined ? null : BigInt(v as number | bigint | string))),
      new Int64(),
    );
  }
  return vectorFromArray(
    values.map((v) => (v === null || v === undefined ? null : typeof v === "string" ? v : JSON.stringify(v))),
    new Utf8(),
  );
}

const INT64_MAX = 2n ** 63n - 1n;
const WIDE_INT_TEXT = /^-?\d{16,19}$/;

/** Text of an int `df_to_records` had to write as a string: beyond 2^53 − 1, within int64. */
function isWideIntText(v: unknown): boolean {
  if (typeof v !== "string" || !WIDE_INT_TEXT.test(v)) return false;
  const n = BigInt(v);
  const abs = n < 0n ? -n : n;
  return abs > JS_MAX_INTEGER && n <= INT64_MAX && n >= -INT64_MAX - 1n;
}
