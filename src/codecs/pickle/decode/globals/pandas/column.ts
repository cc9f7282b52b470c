/**
 * The column model between pandas' pickled internals and Arrow: one 1-D column per
 * DataFrame column, with its pandas dtype string. Rows of 2-D blocks are views when the
 * block is C-ordered (zero-copy for numeric data) and gathered copies when Fortran-ordered.
 */

import { pyIntValue } from "../../../../../python/numbers.js";
import {
  PyComplex,
  PyDatetime64,
  PyFloat,
  PySentinel,
  type PyTzInfo,
  type PyValue,
} from "../../../../../python/values.js";
import type { Utf8Cells } from "../../strings/utf8-cells.js";
import { arrayElement } from "../numpy.js";
import type { NdArray, NumericArray } from "../numpy-array.js";
import type { NpDtype } from "../numpy-dtype.js";
import type { HandlerContext } from "../registry.js";

export type PdColumn =
  /** numpy-backed int/uint/float/bool/complex column (values in little-endian typed form). */
  | { kind: "numeric"; dtype: NpDtype; dtypeName: string; values: NumericArray; length: number }
  /** datetime64 / timedelta64 values (NaT = int64 min), with unit and (aware columns) zone. */
  | {
      kind: "datetime" | "timedelta";
      dtypeName: string;
      values: BigInt64Array;
      unit: string;
      tz: PyTzInfo | null;
      length: number;
    }
  /** Nullable extension arrays (Int64, UInt8, Float64, boolean): data plus mask (1 = missing). */
  | {
      kind: "masked";
      dtype: NpDtype;
      dtypeName: string;
      values: NumericArray;
      mask: Uint8Array;
      length: number;
    }
  /** Categorical: integer codes (−1 = missing) into the categories. */
  | {
      kind: "category";
      dtypeName: "category";
      codes: NumericArray;
      categories: PdColumn;
      ordered: boolean;
      length: number;
    }
  /** pandas `string` dtype (StringArray): str or NA. */
  | { kind: "string"; dtypeName: string; values: PyValue[]; length: number }
  /** Object column (and numpy str/bytes columns): Python values. */
  | {
      kind: "object";
      dtypeName: string;
      values: PyValue[];
      length: number;
      /** All-str/None cells as references into the pickle, starting at cell `from` (fast path). */
      utf8?: { cells: Utf8Cells; from: number };
    };

/** Something that can supply block rows: a 2-D (or 1-D) array of one dtype. */
export interface BlockSource {
  /** Number of DataFrame columns in this block. */
  readonly rows: number;
  /** Values per column (the row count of the frame). */
  readonly rowLength: number;
  column(r: number, ctx: HandlerContext): PdColumn;
}

/** Gather a Fortran-ordered row: element i of row r sits at i*rows + r. */
function gather(values: NumericArray, r: number, rows: number, n: number): NumericArray {
  const Ctor = values.constructor as new (n: number) => NumericArray;
  const out = new Ctor(n);
  for (let i = 0; i < n; i++)
    (out as unknown as number[])[i] = (values as unknown as number[])[i * rows + r] as number;
  return out;
}

/** Row `r` of a 1-D or 2-D numpy array as a typed array (or null for non-numeric dtypes). */
export function numericRow(arr: NdArray, r: number): NumericArray | null {
  const typed = arr.typed();
  if (!typed) return null;
  const dtype = arr.dtype as NpDtype;
  const per = dtype.kind === "c" ? 2 : 1;
  if (arr.shape.length < 2) return typed;
  const rows = arr.shape[0] as number;
  const n = (arr.shape[1] as number) * per;
  if (!arr.fortran) return typed.subarray(r * n, (r + 1) * n);
  if (per === 2) {
    const out = new (typed.constructor as new (n: number) => NumericArray)(n);
    for (let i = 0; i < n / 2; i++) {
      (out as Float64Array)[2 * i] = (typed as Float64Array)[2 * (i * rows + r)] as number;
      (out as Float64Array)[2 * i + 1] = (typed as Float64Array)[2 * (i * rows + r) + 1] as number;
    }
    return out;
  }
  return gather(typed, r, rows, n);
}

/** Row `r` of an array as Python values (object arrays are always C-ordered lists). */
export function objectRow(arr: NdArray, r: number, ctx: HandlerContext): PyValue[] {
  const n = arr.shape.length < 2 ? arr.size : (arr.shape[1] as number);
  if (arr.objects) return arr.shape.length < 2 ? arr.objects : arr.objects.slice(r * n, (r + 1) * n);
  const rows = arr.shape.length < 2 ? 1 : (arr.shape[0] as number);
  const out: PyValue[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = arrayElement(arr, arr.fortran ? i * rows + r : r * n + i, ctx);
  return out;
}

/** A plain numpy array (1-D, or a 2-D block) as a block source. */
export function ndarraySource(arr: NdArray, ctx: HandlerContext): BlockSource {
  if (arr.shape.length > 2) ctx.fail("PICKLE_BAD_PANDAS", "block values must be 1-D or 2-D");
  const dtype = arr.dtype as NpDtype;
  const rows = arr.shape.length === 2 ? (arr.shape[0] as number) : 1;
  const rowLength = arr.shape.length === 2 ? (arr.shape[1] as number) : arr.size;
  return {
    rows,
    rowLength,
    column(r, c) {
      if (dtype.kind === "M" || dtype.kind === "m") {
        return {
          kind: dtype.kind === "M" ? "datetime" : "timedelta",
          dtypeName: dtype.numpyName,
          values: numericRow(arr, r) as BigInt64Array,
          unit: dtype.unit ?? "ns",
          tz: null,
          length: rowLength,
        };
      }
      const values = numericRow(arr, r);
      if (values && dtype.kind !== "S" && dtype.kind !== "U") {
        return { kind: "numeric", dtype, dtypeName: dtype.numpyName, values, length: rowLength };
      }
      if (arr.cells !== null) {
        // `values` only when someone asks: the Arrow path copies the cells' UTF-8 directly.
        let values: PyValue[] | null = null;
        return {
          kind: "object",
          dtypeName: dtype.numpyName,
          get values(): PyValue[] {
            values ??= objectRow(arr, r, c);
            return values;
          },
          length: rowLength,
          utf8: { cells: arr.cells, from: arr.shape.length < 2 ? 0 : r * rowLength },
        };
      }
      return { kind: "object", dtypeName: dtype.numpyName, values: objectRow(arr, r, c), length: rowLength };
    },
  };
}

/** Python's repr-like label of a tz for pandas dtype strings (`datetime64[ns, UTC]`). */
export function tzLabel(tz: PyTzInfo): string {
  if (tz.kind === "utc") return "UTC";
  if (tz.name) return tz.name;
  if (tz.offsetSeconds !== null) {
    if (tz.offsetSeconds === 0) return "UTC";
    const sign = tz.offsetSeconds < 0 ? "-" : "+";
    const a = Math.abs(tz.offsetSeconds);
    return `UTC${sign}${String(Math.floor(a / 3600)).padStart(2, "0")}:${String(Math.floor((a % 3600) / 60)).padStart(2, "0")}`;
  }
  return "unknown";
}

/** int64 minimum: numpy's NaT. */
export const NAT_VALUE = -(2n ** 63n);

/** Cell `i` of a column as a Python value (Timestamps for datetime cells, NaT/NA sentinels for missing). */
export function cellValue(col: PdColumn, i: number, ctx: HandlerContext): PyValue {
  switch (col.kind) {
    case "numeric":
    case "masked": {
      if (col.kind === "masked" && col.mask[i]) return PySentinel.NA;
      const k = col.dtype.kind;
      if (k === "c") {
        const v = col.values as Float64Array;
        return new PyComplex(v[2 * i] as number, v[2 * i + 1] as number);
      }
      const v = col.values[i] as number | bigint;
      if (typeof v === "bigint") return pyIntValue(v);
      if (k === "b") return v !== 0;
      if (k === "f") return ctx.exactNumbers && Number.isInteger(v) ? new PyFloat(v) : v;
      return v;
    }
    case "datetime":
    case "timedelta": {
      const v = col.values[i] as bigint;
      if (v === NAT_VALUE) return PySentinel.NaT;
      return new PyDatetime64(col.kind === "datetime" ? "Timestamp" : "Timedelta", v, col.unit, col.tz);
    }
    case "category": {
      const code = Number(col.codes[i]);
      return code < 0 ? null : cellValue(col.categories, code, ctx);
    }
    default:
      return col.values[i] as PyValue;
  }
}
