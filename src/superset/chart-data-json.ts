/**
 * A chart-data cache entry as Superset's chart-data API answers it: the `result_type: "results"`
 * query payload `{data, colnames, coltypes, rowcount, sql_rowcount}` of
 * superset/common/query_actions.py `_get_full`, with `data` from `df_to_records`
 * (superset/dataframe.py), `coltypes` from `extract_dataframe_dtypes` without a datasource
 * (superset/utils/core.py) and cells as simplejson writes them with `json_int_dttm_ser`
 * (`/api/v1/chart/data`, superset/charts/data/api.py) or `json_iso_dttm_ser`, `ignore_nan=True`.
 * Everything returned is plain JSON: `JSON.stringify` never meets a BigInt.
 */
import { type DataType, type Field, type Table, Type, type Vector } from "apache-arrow";
import { fromTaggedJson } from "../codecs/pickle/dataframe/arrow-metadata.js";
import { ARROW_METADATA } from "../codecs/pickle/dataframe/arrow-metadata-keys.js";
import { isPlainObject } from "../python/dicts.js";
import { PyFloat, type PyValue } from "../python/values.js";
import type { ChartDataEntry } from "./chart-data.js";
import { type JsonHookOptions, makeJsonIntDttmSer, makeJsonIsoDttmSer } from "./json-hooks.js";
import { cellReader } from "./results/arrow-records.js";
import { GenericDataType } from "./results/result-columns.js";

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One row of `data`: column name → cell. */
export type ChartDataRecord = Record<string, JsonValue>;

/** The `result_type: "results"` payload of one query, in Superset's key order. */
export interface ChartDataResultJson {
  data: ChartDataRecord[];
  colnames: string[];
  /** Superset's `GenericDataType` per column: 0 numeric, 1 string, 2 temporal, 3 boolean. */
  coltypes: number[];
  rowcount: number;
  /** The entry's `sql_rowcount` (4.0+), else null. */
  sql_rowcount: number | null;
}

/** Options of {@link chartDataResult}; the hook options are `json_int_dttm_ser`'s (see JsonHookOptions). */
export interface ChartDataJsonOptions extends JsonHookOptions {
  /**
   * Temporal cells: `"epoch-ms"` (default): milliseconds since the epoch as the chart-data API
   * writes them (`json_int_dttm_ser`); `"iso"`: `isoformat()` text (`json_iso_dttm_ser`).
   */
  temporal?: "epoch-ms" | "iso";
  /** Columns the dataset marks `is_dttm`: their coltype is TEMPORAL whatever the cells. Default none. */
  temporalColumns?: readonly string[];
}

/** Default of {@link ChartDataJsonOptions.temporal}. */
export const DEFAULT_CHART_DATA_TEMPORAL = "epoch-ms";

const JS_MAX_INTEGER = 2n ** 53n - 1n;
const NANOS_PER_UNIT = [1_000_000_000n, 1_000_000n, 1000n, 1n] as const;
const NANOS_PER_SECOND = 1_000_000_000n;
const SECONDS_PER_DAY = 86_400n;

type Hook = (value: unknown) => unknown;

/**
 * The chart-data API's answer for one cached entry (or its DataFrame), ready for `JSON.stringify`.
 * Int64 cells are numbers up to 2^53 − 1 and strings beyond (as `df_to_records`); NaN, ±Infinity
 * and missing values are null; Decimal cells are numbers (`float(Decimal)`); durations are
 * pandas' `str(Timedelta)`. Wrap as `{ result: [ … ] }` for the API's envelope.
 * @throws PyJsonEncodeError `PYJSON_UNSERIALIZABLE` for a cell Superset could not serialize
 *   either (e.g. a Timestamp in a zone Node does not know, under `"iso"`)
 */
export function chartDataResult(
  entry: ChartDataEntry | Table,
  options: ChartDataJsonOptions = {},
): ChartDataResultJson {
  const df = "df" in entry && "raw" in entry ? entry.df : (entry as Table);
  const hook =
    (options.temporal ?? DEFAULT_CHART_DATA_TEMPORAL) === "iso"
      ? makeJsonIsoDttmSer(options)
      : makeJsonIntDttmSer(options);
  const temporal = new Set(options.temporalColumns ?? []);
  const fields = df.schema.fields;
  const colnames = fields.map((f) => f.name);
  const rowcount = df.numRows;
  const columns = fields.map((field, i) => columnCells(field, df.getChildAt(i) as Vector, hook, rowcount));
  const data: ChartDataRecord[] = new Array(rowcount);
  for (let r = 0; r < rowcount; r++) {
    const row: ChartDataRecord = {};
    for (let c = 0; c < colnames.length; c++) row[colnames[c] as string] = columns[c]?.cells[r] ?? null;
    data[r] = row;
  }
  const coltypes = fields.map((f, i) =>
    temporal.has(f.name) ? GenericDataType.TEMPORAL : (columns[i]?.coltype ?? GenericDataType.STRING),
  );
  const sqlRowcount = "raw" in entry ? entry.sql_rowcount : null;
  return {
    data,
    colnames,
    coltypes,
    rowcount,
    sql_rowcount:
      typeof sqlRowcount === "bigint"
        ? Number(sqlRowcount)
        : typeof sqlRowcount === "number"
          ? sqlRowcount
          : null,
  };
}

/** One column's JSON cells and its `extract_dataframe_dtypes` type. */
function columnCells(
  field: Field,
  vector: Vector,
  hook: Hook,
  rows: number,
): { cells: JsonValue[]; coltype: number } {
  const type = vector.type as DataType;
  const read = cellFn(field, vector, hook);
  const cells: JsonValue[] = new Array(rows);
  let present = false;
  for (let i = 0; i < rows; i++) {
    const cell = read(i);
    cells[i] = cell;
    if (cell !== null) present = true;
  }
  // master: an all-missing column is typed from the datasource, i.e. STRING without one.
  return { cells, coltype: present ? coltypeOf(field, type) : GenericDataType.STRING };
}

function cellFn(field: Field, vector: Vector, hook: Hook): (i: number) => JsonValue {
  const type = vector.type as DataType;
  switch (type.typeId) {
    case Type.Float:
      return (i) => finiteOrNull(vector.get(i) as number | null);
    case Type.Int: {
      const read = cellReader(vector);
      return (i) => read(i) as number | string | null;
    }
    case Type.Timestamp:
    case Type.Date: {
      const read = cellReader(vector);
      return (i) => {
        const v = read(i);
        return v === null ? null : toJson(hook(v), hook);
      };
    }
    case Type.Duration: {
      const perUnit = NANOS_PER_UNIT[(type as unknown as { unit: number }).unit] ?? 1n;
      return (i) => {
        const v = vector.get(i) as bigint | number | null;
        return v === null ? null : timedeltaText(BigInt(v) * perUnit);
      };
    }
    case Type.Utf8:
    case Type.LargeUtf8: {
      const encoding = field.metadata.get(ARROW_METADATA.objectEncoding);
      if (encoding === "decimal") return (i) => finiteOrNull(numberOrNull(vector.get(i) as string | null));
      if (encoding === "tagged-json") {
        return (i) => {
          const text = vector.get(i) as string | null;
          return text === null ? null : toJson(fromTaggedJson(JSON.parse(text)), hook);
        };
      }
      return (i) => (vector.get(i) as string | null) ?? null;
    }
    default:
      return (i) => toJson((vector.get(i) ?? null) as PyValue, hook);
  }
}

/** `infer_dtype` of a column with at least one present cell, through Superset's map. */
function coltypeOf(field: Field, type: DataType): number {
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Decimal:
      return GenericDataType.NUMERIC;
    case Type.Bool:
      return GenericDataType.BOOLEAN;
    case Type.Timestamp:
    case Type.Date:
      return GenericDataType.TEMPORAL;
    case Type.Utf8:
    case Type.LargeUtf8:
      return field.metadata.get(ARROW_METADATA.objectEncoding) === "decimal"
        ? GenericDataType.NUMERIC
        : GenericDataType.STRING;
    default:
      // str, bytes, categorical, timedelta, mixed objects: "string" or unmapped.
      return GenericDataType.STRING;
  }
}

function numberOrNull(text: string | null): number | null {
  return text === null ? null : Number(text);
}

/** simplejson `ignore_nan=True`: NaN and ±Infinity are written as null (df_to_records nulls NaN already). */
function finiteOrNull(v: number | null): number | null {
  return v === null || !Number.isFinite(v) ? null : v;
}

/** A Python value (a cell, or what a hook returned) as JSON, running the hook where simplejson would. */
function toJson(value: unknown, hook: Hook, depth = 0): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "boolean":
    case "string":
      return value;
    case "number":
      return finiteOrNull(value);
    case "bigint":
      // Inside lists and dicts simplejson writes any int; JSON numbers in JS stop at 2^53.
      return value > JS_MAX_INTEGER || value < -JS_MAX_INTEGER ? value.toString() : Number(value);
  }
  if (value instanceof PyFloat) return finiteOrNull(value.value);
  const next = depth + 1;
  if (Array.isArray(value)) return value.map((v) => toJson(v, hook, next));
  if (value instanceof Map) {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of value) out[String(k)] = toJson(v, hook, next);
    return out;
  }
  if (isPlainObject(value)) {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value as object)) out[k] = toJson(v, hook, next);
    return out;
  }
  return toJson(hook(value), hook, next);
}

/**
 * Superset's `format_timedelta` of a pandas `Timedelta`: `str(abs(td))`, with `-` in front when
 * negative; pandas writes `D days HH:MM:SS[.ffffff|.fffffffff]`.
 */
function timedeltaText(nanos: bigint): string {
  const negative = nanos < 0n;
  const abs = negative ? -nanos : nanos;
  const totalSeconds = abs / NANOS_PER_SECOND;
  const sub = abs % NANOS_PER_SECOND;
  const days = totalSeconds / SECONDS_PER_DAY;
  const s = Number(totalSeconds % SECONDS_PER_DAY);
  const two = (n: number) => String(n).padStart(2, "0");
  let text = `${days} days ${two(Math.floor(s / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  if (sub % 1000n !== 0n) text += `.${String(sub).padStart(9, "0")}`;
  else if (sub !== 0n) text += `.${String(sub / 1000n).padStart(6, "0")}`;
  return negative ? `-${text}` : text;
}
