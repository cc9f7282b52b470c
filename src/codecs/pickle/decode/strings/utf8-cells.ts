/**
 * A list of Python str/None cells held as Arrow-ready UTF-8: one value buffer and the offsets
 * of each cell, filled by the str-cell scan straight from the pickle's bytes (str-cells-scan.ts),
 * so an object ndarray of strings reaches Arrow's Utf8 data without one JS string per cell.
 * The scan only succeeds when every payload is strict UTF-8 without encoded surrogates, so
 * the bytes are exactly the UTF-8 Arrow stores. Anything that needs the cells as values calls
 * `toArray()` (cached, so the list keeps one identity).
 */
import { type Data, makeData, Utf8 } from "apache-arrow";
import type { PyValue } from "../../../../python/values.js";
import { nodeUtf8Slice } from "./node-string-slices.js";
import { uninitInt32 } from "./uninit-buffers.js";

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

export class Utf8Cells {
  private array: (string | null)[] | null = null;

  constructor(
    /** UTF-8 of every str cell, column after column (may be longer than the cells need). */
    private readonly data: Uint8Array,
    /**
     * Per-column offsets: column r (cells r·rowLength …) has its `rowLength + 1` offsets,
     * starting at 0, from index r·(rowLength + 1), relative to `colBases[r]`.
     */
    private readonly offsets: Int32Array,
    /** Number of cells. */
    readonly count: number,
    /** Indices of the None cells, ascending. */
    private readonly noneCells: Int32Array,
    /** Cells per column (Infinity: one column). */
    private readonly rowLength: number,
    /** First byte in `data` of each column. */
    private readonly colBases: Int32Array,
  ) {}

  /** True when cell `i` is None. */
  private isNone(i: number): boolean {
    const k = lowerBound(this.noneCells, i);
    return k < this.noneCells.length && this.noneCells[k] === i;
  }

  /** First byte of cell `i` in `data`. */
  private start(i: number): number {
    const c = Math.floor(i / this.rowLength);
    return (this.colBases[c] as number) + (this.offsets[i + c] as number);
  }

  /** End (exclusive) of cell `i` in `data`. */
  private end(i: number): number {
    const c = Math.floor(i / this.rowLength);
    return (this.colBases[c] as number) + (this.offsets[i + c + 1] as number);
  }

  /** Cell `i` as a JS value (str or null). */
  cell(i: number): string | null {
    if (this.noneCells.length > 0 && this.isNone(i)) return null;
    const start = this.start(i);
    const end = this.end(i);
    if (nodeUtf8Slice !== null) return nodeUtf8Slice.call(this.data, start, end);
    return utf8.decode(this.data.subarray(start, end));
  }

  /** The cells as a JS array (built once; later calls return the same array). */
  toArray(): (string | null)[] {
    if (this.array === null) {
      const out: (string | null)[] = new Array(this.count);
      for (let i = 0; i < this.count; i++) out[i] = this.cell(i);
      this.array = out;
    }
    return this.array;
  }

  /**
   * Cells `[from, to)` as Arrow Utf8 data over a view of the value buffer. A whole column's
   * offsets are already zero-based (a view, no copy); any other range gets rebased offsets.
   * A validity bitmap only when a None is in range.
   */
  toUtf8Data(from: number, to: number): Data<Utf8> {
    const n = to - from;
    const a = this.noneCells;
    const lo = lowerBound(a, from);
    const nulls = lowerBound(a, to) - lo;
    let offsets: Int32Array;
    let base = 0;
    const L = this.rowLength;
    const column = L === Number.POSITIVE_INFINITY ? (from === 0 ? 0 : -1) : from % L === 0 ? from / L : -1;
    if (n === 0) {
      offsets = new Int32Array(1);
    } else if (column >= 0 && (n === L || (L === Number.POSITIVE_INFINITY && to === this.count))) {
      base = this.colBases[column] as number;
      offsets = this.offsets.subarray(from + column, to + column + 1);
    } else {
      base = this.start(from);
      offsets = this.rebased(from, n, base);
    }
    return makeData({
      type: new Utf8(),
      length: n,
      nullCount: nulls,
      nullBitmap: nulls > 0 ? validity(a, lo, nulls, from, n) : undefined,
      valueOffsets: offsets,
      data: this.data.subarray(base, base + (offsets[n] as number)),
    });
  }

  /** Offsets of cells `[from, from + n)` relative to `base` (a range that is not one column). */
  private rebased(from: number, n: number, base: number): Int32Array {
    const out = uninitInt32(n + 1);
    out[0] = 0;
    for (let k = 0; k < n; k++) out[k + 1] = this.end(from + k) - base;
    return out;
  }
}

// A loop inside `toUtf8Data` (called a few times per decode) would run as on-stack-replaced
// code that deoptimizes on the statements after the loop at every call: loops live apart.

/** Validity bits of `n` cells from `from`, where `none[lo, lo + nulls)` are the None cells. */
function validity(none: Int32Array, lo: number, nulls: number, from: number, n: number): Uint8Array {
  const bitmap = new Uint8Array((n + 7) >> 3).fill(0xff);
  if (n & 7) bitmap[bitmap.length - 1] = (1 << (n & 7)) - 1;
  for (let j = lo; j < lo + nulls; j++) {
    const k = (none[j] as number) - from;
    bitmap[k >> 3] = (bitmap[k >> 3] as number) & ~(1 << (k & 7));
  }
  return bitmap;
}

/** First index of the ascending `a` whose value is >= `x`. */
function lowerBound(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Replace a `Utf8Cells` by its array form (values that leave the fast path). */
export function materializeCells(v: PyValue | Utf8Cells): PyValue {
  return v instanceof Utf8Cells ? v.toArray() : v;
}
