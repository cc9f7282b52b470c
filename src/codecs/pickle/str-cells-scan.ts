/**
 * Speculative fast path for the data list of an object ndarray (`_reconstruct` + BUILD state
 * `(1, shape, dtype('O'), False, [ ... ])`), which is how pandas pickles str columns. Right
 * after its EMPTY_LIST, the scan reads the list body CPython writes — strs (with MEMOIZE),
 * None, BINGETs of strs memoized in this same list, MARK/APPENDS batches, FRAMEs — up to the
 * TUPLE that closes the state, and copies each str's UTF-8 payload straight into one Arrow-ready
 * value buffer with its offsets (no JS string, no per-cell object, one pass over the bytes).
 *
 * It never changes decoder state: anything unexpected (another opcode, a non-strict-UTF-8 or
 * surrogate payload, a limit, truncation, an opcode straddling a frame end) rewinds the reader
 * and returns null, and the general machine decodes the same bytes, raising the exact error
 * where there is one.
 *
 * The loop is one function over local variables (position, frame limit, output arrays): it
 * runs once per column block over hundreds of thousands of opcodes, so reader method calls,
 * property loads and exceptions would dominate the time.
 */
import type { ByteReader } from "./reader.js";
import { UTF8_VALID, validateUtf8 } from "./reader.js";
import { Utf8Cells } from "./utf8-cells.js";

/** What a successful scan produced; the decoder applies the memo entries. */
export interface CellsScan {
  cells: Utf8Cells;
  /** True when the list itself was memoized (MEMOIZE right after EMPTY_LIST). */
  listMemo: boolean;
  /** Cell index of each str memoized in the list, in memo order. */
  memoCells: Int32Array;
  /** Opcodes consumed (the closing TUPLE is left for the machine). */
  ops: number;
  /** Payload bytes of the str cells. */
  textBytes: number;
}

/** Limits the scan must stay inside (else it gives up and the machine reports the limit). */
export interface CellsScanLimits {
  maxItems: number;
  maxStringBytes: number;
  /** Expected number of cells (the ndarray's shape), to size the cell arrays once; optional. */
  expectedCells?: number;
}

// Opcode bytes as literals (opcodes.ts), so the dispatch below compiles to plain compares.
const MEMOIZE = 0x94;
const FRAME = 0x95;
const MARK = 0x28;
const SHORT_BINUNICODE = 0x8c;
const BINUNICODE = 0x58;
const BINGET = 0x68;
const LONG_BINGET = 0x6a;
const NONE = 0x4e;
const APPENDS = 0x65;
const APPEND = 0x61;
const TUPLE = 0x74;

const MIN_CELLS = 1024;
/** Presizing from the shape is trusted up to this many cells; beyond, the arrays grow. */
const MAX_PRESIZE = 1 << 22;
/** First guess of UTF-8 bytes per cell when sizing the value buffer from the shape. */
const BYTES_PER_CELL_GUESS = 12;
/** Below this many bytes a hand loop beats `copyWithin` (call overhead). */
const SHORT_COPY_BYTES = 16;
/**
 * BINGET copies may make the cells larger than the input; past this factor (and Arrow's int32
 * offsets) the scan gives up and the general machine, which shares strs by reference, decodes.
 */
const MAX_COPY_FACTOR = 4;
const MAX_UTF8_BYTES = 0x7fffffff;

/**
 * Scan the list body starting at the reader position (just after EMPTY_LIST).
 * `firstMemo` is the memo index the next MEMOIZE would get.
 */
export function scanStrCells(r: ByteReader, firstMemo: number, limits: CellsScanLimits): CellsScan | null {
  const start = r.snapshot();
  const buf = r.buf;
  const end = buf.length;
  let pos = start.pos;
  let limit = start.limit;
  let frameEnd = start.frameEnd;
  const maxItems = limits.maxItems;
  const maxStr = limits.maxStringBytes;
  const maxOut = Math.min(MAX_UTF8_BYTES, MAX_COPY_FACTOR * end + 65536);
  // Each cell takes at least one input byte, so the remaining input bounds the presize.
  const hint = Math.min(limits.expectedCells ?? 0, end - pos, MAX_PRESIZE);
  let cap = Math.max(MIN_CELLS, hint);
  // Cell i is data[offsets[i], offsets[i + 1]) (empty for None).
  let offsets: Int32Array = new Int32Array(cap + 1);
  let data: Uint8Array = new Uint8Array(Math.min(end - pos, cap * BYTES_PER_CELL_GUESS));
  let out = 0;
  let count = 0;
  // Cell index of each memoized str (CPython memoizes every str, so about one per cell).
  let memoCells: Int32Array = new Int32Array(cap);
  let memoCount = 0;
  // Cell indices of the None cells, ascending.
  let noneCells: Int32Array = new Int32Array(16);
  let noneCount = 0;
  let listMemo = false;
  let firstStrMemo = firstMemo;
  let inMark = false;
  let pending = 0;
  let prevStr = false;
  let ops = 0;
  let textBytes = 0;
  for (;;) {
    if (pos >= limit) {
      // Reading at a frame's end leaves the frame (ByteReader.ensure); else truncated.
      if (pos !== frameEnd || pos >= end) return null;
      frameEnd = -1;
      limit = end;
    }
    const op = buf[pos++] as number;
    ops++;
    if (op === MEMOIZE) {
      if (prevStr) {
        if (memoCount === memoCells.length) memoCells = grow(memoCells, memoCount * 2);
        memoCells[memoCount++] = count - 1;
        prevStr = false;
        continue;
      }
      if (ops !== 1) return null;
      listMemo = true;
      firstStrMemo = firstMemo + 1;
      continue;
    }
    let s: number;
    let n: number;
    if (op === SHORT_BINUNICODE) {
      if (pos >= limit) return null;
      n = buf[pos] as number;
      s = pos + 1;
    } else if (op === LONG_BINGET || op === BINGET) {
      let k: number;
      if (op === BINGET) {
        if (pos >= limit) return null;
        k = buf[pos++] as number;
      } else {
        if (pos + 4 > limit) return null;
        k = u32le(buf, pos);
        pos += 4;
      }
      k -= firstStrMemo;
      if (k < 0 || k >= memoCount) return null;
      // A str memoized earlier in this list: copy its bytes from the value buffer.
      const c = memoCells[k] as number;
      const from = offsets[c] as number;
      const len = (offsets[c + 1] as number) - from;
      if (out + len > data.length) {
        if (out + len > maxOut) return null;
        data = growBytes(data, out, out + len, maxOut);
      }
      if (len < SHORT_COPY_BYTES) for (let b = 0; b < len; b++) data[out + b] = data[from + b] as number;
      else data.copyWithin(out, from, from + len);
      out += len;
      if (count === cap) {
        cap *= 2;
        offsets = grow(offsets, cap + 1);
      }
      offsets[++count] = out;
      if (count > maxItems) return null;
      pending++;
      prevStr = false;
      continue;
    } else if (op === NONE) {
      if (noneCount === noneCells.length) noneCells = grow(noneCells, noneCount * 2);
      noneCells[noneCount++] = count;
      if (count === cap) {
        cap *= 2;
        offsets = grow(offsets, cap + 1);
      }
      offsets[++count] = out;
      if (count > maxItems) return null;
      pending++;
      prevStr = false;
      continue;
    } else if (op === MARK) {
      if (inMark) return null;
      inMark = true;
      prevStr = false;
      continue;
    } else if (op === APPENDS) {
      if (!inMark) return null;
      inMark = false;
      pending = 0;
      prevStr = false;
      continue;
    } else if (op === BINUNICODE) {
      if (pos + 4 > limit) return null;
      n = u32le(buf, pos);
      s = pos + 4;
    } else if (op === FRAME) {
      // A new frame only where none is open (as ByteReader.startFrame; stricter is safe).
      if (frameEnd >= 0 || pos + 8 > limit) return null;
      const lo = u32le(buf, pos);
      const hi = u32le(buf, pos + 4);
      pos += 8;
      if (hi !== 0 || lo > end - pos) return null;
      frameEnd = pos + lo;
      limit = frameEnd;
      continue;
    } else if (op === APPEND) {
      if (inMark || pending !== 1) return null;
      pending = 0;
      prevStr = false;
      continue;
    } else if (op === TUPLE) {
      if (inMark || pending !== 0) return null;
      // The machine executes the TUPLE itself.
      r.rewind({ pos: pos - 1, limit, frameEnd });
      const cells = new Utf8Cells(data, offsets, count, noneCells.subarray(0, noneCount));
      return { cells, listMemo, memoCells: memoCells.subarray(0, memoCount), ops: ops - 1, textBytes };
    } else {
      return null;
    }
    // A str payload buf[s, s + n): bounds, limit, strict UTF-8 without encoded surrogates.
    const e = s + n;
    if (e > limit || n > maxStr) return null;
    if (out + n > data.length) {
      if (out + n > maxOut) return null;
      data = growBytes(data, out, out + n, maxOut);
    }
    // Copy while checking for ASCII: one pass over the payload.
    let or = 0;
    for (let i = s, o = out; i < e; i++, o++) {
      const b = buf[i] as number;
      or |= b;
      data[o] = b;
    }
    if (or >= 0x80 && validateUtf8(buf, s, e) !== UTF8_VALID) return null;
    out += n;
    pos = e;
    if (count === cap) {
      cap *= 2;
      offsets = grow(offsets, cap + 1);
    }
    offsets[++count] = out;
    if (count > maxItems) return null;
    textBytes += n;
    pending++;
    prevStr = true;
  }
}

/** Unsigned little-endian 32-bit value at `buf[pos]` (bounds checked by the caller). */
function u32le(buf: Uint8Array, pos: number): number {
  return (
    ((buf[pos] as number) | ((buf[pos + 1] as number) << 8) | ((buf[pos + 2] as number) << 16)) +
    (buf[pos + 3] as number) * 0x1000000
  );
}

function grow(a: Int32Array, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

/** A larger value buffer holding `data[0, used)`, with room for at least `need` bytes. */
function growBytes(data: Uint8Array, used: number, need: number, max: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(Math.min(max, Math.max(need, data.length * 2, 4096)));
  b.set(data.subarray(0, used));
  return b;
}

/** Cells of an ndarray with this shape (the BUILD state's shape tuple), or 0 when it is not one. */
export function shapeCells(shape: unknown): number {
  if (!Array.isArray(shape)) return 0;
  let n = 1;
  for (const d of shape) {
    if (typeof d !== "number" || !(d >= 0)) return 0;
    n *= d;
  }
  return Number.isSafeInteger(n) ? n : 0;
}
