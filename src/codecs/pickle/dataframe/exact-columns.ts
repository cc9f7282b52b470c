/**
 * Object columns that Arrow's own types would change, kept exactly:
 *
 * - str columns whose cells Arrow's Utf8 cannot hold: a Python str with surrogate code points
 *   (pickle writes them "surrogatepass"; Utf8 would need U+FFFD in their place). Such a column
 *   becomes a Binary column of each cell's surrogatepass UTF-8, field metadata
 *   `pandas_object_encoding: "str-surrogatepass"` (both modes), and the encoder writes those
 *   exact bytes back as the cells' strs, so no character is lost.
 * - in exact mode, every object column also keeps the decoded cells themselves beside its Arrow
 *   data (the Arrow form of a mixed column, tagged JSON, cannot tell every Python value apart);
 *   `pickle.dumps` of the same, unsliced column writes those cells back.
 */
import { Binary, type Data, makeData, type Vector } from "apache-arrow";
import { PyStr, type PyValue } from "../../../python/values.js";
import type { HandlerContext } from "../decode/globals/registry.js";
import { utf8CodePoints } from "../decode/strings/surrogate-str.js";
import { PickleEncodeError } from "../encode/errors.js";
import { isWellFormed, utf8CodePointsSurrogatepass, utf8Surrogatepass } from "../encode/python-bytes.js";

/** The `pandas_object_encoding` of a str column with surrogates. */
export const STR_SURROGATEPASS = "str-surrogatepass";
/** Decoded cells of exact mode's object columns, by the column's Arrow data. */
const KEPT_CELLS = new WeakMap<Data, readonly PyValue[]>();

/** `true` when a cell cannot go into Utf8 unchanged: a `PyStr`, or a JS string with a lone surrogate. */
function needsBytes(v: PyValue): boolean {
  return v instanceof PyStr || (typeof v === "string" && !isWellFormed(v));
}

/**
 * Binary data of the surrogatepass UTF-8 of str cells (`null`, and any non-str cell, → null),
 * or `null` when every cell fits Utf8 as it is.
 * @throws PickleDecodeError (via `ctx.charge`) past the decode's allocation budget
 */
export function surrogateStrData(values: readonly PyValue[], ctx: HandlerContext): Data | null {
  if (!values.some(needsBytes)) return null;
  // Charged first, as every Arrow column is: a str shared by many cells is copied into each.
  let units = 0;
  for (const v of values)
    units += v instanceof PyStr ? v.codePoints.length : typeof v === "string" ? v.length : 0;
  ctx.charge(units * 4, "arrow");
  const parts = values.map((v) =>
    v instanceof PyStr
      ? utf8CodePointsSurrogatepass(v.codePoints)
      : typeof v === "string"
        ? utf8Surrogatepass(v)
        : null,
  );
  return binaryOf(parts);
}

/**
 * The cells of a `str-surrogatepass` column as Python strs: a `PyStr` (exact code points) where
 * the bytes carry a surrogate, else a JS string; null cells stay null.
 * @throws PickleEncodeError `PICKLE_ENCODE_BAD_VALUE` when a cell is not surrogatepass UTF-8
 */
export function surrogateStrCells(v: Vector): PyValue[] {
  const out: PyValue[] = new Array(v.length);
  const bad = (): never => {
    throw new PickleEncodeError("PICKLE_ENCODE_BAD_VALUE", "$", "a str-surrogatepass cell is not UTF-8");
  };
  for (let i = 0; i < v.length; i++) {
    const b = v.get(i) as Uint8Array | null;
    if (b === null) {
      out[i] = null;
      continue;
    }
    const cps = utf8CodePoints(b, 0, b.length, bad);
    const s = new PyStr(cps);
    out[i] = cps.some((c) => c >= 0xd800 && c <= 0xdfff) ? s : s.toString();
  }
  return out;
}

/** Exact mode: remember the cells an object column's `data` was made from. */
export function keepCells(data: Data, cells: readonly PyValue[]): void {
  KEPT_CELLS.set(data, cells);
}

/** The cells kept for `v` when it is exactly (one chunk, unsliced) a column made in exact mode. */
export function keptCells(v: Vector): PyValue[] | undefined {
  const data = v.data.length === 1 ? v.data[0] : undefined;
  const cells = data === undefined ? undefined : KEPT_CELLS.get(data);
  return cells !== undefined && cells.length === v.length ? [...cells] : undefined;
}

/** Binary data of byte strings (`null` → a null cell), each copied once. */
export function binaryOf(parts: readonly (Uint8Array | null)[]): Data {
  const n = parts.length;
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += parts[i]?.length ?? 0;
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const p = parts[i];
    if (p) {
      bytes.set(p, offsets[i] as number);
      bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
    } else nulls++;
  }
  return makeData({
    type: new Binary(),
    length: n,
    nullCount: nulls,
    nullBitmap: bitmap,
    valueOffsets: offsets,
    data: bytes,
  });
}
