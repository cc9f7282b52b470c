/**
 * Arrow `Table` → a pickle that pandas rebuilds through the public DataFrame constructor
 * (pandas/core/frame.py `DataFrame.__init__`): `DataFrame(dict_of_columns, None, column_names)`.
 *
 * Column forms, by Arrow type:
 * - Int8…64 / Uint8…64 / Float32/64 / Bool without nulls → raw numpy ndarray
 *   (`numpy.core.multiarray._reconstruct` + BUILD with the little-endian buffer as BINBYTES);
 * - the same with nulls → `Series(list, None, "Int64" | "UInt8" | "Float64" | "boolean" …)`,
 *   pandas' nullable dtypes (values as a list: nulls need a mask);
 * - Timestamp without time zone → raw `datetime64[unit]` ndarray (null → NaT);
 * - Timestamp with a time zone → `Series(int64 ndarray of UTC ns, None, "datetime64[ns, TZ]")`
 *   (pandas reads int64 data as UTC instants; pandas 1.x only has ns);
 * - Utf8 / LargeUtf8 / Null → object ndarray of str/None;
 * - Date32 / Date64 → object ndarray of `datetime.date` (as Superset's frames hold dates);
 * - Dictionary of strings → `Series(list, None, CategoricalDtype(categories, ordered))`.
 * The row index is a RangeIndex (`index=None`).
 */
import { DataType, type Field, type Table, TimeUnit, type Vector } from "apache-arrow";
import {
  PyDatetime,
  PyDatetime64,
  PyDecimal,
  PyFloat,
  PyObject,
  PySentinel,
  PyTimedelta,
  PyTzInfo,
  type PyValue,
} from "../../../python/values.js";
import type { EncoderContext } from "../encode/encoder.js";
import { PickleEncodeError } from "../encode/errors.js";
import {
  boolBytes,
  bytesOf,
  datesOf,
  dictionaryOf,
  floatsWithNaN,
  int64Values,
  listOf,
  rawBytes,
  Utf8List,
} from "./arrow-columns.js";
import { fromTaggedJson, indexFromColumns, indexFromMetadata, META, multiIndex } from "./arrow-metadata.js";
import { keptCells, STR_SURROGATEPASS, surrogateStrCells } from "./exact-columns.js";
import { ndarray } from "./numpy-forms.js";

/** numpy's NaT: the int64 minimum. */
const NAT = -(2n ** 63n);
const NS_PER_UNIT: Readonly<Record<number, bigint>> = {
  [TimeUnit.SECOND]: 1_000_000_000n,
  [TimeUnit.MILLISECOND]: 1_000_000n,
  [TimeUnit.MICROSECOND]: 1_000n,
  [TimeUnit.NANOSECOND]: 1n,
};
const NUMPY_UNIT: Readonly<Record<number, string>> = {
  [TimeUnit.SECOND]: "s",
  [TimeUnit.MILLISECOND]: "ms",
  [TimeUnit.MICROSECOND]: "us",
  [TimeUnit.NANOSECOND]: "ns",
};
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Arrow float precision enum values (HALF = 0, SINGLE = 1, DOUBLE = 2). */
const PRECISION_SINGLE = 1;
const PRECISION_DOUBLE = 2;

/** Saves `table` as a DataFrame (see the module comment). */
export function saveTable(ctx: EncoderContext, table: Table, depth: number): void {
  const columns = new Map<PyValue, PyValue>();
  const labels: PyValue[] = [];
  const indexLevels: { field: Field; vector: Vector }[] = [];
  table.schema.fields.forEach((field, i) => {
    const vector = table.getChildAt(i) as Vector;
    if (field.metadata.has(META.indexLevel)) {
      indexLevels.push({ field, vector });
      return;
    }
    const labelJson = field.metadata.get(META.label);
    const label = labelJson === undefined ? field.name : fromTaggedJson(JSON.parse(labelJson));
    if (columns.has(label)) {
      throw new PickleEncodeError("PICKLE_ENCODE_BAD_VALUE", "$", `duplicate column label ${field.name}`);
    }
    columns.set(label, columnValue(field, vector, table.numRows));
    labels.push(label);
  });
  const index =
    indexLevels.length > 0
      ? indexFromLevels(indexLevels, table.numRows)
      : indexFromMetadata(table.schema.metadata.get(META.index), table.numRows);
  // A Series column with its own default index would be realigned to the frame's index
  // (all missing): give it the frame's index (one object, so it is pickled once).
  if (index !== null) for (const [label, col] of columns) columns.set(label, withIndex(col, index));
  if (table.schema.metadata.get(META.kind) === "Series" && labels.length === 1) {
    // A Series the decoder turned into a one-column table: Series(values, index, None, name).
    const series = new PyObject("pandas.core.series", "Series", [
      columns.get(labels[0] as PyValue) as PyValue,
      index,
      null,
      labels[0] as PyValue,
    ]);
    ctx.save(series, depth);
    return;
  }
  const frame = new PyObject("pandas.core.frame", "DataFrame", [columns, index, labels]);
  ctx.save(frame, depth);
}

/** Index levels stored as columns (`dataFrameIndex: "columns"`): one → Index, several → MultiIndex. */
function indexFromLevels(levels: { field: Field; vector: Vector }[], n: number): PyValue {
  const cols = levels.map(({ field, vector }) => ({
    values: cellsOf(field, vector, n),
    dtype: field.metadata.get(META.pandasDtype) ?? null,
    name: field.name.startsWith("__index_level_") ? null : field.name,
  }));
  if (cols.length === 1) {
    const only = cols[0] as (typeof cols)[number];
    return indexFromColumns(only.values, only.dtype, only.name);
  }
  const levelIndexes: PyValue[] = [];
  const codeLists: number[][] = [];
  for (const c of cols) {
    const seen = new Map<unknown, number>();
    const level: PyValue[] = [];
    const codes = c.values.map((v) => {
      if (v === null || v === PySentinel.NaT) return -1;
      const key = typeof v === "object" ? `o:${JSON.stringify(String(v))}` : v;
      let code = seen.get(key);
      if (code === undefined) {
        code = level.length;
        seen.set(key, code);
        level.push(v);
      }
      return code;
    });
    levelIndexes.push(indexFromColumns(level, c.dtype, c.name));
    codeLists.push(codes);
  }
  return multiIndex(
    levelIndexes,
    codeLists,
    cols.map((c) => c.name),
  );
}

/** Python cells of a column (for index levels): Timestamps for datetimes, else the column's cells. */
function cellsOf(field: Field, v: Vector, n: number): PyValue[] {
  const type = field.type as DataType;
  if (DataType.isTimestamp(type)) {
    const t = type as DataType & { unit: TimeUnit; timezone: string | null };
    const raw = int64Values(v);
    return Array.from({ length: n }, (_, i) =>
      v.isValid(i)
        ? new PyDatetime64("Timestamp", raw[i] as bigint, NUMPY_UNIT[t.unit] as string, zoneOf(t.timezone))
        : PySentinel.NaT,
    );
  }
  const encoding = field.metadata.get(META.objectEncoding);
  if (encoding) return objectCells(v, encoding, field);
  if (DataType.isDate(type)) return datesOf(v);
  if (DataType.isFloat(type)) return listOf(v).map((x) => (x === null ? null : new PyFloat(x as number)));
  return listOf(v);
}

/** Masked (nullable) pandas dtypes: written as `Series(list, None, dtype)` even without nulls. */
const MASKED_DTYPE = /^(U?Int(8|16|32|64)|Float(32|64)|boolean)$/;

/**
 * Object columns as the decoder recorded them (`pandas_object_encoding`): the cells go back
 * to the Python types they had (ints, floats, Decimals, dates, bytes, tagged JSON values).
 */
function objectCells(v: Vector, encoding: string, field: Field): PyValue[] {
  switch (encoding) {
    case "str":
    case "int":
    case "bool":
    case "bytes":
      return listOf(v);
    case "float":
      return listOf(v).map((x) => (x === null ? null : new PyFloat(x as number)));
    case "decimal":
      return listOf(v).map((x) => (x === null ? null : new PyDecimal(x as string)));
    case "date":
      return datesOf(v);
    case STR_SURROGATEPASS:
      return surrogateStrCells(v);
    case "tagged-json":
      return listOf(v).map((x) => (x === null ? null : fromTaggedJson(JSON.parse(x as string))));
    default:
      throw unsupported(field, `unknown object encoding ${encoding}`);
  }
}

/** An Arrow zone string as a tzinfo: "UTC", an IANA key (pytz), or "+HH:MM". */
function zoneOf(zone: string | null): PyTzInfo | null {
  if (!zone) return null;
  if (zone === "UTC") return new PyTzInfo("utc", 0, "UTC", "pytz._UTC");
  const m = /^([+-])(\d\d):(\d\d)$/.exec(zone);
  if (m) return new PyTzInfo("fixed", (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60));
  return new PyTzInfo("pytz", null, zone, "pytz._p");
}

function columnValue(field: Field, v: Vector, n: number): PyValue {
  const type = field.type as DataType;
  const pandasDtype = field.metadata.get(META.pandasDtype);
  const encoding = field.metadata.get(META.objectEncoding);
  // Exact mode's own cells first: a "str" column may hold NaT/NA cells that Utf8 shows as null.
  const kept = encoding === undefined ? undefined : keptCells(v);
  if (kept !== undefined) return objectColumn(kept, n);
  if (encoding === "str" && DataType.isUtf8(type)) return ndarray("O8", null, n, Utf8List.of(v));
  if (pandasDtype === "string" && encoding === STR_SURROGATEPASS)
    return series(surrogateStrCells(v), "string");
  if (encoding !== undefined) return objectColumn(objectCells(v, encoding, field), n);
  if (pandasDtype === "string") return series(listOf(v), "string");
  if (pandasDtype !== undefined && MASKED_DTYPE.test(pandasDtype)) return series(listOf(v), pandasDtype);
  const hasNulls = v.nullCount > 0;
  if (DataType.isInt(type)) {
    const code = `${type.isSigned ? "i" : "u"}${type.bitWidth / 8}`;
    if (!hasNulls) return ndarray(code, null, n, rawBytes(v));
    return series(listOf(v), `${type.isSigned ? "Int" : "UInt"}${type.bitWidth}`);
  }
  if (DataType.isFloat(type)) {
    if (type.precision !== PRECISION_SINGLE && type.precision !== PRECISION_DOUBLE) {
      throw unsupported(field, "half-precision floats have no pandas nullable dtype");
    }
    const bits = type.precision === PRECISION_DOUBLE ? 64 : 32;
    if (!hasNulls) return ndarray(`f${bits / 8}`, null, n, rawBytes(v));
    // A numpy float column (decoded from pandas) keeps its dtype: nulls become NaN.
    if (pandasDtype === `float${bits}`) return ndarray(`f${bits / 8}`, null, n, floatsWithNaN(v, bits));
    return series(listOf(v), `Float${bits}`);
  }
  if (DataType.isBool(type)) {
    if (hasNulls) return series(listOf(v), "boolean");
    return ndarray("b1", null, n, boolBytes(v));
  }
  if (DataType.isTimestamp(type)) return timestampColumn(field, v, n);
  if (DataType.isDuration(type)) {
    // timedelta64[unit] ndarray; null → NaT (int64 min).
    const values = int64Values(v);
    for (let i = 0; i < n; i++) if (!v.isValid(i)) values[i] = NAT;
    return ndarray(
      "m8",
      NUMPY_UNIT[(type as DataType & { unit: TimeUnit }).unit] as string,
      n,
      bytesOf(values),
    );
  }
  if (DataType.isUtf8(type)) return ndarray("O8", null, n, Utf8List.of(v));
  if (DataType.isLargeUtf8(type) || DataType.isNull(type)) return ndarray("O8", null, n, listOf(v));
  if (DataType.isDate(type)) return ndarray("O8", null, n, datesOf(v));
  if (DataType.isBinary(type) || DataType.isLargeBinary(type)) return ndarray("O8", null, n, listOf(v));
  if (DataType.isDictionary(type)) {
    const values = type.dictionary;
    if (!(DataType.isUtf8(values) || DataType.isInt(values) || DataType.isFloat(values))) {
      throw unsupported(field, "only dictionaries of strings or numbers map to category");
    }
    const categories = DataType.isFloat(values)
      ? listOf(dictionaryOf(v)).map((x) => (x === null ? null : new PyFloat(x as number)))
      : listOf(dictionaryOf(v));
    const dtype = new PyObject("pandas.core.dtypes.dtypes", "CategoricalDtype", [categories, type.isOrdered]);
    return series(listOf(v), dtype);
  }
  throw unsupported(field, `Arrow type ${String(type)} has no pandas mapping`);
}

function timestampColumn(field: Field, v: Vector, n: number): PyValue {
  const type = field.type as DataType & { unit: TimeUnit; timezone: string | null };
  const values = int64Values(v);
  const valid = v.nullCount > 0 ? (i: number) => v.isValid(i) : () => true;
  if (!type.timezone) {
    const out = new BigInt64Array(n);
    for (let i = 0; i < n; i++) out[i] = valid(i) ? (values[i] as bigint) : NAT;
    return ndarray("M8", NUMPY_UNIT[type.unit] as string, n, bytesOf(out));
  }
  // pandas 1.x has only ns; tz-aware data goes in as UTC int64 nanoseconds.
  const scale = NS_PER_UNIT[type.unit] as bigint;
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    if (!valid(i)) {
      out[i] = NAT;
      continue;
    }
    const ns = (values[i] as bigint) * scale;
    if (ns <= INT64_MIN || ns > INT64_MAX) {
      throw new PickleEncodeError(
        "PICKLE_ENCODE_BAD_VALUE",
        `$.${field.name}[${i}]`,
        "timestamp out of ns range",
      );
    }
    out[i] = ns;
  }
  return series(ndarray("i8", null, n, bytesOf(out)), `datetime64[ns, ${type.timezone}]`);
}

/**
 * An object column. pandas' DataFrame constructor turns an object ndarray of datetimes or
 * timedeltas into a datetime64/timedelta64 column; `Series(cells, None, "object")` keeps it object.
 */
function objectColumn(cells: PyValue[], n: number): PyValue {
  const array = ndarray("O8", null, n, cells);
  const inferable = cells.some(
    (c) =>
      c instanceof PyDatetime ||
      c instanceof PyDatetime64 ||
      c instanceof PyTimedelta ||
      c === PySentinel.NaT,
  );
  return inferable ? series(array, "object") : array;
}

/** A `series()` column given the frame's row index instead of its default one. */
function withIndex(col: PyValue, index: PyValue): PyValue {
  if (!(col instanceof PyObject) || col.qualifiedName !== "pandas.core.series.Series") return col;
  const [values, own, dtype] = col.args ?? [];
  return own === null
    ? new PyObject(col.module, col.name, [values as PyValue, index, dtype as PyValue])
    : col;
}

function series(values: PyValue, dtype: PyValue): PyObject {
  return new PyObject("pandas.core.series", "Series", [values, null, dtype]);
}

function unsupported(field: Field, why: string): PickleEncodeError {
  return new PickleEncodeError(
    "PICKLE_ENCODE_UNSUPPORTED_ARROW_TYPE",
    `$.${field.name}`,
    `column ${JSON.stringify(field.name)}: ${why}`,
  );
}
