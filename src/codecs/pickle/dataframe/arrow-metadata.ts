/**
 * Reads back what the DataFrame decoder records in Arrow metadata (dataframe.ts
 * `ARROW_METADATA`), so a Table decoded from a pandas pickle is written back with the same
 * dtypes, column labels and row index: the tagged JSON of cells, labels and index values is
 * turned back into Python value classes here.
 */

import {
  PyComplex,
  PyDate,
  PyDatetime,
  PyDatetime64,
  PyDecimal,
  PyEnum,
  PyFloat,
  PyFrozenSet,
  PyObject,
  PySentinel,
  PyStr,
  PyTime,
  PyTimedelta,
  PyTuple,
  PyTzInfo,
  PyUUID,
  type PyValue,
} from "../../../python/values.js";
import { PickleEncodeError } from "../encode/errors.js";
import { ARROW_METADATA } from "./arrow-metadata-keys.js";
import { ndarray } from "./numpy-forms.js";

/** Metadata keys (shared with the decoder). */
export const META = ARROW_METADATA;

type Tagged = null | boolean | number | string | Tagged[] | { [key: string]: Tagged };

const ISO_DATETIME =
  /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{6}))?(?:([+-])(\d\d):(\d\d)(?::(\d\d))?)?$/;
/** `PyTime.isoformat()`: a known fixed offset is appended (`+HH:MM[:SS]`). */
const ISO_TIME = /^(\d\d):(\d\d):(\d\d)(?:\.(\d{6}))?(?:([+-])(\d\d):(\d\d)(?::(\d\d))?)?$/;

function pyFloat(text: string): PyFloat {
  if (text === "nan") return new PyFloat(Number.NaN);
  if (text === "inf") return new PyFloat(Number.POSITIVE_INFINITY);
  if (text === "-inf") return new PyFloat(Number.NEGATIVE_INFINITY);
  return new PyFloat(Number(text));
}

/** A zone from the decoder's tagged form: an IANA/`UTC` name or an offset in seconds. */
function tzOf(v: Tagged | undefined): PyTzInfo | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return new PyTzInfo("fixed", v, null, "datetime.timezone");
  if (v === "UTC") return new PyTzInfo("utc", 0, "UTC", "pytz._UTC");
  if (typeof v === "string") return new PyTzInfo("pytz", null, v, "pytz._p");
  throw new PickleEncodeError("PICKLE_ENCODE_BAD_VALUE", "$", "unreadable time zone in Arrow metadata");
}

function datetimeOf(text: string): PyDatetime {
  const m = ISO_DATETIME.exec(text);
  if (!m) throw new PickleEncodeError("PICKLE_ENCODE_BAD_VALUE", "$", `unreadable datetime ${text}`);
  const n = (i: number) => Number(m[i] ?? 0);
  let tz: PyTzInfo | null = null;
  if (m[8]) {
    const seconds = (m[8] === "-" ? -1 : 1) * (n(9) * 3600 + n(10) * 60 + n(11));
    tz = seconds === 0 ? new PyTzInfo("fixed", 0, null, "datetime.timezone") : new PyTzInfo("fixed", seconds);
  }
  return new PyDatetime(n(1), n(2), n(3), n(4), n(5), n(6), n(7), tz);
}

/** Tagged JSON (as the decoder writes it into metadata and object cells) → a Python value. */
export function fromTaggedJson(v: Tagged): PyValue {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(fromTaggedJson);
  const keys = Object.keys(v);
  const tag = keys[0]?.startsWith("$") ? keys[0] : undefined;
  const body = tag === undefined ? undefined : v[tag];
  switch (tag) {
    case "$str":
      return new PyStr(body as number[]);
    case "$int":
      return BigInt(body as string);
    case "$float":
      return pyFloat(body as string);
    case "$bytes":
      return new Uint8Array(Buffer.from(body as string, "hex"));
    case "$tuple":
      return PyTuple.fromItems((body as Tagged[]).map(fromTaggedJson));
    case "$set":
      return new Set((body as Tagged[]).map(fromTaggedJson));
    case "$frozenset":
      return new PyFrozenSet((body as Tagged[]).map(fromTaggedJson));
    case "$dict":
      return new Map((body as [Tagged, Tagged][]).map(([k, x]) => [fromTaggedJson(k), fromTaggedJson(x)]));
    case "$decimal":
      return new PyDecimal(body as string);
    case "$datetime":
      return datetimeOf(body as string);
    case "$date": {
      const [y, m, d] = (body as string).split("-").map(Number) as [number, number, number];
      return new PyDate(y, m, d);
    }
    case "$time": {
      const m = ISO_TIME.exec(body as string);
      if (!m) throw new PickleEncodeError("PICKLE_ENCODE_BAD_VALUE", "$", `unreadable time ${String(body)}`);
      const n = (i: number) => Number(m[i] ?? 0);
      const offset = (m[5] === "-" ? -1 : 1) * (n(6) * 3600 + n(7) * 60 + n(8));
      const tz = m[5] === undefined ? null : new PyTzInfo("fixed", offset, null, "datetime.timezone");
      return new PyTime(n(1), n(2), n(3), n(4), tz);
    }
    case "$timedelta": {
      const [d, s, us] = body as [number, number, number];
      return new PyTimedelta(d, s, us);
    }
    case "$datetime64":
      return new PyDatetime64(
        v.kind as PyDatetime64["kind"],
        BigInt(v.value as string),
        body as string,
        tzOf(v.tz),
      );
    case "$nat":
      return PySentinel.NaT;
    case "$na":
      return PySentinel.NA;
    case "$complex": {
      const [re, im] = body as [number, number];
      return new PyComplex(re, im);
    }
    case "$uuid":
      return new PyUUID((body as string).replace(/-/g, ""));
    case "$enum": {
      const qual = body as string;
      const dot = qual.lastIndexOf(".");
      const value = v.value === null || v.value === undefined ? undefined : fromTaggedJson(v.value);
      return new PyEnum(qual.slice(0, dot), qual.slice(dot + 1), (v.name as string | null) ?? null, value);
    }
    case "$tzinfo":
      return tzOf(body) as PyTzInfo;
    case "$object": {
      const qual = body as string;
      const dot = qual.lastIndexOf(".");
      const args = Array.isArray(v.args) ? v.args.map(fromTaggedJson) : null;
      const o = new PyObject(qual.slice(0, dot), qual.slice(dot + 1), args);
      if (v.state !== null && v.state !== undefined) o.state = fromTaggedJson(v.state);
      return o;
    }
    default: {
      const out = Object.create(null) as Record<string, PyValue>;
      for (const k of keys) out[k] = fromTaggedJson(v[k] as Tagged);
      return out;
    }
  }
}

interface IndexDescription {
  kind: "range" | "values" | "multi" | "columns";
  class?: string;
  name?: Tagged;
  names?: Tagged;
  start?: number;
  stop?: number;
  step?: number;
  dtype?: string;
  values?: Tagged[];
  levels?: IndexDescription[];
  codes?: number[][];
}

const INDEX_MODULE = "pandas.core.indexes.base";
const NUMERIC_DTYPE = /^(int|uint|float)(8|16|32|64)$/;
const NAIVE_DATETIME_DTYPE = /^(datetime64|timedelta64)\[(s|ms|us|ns)\]$/;
const NAT = -(2n ** 63n);
const PORTABLE_INDEX_CLASSES: Readonly<Record<string, string>> = {
  Index: INDEX_MODULE,
  DatetimeIndex: "pandas.core.indexes.datetimes",
  TimedeltaIndex: "pandas.core.indexes.timedeltas",
  CategoricalIndex: "pandas.core.indexes.category",
};

/**
 * The pandas row index described by the schema metadata, or null for the default
 * `RangeIndex(n)` (and when the Table carries no description). Written as pandas' own pickle
 * form `pandas.core.indexes.base._new_Index(cls, dict)` (stable from pandas 0.x to 2.x).
 * Index columns (`dataFrameIndex: "columns"`) are handled by the caller.
 */
export function indexFromMetadata(json: string | undefined, rows: number): PyValue {
  if (json === undefined) return null;
  const d = JSON.parse(json) as IndexDescription;
  return indexOf(d, rows);
}

function newIndex(cls: string, module: string, state: Record<string, PyValue>): PyObject {
  const d = Object.create(null) as Record<string, PyValue>;
  Object.assign(d, state);
  return new PyObject(INDEX_MODULE, "_new_Index", [new PyObject(module, cls), d]);
}

function indexOf(d: IndexDescription, rows: number): PyValue {
  const name = d.name === undefined ? null : fromTaggedJson(d.name);
  if (d.kind === "range") {
    const { start = 0, stop = rows, step = 1 } = d;
    if (start === 0 && step === 1 && stop === rows && name === null) return null;
    return newIndex("RangeIndex", "pandas.core.indexes.range", { name, start, stop, step });
  }
  if (d.kind === "values") {
    return indexFromColumns((d.values ?? []).map(fromTaggedJson), d.dtype ?? null, name, d.class);
  }
  if (d.kind === "multi") {
    const levels = (d.levels ?? []).map((l) => indexOf(l, rows) ?? indexFromColumns([], null, null));
    const names = d.names === undefined ? null : fromTaggedJson(d.names);
    return multiIndex(levels, d.codes ?? [], names);
  }
  return null;
}

/**
 * `_new_Index(Index, {"data": ndarray, "name": name})`: numeric, bool and naive datetime
 * dtypes as typed numpy arrays, anything else as an object array plus a `dtype` entry.
 */
export function indexFromColumns(
  values: PyValue[],
  dtype: string | null,
  name: PyValue,
  className?: string,
): PyValue {
  const n = values.length;
  const numeric = dtype === null ? null : NUMERIC_DTYPE.exec(dtype);
  const timeLike = dtype === null ? null : NAIVE_DATETIME_DTYPE.exec(dtype);
  let data: PyObject;
  const state: Record<string, PyValue> = {};
  if (numeric) {
    const size = Number(numeric[2]) / 8;
    const code = `${numeric[1] === "float" ? "f" : numeric[1] === "uint" ? "u" : "i"}${size}`;
    data = ndarray(code, null, n, numericBytes(values, code, size));
  } else if (dtype === "bool") {
    data = ndarray(
      "b1",
      null,
      n,
      Uint8Array.from(values, (v) => (v === true ? 1 : 0)),
    );
  } else if (timeLike) {
    const raw = values.map((v) => (v instanceof PyDatetime64 ? v.value : NAT));
    data = ndarray(timeLike[1] === "datetime64" ? "M8" : "m8", timeLike[2] as string, n, int64Bytes(raw));
  } else {
    data = ndarray("O8", null, n, values);
    if (dtype !== null && dtype !== "object") state.dtype = dtype;
  }
  // Keep the index class where it is portable across pandas 1.x and 2.x; the pandas 1.x-only
  // numeric classes (Int64Index, …) become Index, which pandas 2 also builds from typed data.
  const module = className === undefined ? undefined : PORTABLE_INDEX_CLASSES[className];
  return newIndex(module ? (className as string) : "Index", module ?? INDEX_MODULE, { data, ...state, name });
}

function int64Bytes(values: bigint[]): Uint8Array {
  return new Uint8Array(BigInt64Array.from(values).buffer);
}

function numericBytes(values: PyValue[], code: string, size: number): Uint8Array {
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    const x = v instanceof PyFloat ? v.value : v;
    const at = i * size;
    if (code.startsWith("f")) {
      const f = typeof x === "number" || typeof x === "bigint" ? Number(x) : Number.NaN;
      if (size === 8) view.setFloat64(at, f, true);
      else view.setFloat32(at, f, true);
      return;
    }
    const big = typeof x === "bigint" ? x : BigInt(typeof x === "number" ? x : 0);
    if (size === 8) {
      if (code.startsWith("u")) view.setBigUint64(at, big, true);
      else view.setBigInt64(at, big, true);
    } else if (size === 4) view.setInt32(at, Number(big), true);
    else if (size === 2) view.setInt16(at, Number(big), true);
    else view.setInt8(at, Number(big));
  });
  return out;
}

/** `_new_Index(MultiIndex, {levels, codes, sortorder: None, names})`; codes are level positions (−1 = missing). */
export function multiIndex(levels: PyValue[], codes: number[][], names: PyValue): PyValue {
  return newIndex("MultiIndex", "pandas.core.indexes.multi", {
    levels,
    codes: codes.map((c) => ndarray("i8", null, c.length, int64Bytes(c.map(BigInt)))),
    sortorder: null,
    names,
  });
}
