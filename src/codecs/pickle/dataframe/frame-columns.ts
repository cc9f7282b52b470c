/**
 * Column conversions for the DataFrame → Arrow step: one decoded pandas column (`PdColumn`)
 * becomes Arrow `Data` plus field metadata. Object columns get one Arrow type when all their
 * cells share a simple Python type, else tagged-JSON strings.
 */
import {
  Bool,
  type Data,
  type DataType,
  DateDay,
  Dictionary,
  Duration,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  makeData,
  makeVector,
  Timestamp,
  TimeUnit,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
} from "apache-arrow";
import {
  PyDate,
  PyDecimal,
  PyFloat,
  PySentinel,
  PyStr,
  type PyTzInfo,
  type PyValue,
} from "../../../python/values.js";
import { cellValue, NAT_VALUE, type PdColumn } from "../decode/globals/pandas/column.js";
import type { HandlerContext } from "../decode/globals/registry.js";
import { ARROW_METADATA } from "./arrow-metadata-keys.js";
import { bitsOfBytes, validityOfDatetimes, validityOfMask } from "./column-bits.js";
import { binaryOf, keepCells, STR_SURROGATEPASS, surrogateStrData } from "./exact-columns.js";
import { TaggedJsonBudgetError, toTaggedJson } from "./tagged-json.js";

export { ARROW_METADATA };

const JSON_NODE_BUDGET = 1_000_000;
/** Recursion bound of tagged-JSON conversion (kept well inside the JS call stack). */
const JSON_MAX_DEPTH = 500;
const UNITS: Readonly<Record<string, TimeUnit>> = {
  s: TimeUnit.SECOND,
  ms: TimeUnit.MILLISECOND,
  us: TimeUnit.MICROSECOND,
  ns: TimeUnit.NANOSECOND,
};
const MS_PER_DAY = 86_400_000;
const encoder = new TextEncoder();

function validity(
  n: number,
  isNull: (i: number) => boolean,
): { bitmap: Uint8Array | undefined; nulls: number } {
  let nulls = 0;
  const bitmap = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    if (isNull(i)) nulls++;
    else bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
  }
  return { bitmap: nulls ? bitmap : undefined, nulls };
}

function boolBits(n: number, get: (i: number) => boolean): Uint8Array {
  const bits = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (get(i)) bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
  return bits;
}

function numericType(kind: string, size: number): DataType | null {
  const key = `${kind}${size}`;
  const t: Record<string, () => DataType> = {
    i1: () => new Int8(),
    i2: () => new Int16(),
    i4: () => new Int32(),
    i8: () => new Int64(),
    u1: () => new Uint8(),
    u2: () => new Uint16(),
    u4: () => new Uint32(),
    u8: () => new Uint64(),
    f2: () => new Float32(),
    f4: () => new Float32(),
    f8: () => new Float64(),
  };
  return t[key]?.() ?? null;
}

/**
 * Strings (null for missing) → Utf8 data, encoding once into one buffer. The text is charged
 * first (a str shared by many cells is copied into each), so the join never outgrows V8.
 */
function utf8Data(values: (string | null)[], ctx: HandlerContext): Data {
  const n = values.length;
  const offsets = new Int32Array(n + 1);
  let units = 0;
  for (const v of values) if (v !== null) units += v.length;
  ctx.charge(units * 5, "arrow"); // the joined string (2 bytes a unit) and up to 3 UTF-8 bytes
  const joined = values.join("");
  const ascii = new Uint8Array(joined.length);
  const { read, written } = encoder.encodeInto(joined, ascii);
  if (read === joined.length && written === joined.length) {
    // All ASCII (one byte per char): one native encode, offsets from the string lengths.
    let pos = 0;
    for (let i = 0; i < n; i++) {
      pos += values[i]?.length ?? 0;
      offsets[i + 1] = pos;
    }
    const nulls = validity(n, (i) => values[i] === null);
    return makeData({
      type: new Utf8(),
      length: n,
      nullCount: nulls.nulls,
      nullBitmap: nulls.bitmap,
      valueOffsets: offsets,
      data: ascii,
    });
  }
  let cap = 0;
  for (const s of values) if (s !== null) cap += s.length * 3;
  const bytes = new Uint8Array(cap);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const s = values[i];
    if (s) {
      const len = s.length;
      let k = 0;
      // ASCII prefix by hand (short cells); encodeInto only from the first non-ASCII char.
      for (; k < len; k++) {
        const c = s.charCodeAt(k);
        if (c >= 0x80) break;
        bytes[pos++] = c;
      }
      if (k < len) pos += encoder.encodeInto(s.slice(k), bytes.subarray(pos)).written;
    }
    offsets[i + 1] = pos;
  }
  const { bitmap, nulls } = validity(n, (i) => values[i] === null);
  return makeData({
    type: new Utf8(),
    length: n,
    nullCount: nulls,
    nullBitmap: bitmap,
    valueOffsets: offsets,
    data: bytes.subarray(0, pos),
  });
}

function binaryData(values: (Uint8Array | null)[], ctx: HandlerContext): Data {
  let total = 0;
  for (const b of values) total += b ? b.length : 0;
  // A bytes value shared by many cells is copied into each.
  ctx.charge(total, "arrow");
  return binaryOf(values);
}

const isNone = (v: PyValue): boolean => v === null || v === PySentinel.NA || v === PySentinel.NaT;

/**
 * Object columns: a single Arrow type when every non-missing cell has one simple Python type
 * (str → Utf8, int → Int64, float → Float64, bool → Bool, bytes → Binary, Decimal → Utf8 of
 * its text, date → Date32), otherwise Utf8 cells of tagged JSON. `encoding` records which.
 */
function objectData(values: PyValue[], ctx: HandlerContext): { data: Data; encoding: string } {
  const n = values.length;
  // One pass classifies the column: which single simple type (if any) all present cells share.
  let str = true;
  let bool = true;
  let int = true;
  let num = true;
  let bytes = true;
  let dec = true;
  let date = true;
  let present = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] as PyValue;
    if (v === null || v === PySentinel.NA || v === PySentinel.NaT) continue;
    present++;
    const t = typeof v;
    if (t !== "string" && !(v instanceof PyStr)) str = false;
    if (t !== "boolean") bool = false;
    if (t === "number") {
      if (!Number.isInteger(v)) int = false;
    } else if (t === "bigint") {
      if ((v as bigint) < NAT_VALUE || (v as bigint) >= -NAT_VALUE) int = false;
      num = false;
    } else {
      int = false;
      if (!(v instanceof PyFloat)) num = false;
    }
    if (t === "object") {
      if (!(v instanceof Uint8Array)) bytes = false;
      if (!(v instanceof PyDecimal)) dec = false;
      if (!(v instanceof PyDate) || v.constructor !== PyDate) date = false;
    } else {
      bytes = false;
      dec = false;
      date = false;
    }
    if (!(str || bool || int || num || bytes || dec || date)) break;
  }
  const missing = (i: number): boolean => isNone(values[i] as PyValue);
  if (present === 0 || str) {
    const exact = surrogateStrData(values, ctx);
    if (exact) return { data: exact, encoding: STR_SURROGATEPASS };
    return {
      data: utf8Data(
        values.map((v) => (typeof v === "string" ? v : null)),
        ctx,
      ),
      encoding: "str",
    };
  }
  if (bool) {
    const { bitmap, nulls } = validity(n, missing);
    return {
      data: makeData({
        type: new Bool(),
        length: n,
        nullCount: nulls,
        nullBitmap: bitmap,
        data: boolBits(n, (i) => values[i] === true),
      }),
      encoding: "bool",
    };
  }
  if (int) {
    const data = new BigInt64Array(n);
    for (let i = 0; i < n; i++) if (!missing(i)) data[i] = BigInt(values[i] as number | bigint);
    const { bitmap, nulls } = validity(n, missing);
    return {
      data: makeData({ type: new Int64(), length: n, nullCount: nulls, nullBitmap: bitmap, data }),
      encoding: "int",
    };
  }
  if (num) {
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = missing(i) ? 0 : Number(values[i]);
    const { bitmap, nulls } = validity(n, missing);
    return {
      data: makeData({ type: new Float64(), length: n, nullCount: nulls, nullBitmap: bitmap, data }),
      encoding: "float",
    };
  }
  if (bytes)
    return {
      data: binaryData(
        values.map((v) => (v instanceof Uint8Array ? v : null)),
        ctx,
      ),
      encoding: "bytes",
    };
  if (dec)
    return {
      data: utf8Data(
        values.map((v) => (v instanceof PyDecimal ? v.text : null)),
        ctx,
      ),
      encoding: "decimal",
    };
  if (date) {
    const data = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const d = values[i];
      if (d instanceof PyDate) {
        const t = new Date(0);
        t.setUTCFullYear(d.year, d.month - 1, d.day);
        data[i] = Math.round(t.getTime() / MS_PER_DAY);
      }
    }
    const { bitmap, nulls } = validity(n, missing);
    return {
      data: makeData({ type: new DateDay(), length: n, nullCount: nulls, nullBitmap: bitmap, data }),
      encoding: "date",
    };
  }
  const cells = values.map((v) => {
    if (isNone(v) && v === null) return null;
    try {
      return JSON.stringify(
        toTaggedJson(v, JSON_NODE_BUDGET, Math.min(ctx.maxDepth, JSON_MAX_DEPTH), ctx.budget),
      );
    } catch (e) {
      if (e instanceof TaggedJsonBudgetError)
        return ctx.fail("PICKLE_LIMIT_EXCEEDED", "object cell too large to convert");
      throw e;
    }
  });
  return { data: utf8Data(cells, ctx), encoding: "tagged-json" };
}

/** One column → Arrow data plus field metadata. */
export function columnData(col: PdColumn, ctx: HandlerContext): { data: Data; meta: Map<string, string> } {
  const meta = new Map<string, string>([[ARROW_METADATA.pandasDtype, col.dtypeName]]);
  const n = col.length;
  switch (col.kind) {
    case "numeric":
    case "masked": {
      const mask = col.kind === "masked" ? col.mask : null;
      const { bitmap, nulls } = mask ? validityOfMask(mask, n) : { bitmap: undefined, nulls: 0 };
      if (col.dtype.kind === "b") {
        const v = col.values as Uint8Array;
        return {
          data: makeData({
            type: new Bool(),
            length: n,
            nullCount: nulls,
            nullBitmap: bitmap,
            data: bitsOfBytes(v, n),
          }),
          meta,
        };
      }
      const type = numericType(col.dtype.kind, col.dtype.itemsize);
      if (type) {
        return {
          data: makeData({
            type,
            length: n,
            nullCount: nulls,
            nullBitmap: bitmap,
            data: col.values,
          } as never),
          meta,
        };
      }
      break;
    }
    case "datetime":
    case "timedelta": {
      const unit = UNITS[col.unit];
      if (unit === undefined) break;
      const v = col.values;
      const { bitmap, nulls } = validityOfDatetimes(v, n);
      const type =
        col.kind === "datetime" ? new Timestamp(unit, col.tz ? arrowZone(col.tz) : null) : new Duration(unit);
      return {
        data: makeData({ type, length: n, nullCount: nulls, nullBitmap: bitmap, data: v } as never),
        meta,
      };
    }
    case "category": {
      const dict = columnData(col.categories, ctx).data;
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) codes[i] = Math.max(0, Number(col.codes[i]));
      const { bitmap, nulls } = validity(n, (i) => Number(col.codes[i]) < 0);
      meta.set("pandas_categories_dtype", col.categories.dtypeName);
      const type = new Dictionary(dict.type, new Int32(), null, col.ordered);
      return {
        data: makeData({
          type,
          length: n,
          nullCount: nulls,
          nullBitmap: bitmap,
          data: codes,
          dictionary: makeVector(dict),
        } as never),
        meta,
      };
    }
    case "string": {
      const exact = surrogateStrData(col.values, ctx);
      if (exact) meta.set(ARROW_METADATA.objectEncoding, STR_SURROGATEPASS);
      return {
        data:
          exact ??
          utf8Data(
            col.values.map((v) => (typeof v === "string" ? v : null)),
            ctx,
          ),
        meta,
      };
    }
    default:
      break;
  }
  if (col.kind === "object" && col.utf8 !== undefined) {
    // All cells are str/None with strict UTF-8 payloads: copy the bytes, no JS strings.
    const { cells, from } = col.utf8;
    meta.set(ARROW_METADATA.objectEncoding, "str");
    return { data: cells.toUtf8Data(from, from + n), meta };
  }
  const cells: PyValue[] =
    col.kind === "object" ? col.values : Array.from({ length: n }, (_, i) => cellValue(col, i, ctx));
  const { data, encoding } = objectData(cells, ctx);
  if (ctx.exact) keepCells(data, cells);
  meta.set(ARROW_METADATA.objectEncoding, encoding);
  return { data, meta };
}

/** Arrow time zone string: "UTC", an IANA key, or "+HH:MM" for fixed offsets. */
export function arrowZone(tz: PyTzInfo): string {
  if (tz.kind === "utc" || (tz.kind === "fixed" && tz.offsetSeconds === 0)) return "UTC";
  if (tz.name && tz.kind !== "fixed") return tz.name;
  const off = tz.offsetSeconds ?? 0;
  const a = Math.abs(off);
  return `${off < 0 ? "-" : "+"}${String(Math.floor(a / 3600)).padStart(2, "0")}:${String(Math.floor((a % 3600) / 60)).padStart(2, "0")}`;
}

export function tagged(v: PyValue, ctx: HandlerContext): string {
  try {
    return JSON.stringify(
      toTaggedJson(v, JSON_NODE_BUDGET, Math.min(ctx.maxDepth, JSON_MAX_DEPTH), ctx.budget),
    );
  } catch (e) {
    if (e instanceof TaggedJsonBudgetError)
      return ctx.fail("PICKLE_LIMIT_EXCEEDED", "metadata value too large to convert");
    throw e;
  }
}
