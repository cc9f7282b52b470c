/**
 * A list of Python str/None cells kept as (start, length) references into the pickle's bytes,
 * so an object ndarray of strings reaches Arrow's Utf8 buffers without creating one JS string
 * per cell. The decoder only builds one after checking every payload is strict UTF-8 without
 * encoded surrogates, so the bytes are exactly the UTF-8 Arrow stores. Anything that needs the
 * cells as values calls `toArray()` (cached, so the list keeps one identity).
 */
import { type Data, makeData, Utf8 } from "apache-arrow";
import type { PyValue } from "./values.js";

/** `starts` value marking a None cell. */
export const NONE_CELL = -1;
/** Below this many bytes a hand loop beats `Uint8Array#set` (call and view overhead). */
const SHORT_COPY_BYTES = 16;

export class Utf8Cells {
  private array: (string | null)[] | null = null;

  constructor(
    /** The whole pickle input (payload offsets index into it). */
    readonly src: Uint8Array,
    /** Turns one payload into a JS string (the decoder's `surrogatepass` UTF-8 decoder). */
    private readonly decode: (start: number, length: number) => string,
    /** Payload start of each cell in `src` (`NONE_CELL` for None); may be longer than `count`. */
    private readonly starts: Int32Array,
    /** Payload length of each cell. */
    private readonly lengths: Int32Array,
    /** Number of cells. */
    readonly count: number,
  ) {}

  /** Cell `i` as a JS value (str or null). */
  cell(i: number): string | null {
    const start = this.starts[i] as number;
    return start === NONE_CELL ? null : this.decode(start, this.lengths[i] as number);
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

  /** Cells `[from, to)` as Arrow Utf8 data: payload bytes copied straight from the pickle. */
  toUtf8Data(from: number, to: number): Data<Utf8> {
    const n = to - from;
    const starts = this.starts;
    const lengths = this.lengths;
    let total = 0;
    let nulls = 0;
    for (let i = from; i < to; i++) {
      total += lengths[i] as number;
      if (starts[i] === NONE_CELL) nulls++;
    }
    const offsets = new Int32Array(n + 1);
    const bytes = new Uint8Array(total);
    const bitmap = nulls > 0 ? new Uint8Array((n + 7) >> 3) : undefined;
    const src = this.src;
    let pos = 0;
    for (let k = 0; k < n; k++) {
      const start = starts[from + k] as number;
      const len = lengths[from + k] as number;
      if (start !== NONE_CELL) {
        if (bitmap) bitmap[k >> 3] = (bitmap[k >> 3] as number) | (1 << (k & 7));
        if (len < SHORT_COPY_BYTES) for (let b = 0; b < len; b++) bytes[pos + b] = src[start + b] as number;
        else bytes.set(src.subarray(start, start + len), pos);
        pos += len;
      }
      offsets[k + 1] = pos;
    }
    return makeData({
      type: new Utf8(),
      length: n,
      nullCount: nulls,
      nullBitmap: bitmap,
      valueOffsets: offsets,
      data: bytes,
    });
  }
}

/** Replace a `Utf8Cells` by its array form (values that leave the fast path). */
export function materializeCells(v: PyValue | Utf8Cells): PyValue {
  return v instanceof Utf8Cells ? v.toArray() : v;
}
