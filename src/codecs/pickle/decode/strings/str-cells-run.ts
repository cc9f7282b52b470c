/**
 * The hot loop of the str-cell scan (str-cells-scan.ts): reads the cells of one run of a
 * pickled object list — strs (each usually followed by its MEMOIZE), None, BINGETs of strs
 * memoized earlier in the list, FRAMEs — and copies every str's UTF-8 payload into the
 * value buffer while checking it, until an opcode that is not a cell (MARK, APPENDS, APPEND,
 * TUPLE, …), which it leaves to the caller.
 *
 * Why a function per run rather than one loop for the whole list: pandas writes lists in
 * batches of 1000 (MARK … APPENDS), so this is called a few hundred times per column block
 * and V8 optimizes it as an ordinary function after a few calls. One loop over the whole list
 * would run as on-stack-replaced code and fall back to the interpreter for the rest of the
 * list at each deoptimization (a branch first taken late, e.g. the first BINGET), which made
 * the first decodes of a process several times slower. State lives in locals during a run.
 */
import { Op } from "../../opcodes.js";
import { UTF8_VALID, validateUtf8 } from "../reader.js";

// Opcode bytes as module constants, so the dispatch below compares against numbers rather
// than loading properties of `Op` in the loop.
const { MEMOIZE, FRAME, SHORT_BINUNICODE, BINUNICODE, BINGET, LONG_BINGET, NONE } = Op;

/** Below this many bytes a hand loop beats `copyWithin` (call overhead). */
const SHORT_COPY_BYTES = 16;

/** Returned by `scanRun` when the scan must give up (the general machine decodes instead). */
export const GIVE_UP = -1;

/**
 * Everything the scan has read so far. The cells are laid out column by column (`rowLength`
 * cells each: a pandas block's rows), so each column's Arrow offsets are a zero-based view:
 * column r's offsets are `offsets[r * (rowLength + 1) …]` and its bytes start at `colBases[r]`.
 * Cell i of column r = ⌊i / rowLength⌋ is `data[colBases[r] + offsets[i + r], colBases[r] + offsets[i + r + 1])`.
 */
export class ScanState {
  /** Input position, end of the readable part (frame end or input end), open frame's end or -1. */
  pos: number;
  limit: number;
  frameEnd: number;
  readonly end: number;
  /** Per-column cell offsets (one extra slot per column) and the UTF-8 of the str cells. */
  offsets: Int32Array;
  count = 0;
  /** Cells per column (Infinity: one column), current column, where it ends, its first byte. */
  readonly rowLength: number;
  col = 0;
  colEnd: number;
  colBase = 0;
  /** First byte in `data` of each column. */
  colBases: Int32Array;
  data: Uint8Array;
  out = 0;
  /** Cell index of each memoized str, in memo order. */
  memoCells: Int32Array;
  memoCount = 0;
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
  /** Payload bytes of the str cells read from the input (BINGET copies excluded). */
  textBytes = 0;

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
    // Zero-filled (calloc): fresh pages are not touched until written, so slack costs nothing.
    this.rowLength = rowLength > 0 ? rowLength : Number.POSITIVE_INFINITY;
    this.colEnd = this.rowLength;
    const columns = rowLength > 0 ? Math.ceil(cells / rowLength) : 1;
    this.colBases = new Int32Array(columns + 1);
    this.offsets = new Int32Array(cells + columns + 1);
    this.data = new Uint8Array(dataBytes);
    this.memoCells = new Int32Array(cells);
    this.firstStrMemo = firstMemo;
  }
}

/**
 * Read cells from `st.pos` until an opcode that is not a cell; return that opcode (not
 * consumed, any frame end before it already left), or `GIVE_UP`.
 */
export function scanRun(st: ScanState): number {
  const buf = st.buf;
  const end = st.end;
  const maxItems = st.maxItems;
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
  let out = st.out;
  let memoCells = st.memoCells;
  let memoCount = st.memoCount;
  let prevStr = st.prevStr;
  let pending = st.pending;
  let ops = st.ops;
  let textBytes = st.textBytes;
  let result = GIVE_UP;
  for (;;) {
    if (pos >= limit) {
      // Reading at a frame's end leaves the frame (ByteReader.ensure); else truncated.
      if (pos !== frameEnd || pos >= end) break;
      frameEnd = -1;
      limit = end;
    }
    if (count === colEnd) {
      // The next cell starts a new column: its offsets start at 0 in a slot of their own.
      col++;
      colEnd += rowLength;
      colBase = out;
      if (col >= st.colBases.length) st.colBases = grow(st.colBases, 2 * col + 2);
      st.colBases[col] = out;
      if (count + col + 2 > offsets.length) offsets = grow(offsets, 2 * (count + col) + 2);
      offsets[count + col] = 0;
    }
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
      if (memoCount === memoCells.length) memoCells = grow(memoCells, memoCount * 2);
      memoCells[memoCount++] = count - 1;
      prevStr = false;
      pos++;
      ops++;
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
      const c = memoCells[k] as number;
      const cc = Math.floor(c / rowLength);
      const from = (st.colBases[cc] as number) + (offsets[c + cc] as number);
      const len = (offsets[c + cc + 1] as number) - (offsets[c + cc] as number);
      if (out + len > data.length) {
        if (out + len > st.maxOut) break;
        data = growBytes(data, out, out + len, st.maxOut);
      }
      if (len < SHORT_COPY_BYTES) for (let b = 0; b < len; b++) data[out + b] = data[from + b] as number;
      else data.copyWithin(out, from, from + len);
      out += len;
      if (count + col + 2 > offsets.length) offsets = grow(offsets, 2 * (count + col) + 2);
      offsets[count + col + 1] = out - colBase;
      count++;
      if (count > maxItems) break;
      ops++;
      pending++;
      prevStr = false;
      continue;
    } else if (op === NONE) {
      if (st.noneCount === st.noneCells.length) st.noneCells = grow(st.noneCells, 2 * st.noneCount);
      st.noneCells[st.noneCount++] = count;
      if (count + col + 2 > offsets.length) offsets = grow(offsets, 2 * (count + col) + 2);
      offsets[count + col + 1] = out - colBase;
      count++;
      if (count > maxItems) break;
      pos++;
      ops++;
      pending++;
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
      ops++;
      continue;
    } else {
      result = op;
      break;
    }
    // A str payload buf[s, s + n): bounds, limit, strict UTF-8 without encoded surrogates.
    const e = s + n;
    if (e > limit || n > maxStr) break;
    if (out + n > data.length) {
      if (out + n > st.maxOut) break;
      data = growBytes(data, out, out + n, st.maxOut);
    }
    // Copy while checking for ASCII: one pass over the payload.
    let or = 0;
    for (let i = s, o = out; i < e; i++, o++) {
      const b = buf[i] as number;
      or |= b;
      data[o] = b;
    }
    if (or >= 0x80 && validateUtf8(buf, s, e) !== UTF8_VALID) break;
    out += n;
    textBytes += n;
    if (count + col + 2 > offsets.length) offsets = grow(offsets, 2 * (count + col) + 2);
    offsets[count + col + 1] = out - colBase;
    count++;
    if (count > maxItems) break;
    ops++;
    pending++;
    pos = e;
    // CPython memoizes every str it writes: take the MEMOIZE here, without another dispatch.
    if (pos < limit && buf[pos] === MEMOIZE) {
      if (memoCount === memoCells.length) memoCells = grow(memoCells, memoCount * 2);
      memoCells[memoCount++] = count - 1;
      pos++;
      ops++;
      prevStr = false;
    } else {
      prevStr = true;
    }
  }
  st.pos = pos;
  st.limit = limit;
  st.frameEnd = frameEnd;
  st.offsets = offsets;
  st.count = count;
  st.col = col;
  st.colEnd = colEnd;
  st.colBase = colBase;
  st.data = data;
  st.out = out;
  st.memoCells = memoCells;
  st.memoCount = memoCount;
  st.prevStr = prevStr;
  st.pending = pending;
  st.ops = ops;
  st.textBytes = textBytes;
  return result;
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

/** A larger value buffer holding `data[0, used)`, with room for at least `need` bytes. */
function growBytes(data: Uint8Array, used: number, need: number, max: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(Math.min(max, Math.max(need, data.length * 2, 4096)));
  b.set(data.subarray(0, used));
  return b;
}
