/**
 * The hot loop of the str-cell scan (str-cells-scan.ts): reads the cells of one run of a
 * pickled object list — strs (each usually followed by its MEMOIZE), None, BINGETs of strs
 * memoized earlier in the list, FRAMEs — and copies every str's UTF-8 payload into the
 * value buffer, until an opcode that is not a cell (MARK, APPENDS, APPEND, TUPLE, …), which it
 * leaves to the caller. The run's bytes are then checked as UTF-8 at once (run-utf8.ts).
 *
 * Why a function per run rather than one loop for the whole list: pandas writes lists in
 * batches of 1000 (MARK … APPENDS), so this is called a few hundred times per column block
 * and V8 optimizes it as an ordinary function after a few calls. One loop over the whole list
 * would run as on-stack-replaced code and fall back to the interpreter for the rest of the
 * list at each deoptimization (a branch first taken late, e.g. the first BINGET), which made
 * the first decodes of a process several times slower. State lives in locals during a run.
 */
import { Op } from "../../opcodes.js";
import { memoCell } from "./memo-gaps.js";
import { runIsUtf8 } from "./run-utf8.js";
import { uninitArrayBuffer, uninitInt32 } from "./uninit-buffers.js";

// Opcode bytes as module constants, so the dispatch below compares against numbers rather
// than loading properties of `Op` in the loop.
const { MEMOIZE, FRAME, SHORT_BINUNICODE, BINUNICODE, BINGET, LONG_BINGET, NONE } = Op;

/**
 * Payloads are copied 4 bytes at a time (two words at least), reading and writing up to this
 * many bytes past their end: the value buffer keeps this much room, and the last bytes of the
 * input are copied byte by byte. What lands past a payload is overwritten by the next cell or
 * zeroed by `finish`.
 */
const COPY_OVERRUN = 8;
/** Longest SHORT_BINUNICODE payload, and the longest such cell with its MEMOIZE. */
const SHORT_PAYLOAD_MAX = 255;
const SHORT_CELL_MAX = 2 + SHORT_PAYLOAD_MAX + 1;
/** First capacity of the gap list (it doubles from there). */
const MIN_GAPS = 64;
/** From this many bytes a native copy beats the word loop (call overhead). */
const NATIVE_COPY_BYTES = 64;

/** Returned by `scanRun` when the scan must give up (the general machine decodes instead). */
export const GIVE_UP = -1;

/**
 * Everything the scan has read so far. The cells are laid out column by column (`rowLength`
 * cells each: a pandas block's rows), so each column's Arrow offsets are a zero-based view:
 * column r's offsets are `offsets[r * (rowLength + 1) …]` and its bytes start at `colBases[r]`.
 * Cell i of column r = ⌊i / rowLength⌋ is `data[colBases[r] + offsets[i + r], colBases[r] + offsets[i + r + 1])`.
 *
 * `data` and `offsets` are not zero-filled (every slot read is written first); `finish` zeroes
 * their unused tails, which decoded values keep.
 */
export class ScanState {
  /** Input position, end of the readable part (frame end or input end), open frame's end or -1. */
  pos: number;
  limit: number;
  frameEnd: number;
  readonly end: number;
  /** The input as a DataView (word reads). */
  readonly src: DataView;
  /** Per-column cell offsets (one extra slot per column) and the UTF-8 of the str cells. */
  offsets: Int32Array;
  count = 0;
  /** Cells per column (Infinity: one column), current column, its first cell, where it ends, its first byte. */
  readonly rowLength: number;
  col = 0;
  colFirst = 0;
  colEnd: number;
  colBase = 0;
  /** First byte in `data` of each column. */
  colBases: Int32Array;
  data: Uint8Array;
  /** `data` as a DataView (word writes). */
  dst: DataView;
  out = 0;
  /** Cells memoized so far, and the ascending indices of the others (memo-gaps.ts). */
  memoCount = 0;
  gaps: Int32Array = new Int32Array(MIN_GAPS);
  gapCount = 0;
  /** Indices of the None cells, ascending. */
  noneCells: Int32Array = new Int32Array(16);
  noneCount = 0;
  /** Memo index of the first str memoized in the list. */
  firstStrMemo: number;
  /** True right after a str cell (a MEMOIZE then memoizes it). */
  prevStr = false;
  /** Items pushed since the last APPEND(S) or MARK. */
  pending = 0;
  /** Opcodes consumed. */
  ops = 0;
  /** Bytes of `data` written by BINGET copies (not read from the input). */
  copiedBytes = 0;

  constructor(
    readonly buf: Uint8Array,
    reader: { pos: number; limit: number; frameEnd: number },
    cells: number,
    rowLength: number,
    dataBytes: number,
    firstMemo: number,
    readonly maxItems: number,
    readonly maxStr: number,
    /** Most bytes the value buffer may grow to. */
    readonly maxOut: number,
  ) {
    this.pos = reader.pos;
    this.limit = reader.limit;
    this.frameEnd = reader.frameEnd;
    this.end = buf.length;
    this.src = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.rowLength = rowLength > 0 ? rowLength : Number.POSITIVE_INFINITY;
    this.colEnd = this.rowLength;
    const columns = rowLength > 0 ? Math.ceil(cells / rowLength) : 1;
    this.colBases = new Int32Array(columns + 1);
    // Two spare slots: after the last cell the loop may open one more (empty) column.
    this.offsets = uninitInt32(cells + columns + 2);
    this.offsets[0] = 0;
    this.data = new Uint8Array(uninitArrayBuffer(dataBytes + COPY_OVERRUN));
    this.dst = new DataView(this.data.buffer);
    this.firstStrMemo = firstMemo;
  }

  /** Payload bytes of the str cells read from the input (BINGET copies excluded). */
  get textBytes(): number {
    return this.out - this.copiedBytes;
  }

  /** Zero what lies past the cells in the buffers the decoded value keeps (no stale memory). */
  finish(): void {
    this.data.fill(0, this.out);
    this.offsets.fill(0, this.count + this.col + 1);
  }
}

/**
 * Read cells from `st.pos` until an opcode that is not a cell; return that opcode (not
 * consumed, any frame end before it already left), or `GIVE_UP`.
 */
export function scanRun(st: ScanState): number {
  const buf = st.buf;
  const src = st.src;
  const end = st.end;
  const maxStr = st.maxStr;
  let pos = st.pos;
  let limit = st.limit;
  let frameEnd = st.frameEnd;
  let offsets = st.offsets;
  let count = st.count;
  let col = st.col;
  let colEnd = st.colEnd;
  let colBase = st.colBase;
  const rowLength = st.rowLength;
  let data = st.data;
  let dst = st.dst;
  let out = st.out;
  let memoCount = st.memoCount;
  let gaps = st.gaps;
  let gapCount = st.gapCount;
  // The last BINGET's memo index and cell: pandas' repeats of one str refer to one memo entry.
  let lastK = -1;
  let lastCell = 0;
  let prevStr = st.prevStr;
  let colFirst = st.colFirst;
  let copiedBytes = st.copiedBytes;
  // Every cell and every MEMOIZE is one opcode and every cell one pending item: counted at the end.
  let frames = 0;
  const count0 = count;
  const memoCount0 = memoCount;
  const out0 = out;
  // One comparison per cell stands for the column end, the offsets' room and maxItems.
  let checkAt = count;
  let result = GIVE_UP;
  let unmemoized = false;
  for (;;) {
    if (pos >= limit) {
      // Reading at a frame's end leaves the frame (ByteReader.ensure); else truncated.
      if (pos !== frameEnd || pos >= end) break;
      frameEnd = -1;
      limit = end;
    }
    if (count >= checkAt) {
      if (count > st.maxItems) break;
      const newColumn = count === colEnd;
      if (newColumn) {
        col++;
        colFirst = count;
        colEnd += rowLength;
        colBase = out;
        if (col >= st.colBases.length) st.colBases = grow(st.colBases, 2 * col + 2);
        st.colBases[col] = out;
      }
      if (count + col + 2 > offsets.length) offsets = grow(offsets, 2 * (count + col) + 2);
      // The next cell starts a new column: its offsets start at 0 in a slot of their own.
      if (newColumn) offsets[count + col] = 0;
      checkAt = Math.min(colEnd, offsets.length - col - 1, st.maxItems + 1);
    }
    // The common cells — SHORT_BINUNICODE then MEMOIZE — in an inner loop whose bounds leave
    // room for the longest such cell, so it needs no per-byte limit checks.
    const fastPos = Math.min(limit, end - COPY_OVERRUN) - SHORT_CELL_MAX;
    const fastOut = data.length - (SHORT_PAYLOAD_MAX + COPY_OVERRUN);
    while (pos < fastPos && count < checkAt && out < fastOut && buf[pos] === SHORT_BINUNICODE) {
      const n = buf[pos + 1] as number;
      if (n > maxStr) break;
      const s = pos + 2;
      dst.setUint32(out, src.getUint32(s, true), true);
      dst.setUint32(out + 4, src.getUint32(s + 4, true), true);
      for (let k = 8; k < n; k += 4) dst.setUint32(out + k, src.getUint32(s + k, true), true);
      out += n;
      offsets[count + col + 1] = out - colBase;
      count++;
      pos = s + n;
      if (buf[pos] !== MEMOIZE) {
        unmemoized = true;
        break;
      }
      memoCount++;
      pos++;
      prevStr = false;
    }
    if (unmemoized) {
      // Not memoized (yet): a gap until a MEMOIZE after a frame end takes it back.
      unmemoized = false;
      if (gapCount === gaps.length) gaps = grow(gaps, 2 * gapCount);
      gaps[gapCount++] = count - 1;
      prevStr = true;
    }
    if (pos >= limit || count >= checkAt) continue;
    const op = buf[pos] as number;
    let s: number;
    let n: number;
    if (op === SHORT_BINUNICODE) {
      if (pos + 2 > limit) break;
      n = buf[pos + 1] as number;
      s = pos + 2;
    } else if (op === MEMOIZE) {
      if (!prevStr) {
        result = op;
        break;
      }
      // The str just read was recorded as a gap: it is memoized after all.
      gapCount--;
      memoCount++;
      prevStr = false;
      pos++;
      continue;
    } else if (op === LONG_BINGET || op === BINGET) {
      let k: number;
      if (op === BINGET) {
        if (pos + 2 > limit) break;
        k = buf[pos + 1] as number;
        pos += 2;
      } else {
        if (pos + 5 > limit) break;
        k = u32le(buf, pos + 1);
        pos += 5;
      }
      k -= st.firstStrMemo;
      if (k < 0 || k >= memoCount) break;
      // A str memoized earlier in this list: copy its bytes within the value buffer.
      const c = k === lastK ? lastCell : memoCell(gaps, gapCount, k);
      lastK = k;
      lastCell = c;
      const cc = c >= colFirst ? col : Math.floor(c / rowLength);
      const from = (st.colBases[cc] as number) + (offsets[c + cc] as number);
      const len = (offsets[c + cc + 1] as number) - (offsets[c + cc] as number);
      if (out + len + COPY_OVERRUN > data.length) {
        if (out + len > st.maxOut) break;
        data = growBytes(data, out, out + len, st.maxOut);
        dst = new DataView(data.buffer);
      }
      if (len >= NATIVE_COPY_BYTES) data.copyWithin(out, from, from + len);
      // Words read past the source end come from the source or this copy, both before the
      // copy's own end, so the first `len` bytes written are the source's.
      else for (let b = 0; b < len; b += 4) dst.setUint32(out + b, dst.getUint32(from + b, true), true);
      out += len;
      copiedBytes += len;
      offsets[count + col + 1] = out - colBase;
      if (gapCount === gaps.length) gaps = grow(gaps, 2 * gapCount);
      gaps[gapCount++] = count;
      count++;
      prevStr = false;
      continue;
    } else if (op === NONE) {
      if (st.noneCount === st.noneCells.length) st.noneCells = grow(st.noneCells, 2 * st.noneCount);
      st.noneCells[st.noneCount++] = count;
      offsets[count + col + 1] = out - colBase;
      if (gapCount === gaps.length) gaps = grow(gaps, 2 * gapCount);
      gaps[gapCount++] = count;
      count++;
      pos++;
      prevStr = false;
      continue;
    } else if (op === BINUNICODE) {
      if (pos + 5 > limit) break;
      n = u32le(buf, pos + 1);
      s = pos + 5;
    } else if (op === FRAME) {
      // A new frame only where none is open (as ByteReader.startFrame; stricter is safe).
      if (frameEnd >= 0 || pos + 9 > limit) break;
      const lo = u32le(buf, pos + 1);
      const hi = u32le(buf, pos + 5);
      pos += 9;
      if (hi !== 0 || lo > end - pos) break;
      frameEnd = pos + lo;
      limit = frameEnd;
      frames++;
      continue;
    } else {
      result = op;
      break;
    }
    // A str payload buf[s, s + n): bounds, limit; its UTF-8 is checked with the whole run.
    const e = s + n;
    if (e > limit || n > maxStr) break;
    if (out + n + COPY_OVERRUN > data.length) {
      if (out + n > st.maxOut) break;
      data = growBytes(data, out, out + n, st.maxOut);
      dst = new DataView(data.buffer);
    }
    if (n < NATIVE_COPY_BYTES && e + COPY_OVERRUN <= end) {
      dst.setUint32(out, src.getUint32(s, true), true);
      dst.setUint32(out + 4, src.getUint32(s + 4, true), true);
      for (let k = 8; k < n; k += 4) dst.setUint32(out + k, src.getUint32(s + k, true), true);
    } else if (n >= NATIVE_COPY_BYTES) {
      data.set(buf.subarray(s, e), out);
    } else {
      for (let k = 0; k < n; k++) data[out + k] = buf[s + k] as number;
    }
    out += n;
    offsets[count + col + 1] = out - colBase;
    count++;
    pos = e;
    // CPython memoizes every str it writes: take the MEMOIZE here, without another dispatch.
    if (pos < limit && buf[pos] === MEMOIZE) {
      memoCount++;
      pos++;
      prevStr = false;
    } else {
      if (gapCount === gaps.length) gaps = grow(gaps, 2 * gapCount);
      gaps[gapCount++] = count - 1;
      prevStr = true;
    }
  }
  st.pos = pos;
  st.limit = limit;
  st.frameEnd = frameEnd;
  st.offsets = offsets;
  st.count = count;
  st.col = col;
  st.colFirst = colFirst;
  st.colEnd = colEnd;
  st.colBase = colBase;
  st.data = data;
  st.dst = dst;
  st.out = out;
  st.memoCount = memoCount;
  st.gaps = gaps;
  st.gapCount = gapCount;
  st.prevStr = prevStr;
  st.pending += count - count0;
  st.ops += count - count0 + (memoCount - memoCount0) + frames;
  st.copiedBytes = copiedBytes;
  if (result === GIVE_UP || count > st.maxItems) return GIVE_UP;
  return runIsUtf8(st, count0, out0) ? result : GIVE_UP;
}

/** Unsigned little-endian 32-bit value at `buf[pos]` (bounds checked by the caller). */
function u32le(buf: Uint8Array, pos: number): number {
  return (
    ((buf[pos] as number) | ((buf[pos + 1] as number) << 8) | ((buf[pos + 2] as number) << 16)) +
    (buf[pos + 3] as number) * 0x1000000
  );
}

function grow(a: Int32Array, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(cap, 16));
  b.set(a);
  return b;
}

/**
 * A larger value buffer holding `data[0, used)`, with room for at least `need` bytes (at most
 * `max`) and the copy overrun past them.
 */
function growBytes(data: Uint8Array, used: number, need: number, max: number): Uint8Array<ArrayBuffer> {
  const bytes = Math.min(max, Math.max(need, data.length * 2, 4096)) + COPY_OVERRUN;
  const b = new Uint8Array(uninitArrayBuffer(bytes));
  b.set(data.subarray(0, used));
  return b;
}
