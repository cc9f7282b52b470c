/**
 * Columns from Python lists, for the DataFrame/Series *call* forms that our own encoder
 * (and hand-built pickles) use: `DataFrame({name: list})` infers dtypes as pandas does for
 * the common cases, `Series(list, None, "dtype")` casts to an explicit dtype.
 */
import {
  PyDatetime,
  PyFloat,
  PySentinel,
  PyStr,
  PyTzInfo,
  type PyValue,
} from "../../../../../python/values.js";
import type { NumericArray } from "../numpy-array.js";
import { NpDtype } from "../numpy-dtype.js";
import type { HandlerContext } from "../registry.js";
import { NAT_VALUE, type PdColumn, tzLabel } from "./column.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const NS_PER_US = 1000n;
const US_PER_MS = 1000n;
const MASKED_DTYPES: ReadonlyMap<string, string> = new Map([
  ["Int8", "i1"],
  ["Int16", "i2"],
  ["Int32", "i4"],
  ["Int64", "i8"],
  ["UInt8", "u1"],
  ["UInt16", "u2"],
  ["UInt32", "u4"],
  ["UInt64", "u8"],
  ["Float32", "f4"],
  ["Float64", "f8"],
  ["boolean", "b1"],
]);
const PLAIN_DTYPES: ReadonlyMap<string, string> = new Map([
  ["int8", "i1"],
  ["int16", "i2"],
  ["int32", "i4"],
  ["int64", "i8"],
  ["uint8", "u1"],
  ["uint16", "u2"],
  ["uint32", "u4"],
  ["uint64", "u8"],
  ["float32", "f4"],
  ["float64", "f8"],
  ["bool", "b1"],
]);
const DATETIME_DTYPE = /^datetime64\[(s|ms|us|ns)(?:, (.+))?\]$/;

const isMissing = (v: PyValue): boolean => v === null || v === PySentinel.NA || v === PySentinel.NaT;
const isInt = (v: PyValue): v is number | bigint =>
  typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v));
const isNum = (v: PyValue): boolean => typeof v === "number" || typeof v === "bigint" || v instanceof PyFloat;
const num = (v: PyValue): number => (v instanceof PyFloat ? v.value : Number(v));

/** Epoch count of `unit` for a datetime (aware values are converted to UTC). */
function datetimeToEpoch(d: PyDatetime, unit: string, ctx: HandlerContext): bigint {
  const offset = d.tzinfo ? d.tzinfo.offsetSeconds : 0;
  if (offset === null) return ctx.fail("PICKLE_BAD_VALUE", "datetime with a named zone has no known offset");
  const wall = new Date(0);
  wall.setUTCFullYear(d.year, d.month - 1, d.day);
  wall.setUTCHours(d.hour, d.minute, d.second, 0);
  const us = (BigInt(wall.getTime()) - BigInt(offset) * 1000n) * US_PER_MS + BigInt(d.microsecond);
  if (unit === "ns") return us * NS_PER_US;
  if (unit === "us") return us;
  if (unit === "ms") return us / US_PER_MS;
  return us / 1_000_000n;
}

function datetimeColumn(values: PyValue[], unit: string, tz: PyTzInfo | null, ctx: HandlerContext): PdColumn {
  const out = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as PyValue;
    if (isMissing(v)) out[i] = NAT_VALUE;
    else if (v instanceof PyDatetime) out[i] = datetimeToEpoch(v, unit, ctx);
    else if (isInt(v)) out[i] = BigInt(v);
    else ctx.fail("PICKLE_BAD_PANDAS", "datetime column value is not a datetime or int");
  }
  const dtypeName = tz ? `datetime64[${unit}, ${tzLabel(tz)}]` : `datetime64[${unit}]`;
  return { kind: "datetime", dtypeName, values: out, unit, tz, length: values.length };
}

function numericColumn(
  values: PyValue[],
  code: string,
  ctx: HandlerContext,
  masked: boolean,
  dtypeName: string,
): PdColumn {
  const dtype = new NpDtype(code, ctx);
  const n = values.length;
  const mask = new Uint8Array(n);
  let out: NumericArray;
  if (code === "i8" || code === "u8") {
    const arr = code === "i8" ? new BigInt64Array(n) : new BigUint64Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i] as PyValue;
      if (isMissing(v)) {
        if (!masked) ctx.fail("PICKLE_BAD_PANDAS", `missing value in a ${dtypeName} column`);
        mask[i] = 1;
      } else if (isInt(v)) arr[i] = BigInt(v);
      else ctx.fail("PICKLE_BAD_PANDAS", `non-integer in a ${dtypeName} column`);
    }
    out = arr;
  } else {
    const Ctor = {
      i1: Int8Array,
      i2: Int16Array,
      i4: Int32Array,
      u1: Uint8Array,
      u2: Uint16Array,
      u4: Uint32Array,
      f4: Float32Array,
      f8: Float64Array,
      b1: Uint8Array,
    }[code];
    if (!Ctor) return ctx.fail("PICKLE_BAD_PANDAS", `unsupported dtype ${dtypeName}`);
    const arr = new Ctor(n);
    const isFloat = code.startsWith("f");
    for (let i = 0; i < n; i++) {
      const v = values[i] as PyValue;
      if (isMissing(v)) {
        if (masked) mask[i] = 1;
        else if (isFloat) arr[i] = Number.NaN;
        else ctx.fail("PICKLE_BAD_PANDAS", `missing value in a ${dtypeName} column`);
      } else if (typeof v === "boolean") arr[i] = v ? 1 : 0;
      else if (isNum(v) && (isFloat || isInt(v))) arr[i] = num(v);
      else ctx.fail("PICKLE_BAD_PANDAS", `value does not fit a ${dtypeName} column`);
    }
    out = arr;
  }
  if (masked) return { kind: "masked", dtype, dtypeName, values: out, mask, length: n };
  return { kind: "numeric", dtype, dtypeName, values: out, length: n };
}

/** Categorical from values: categories are the sorted distinct non-missing values, as pandas infers. */
function categoryColumn(values: PyValue[], ctx: HandlerContext): PdColumn {
  const distinct = [...new Set(values.filter((v) => !isMissing(v)))];
  const allStr = distinct.every((v) => typeof v === "string");
  const allNum = distinct.every((v) => isNum(v));
  if (allStr)
    distinct.sort((a, b) => ((a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0));
  else if (allNum) distinct.sort((a, b) => num(a) - num(b));
  const pos = new Map(distinct.map((v, i) => [v, i]));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++)
    codes[i] = isMissing(values[i] as PyValue) ? -1 : (pos.get(values[i] as PyValue) as number);
  const categories = inferColumn(distinct, ctx);
  return {
    kind: "category",
    dtypeName: "category",
    codes,
    categories,
    ordered: false,
    length: values.length,
  };
}

/** The time zone named in a `datetime64[unit, TZ]` dtype string ("UTC" → pytz UTC, else an IANA key). */
function zoneFromName(tzName: string): PyTzInfo {
  return tzName === "UTC"
    ? new PyTzInfo("utc", 0, "UTC", "pytz._UTC")
    : new PyTzInfo("zoneinfo", null, tzName, "zoneinfo.ZoneInfo");
}

/**
 * `Series(int64 ndarray, None, "datetime64[unit(, TZ)]")`: int64 epoch values (UTC for aware
 * dtypes, int64 min = NaT) read as datetimes. Returns null when `dtype` is not a datetime dtype.
 */
export function datetimeFromInt64(values: BigInt64Array, dtype: string): PdColumn | null {
  const dt = DATETIME_DTYPE.exec(dtype);
  if (!dt) return null;
  const tz = dt[2] === undefined ? null : zoneFromName(dt[2]);
  const unit = dt[1] as string;
  return {
    kind: "datetime",
    dtypeName: tz ? `datetime64[${unit}, ${tzLabel(tz)}]` : `datetime64[${unit}]`,
    values,
    unit,
    tz,
    length: values.length,
  };
}

/** `Series(list, None, dtype)`: cast a list to an explicit pandas dtype. */
export function castColumn(values: PyValue[], dtype: string, ctx: HandlerContext): PdColumn {
  const masked = MASKED_DTYPES.get(dtype);
  if (masked) return numericColumn(values, masked, ctx, true, dtype);
  const plain = PLAIN_DTYPES.get(dtype);
  if (plain) return numericColumn(values, plain, ctx, false, dtype);
  const dt = DATETIME_DTYPE.exec(dtype);
  if (dt) {
    const tzName = dt[2];
    let tz: PyTzInfo | null = null;
    if (tzName !== undefined) {
      const first = values.find((v) => v instanceof PyDatetime && v.tzinfo) as PyDatetime | undefined;
      tz = first?.tzinfo ?? zoneFromName(tzName);
    }
    return datetimeColumn(values, dt[1] as string, tz, ctx);
  }
  if (dtype === "category") return categoryColumn(values, ctx);
  if (dtype === "string") {
    for (const v of values)
      if (!isMissing(v) && typeof v !== "string" && !(v instanceof PyStr))
        ctx.fail("PICKLE_BAD_PANDAS", "non-str in a string column");
    return {
      kind: "string",
      dtypeName: "string",
      values: values.map((v) => (isMissing(v) ? PySentinel.NA : v)),
      length: values.length,
    };
  }
  if (dtype === "object" || dtype === "O")
    return { kind: "object", dtypeName: "object", values, length: values.length };
  return ctx.fail("PICKLE_BAD_PANDAS", `unsupported Series dtype ${JSON.stringify(dtype)}`);
}

/** `DataFrame({name: list})`: pandas' inference for the common cases (bool, int64, float64, datetime64[ns], object). */
export function inferColumn(values: PyValue[], ctx: HandlerContext): PdColumn {
  const present = values.filter((v) => !isMissing(v));
  const hasMissing = present.length !== values.length;
  if (present.length > 0) {
    if (!hasMissing && present.every((v) => typeof v === "boolean"))
      return numericColumn(values, "b1", ctx, false, "bool");
    const ints = present.every((v) => isInt(v));
    if (
      ints &&
      !hasMissing &&
      present.every(
        (v) => BigInt(v as number | bigint) >= INT64_MIN && BigInt(v as number | bigint) <= INT64_MAX,
      )
    ) {
      return numericColumn(values, "i8", ctx, false, "int64");
    }
    if (present.every((v) => isNum(v) && typeof v !== "bigint"))
      return numericColumn(values, "f8", ctx, false, "float64");
    if (present.every((v) => v instanceof PyDatetime)) {
      const zones = new Set(present.map((v) => (v as PyDatetime).tzinfo?.offsetSeconds ?? null));
      const first = (present[0] as PyDatetime).tzinfo;
      if (!first) {
        if (present.every((v) => !(v as PyDatetime).tzinfo)) return datetimeColumn(values, "ns", null, ctx);
      } else if (zones.size === 1 && present.every((v) => (v as PyDatetime).tzinfo)) {
        return datetimeColumn(values, "ns", first, ctx);
      }
    }
  }
  return { kind: "object", dtypeName: "object", values, length: values.length };
}

/** Categorical with explicit categories (`CategoricalDtype(categories, ordered)`): unknown values become missing. */
export function categoryWithCategories(
  values: PyValue[],
  categories: PdColumn,
  ordered: boolean,
  cell: (col: PdColumn, i: number) => PyValue,
): PdColumn {
  const pos = new Map<PyValue, number>();
  for (let i = 0; i < categories.length; i++) pos.set(cell(categories, i), i);
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = pos.get(values[i] as PyValue) ?? -1;
  return { kind: "category", dtypeName: "category", codes, categories, ordered, length: values.length };
}
