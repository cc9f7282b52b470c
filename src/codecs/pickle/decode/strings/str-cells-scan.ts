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
 * This file drives the list structure (the list's MEMOIZE, MARK/APPENDS batches, APPEND, the
 * closing TUPLE); the cells themselves are read by `scanRun` (str-cells-run.ts).
 */
import type { ByteReader } from "../reader.js";
import { MemoCells } from "./memo-gaps.js";
import { GIVE_UP, ScanState, scanRun } from "./str-cells-run.js";
import { Utf8Cells } from "./utf8-cells.js";

/** What a successful scan produced; the decoder applies the memo entries. */
export interface CellsScan {
  cells: Utf8Cells;
  /** True when the list itself was memoized (MEMOIZE right after EMPTY_LIST). */
  listMemo: boolean;
  /** The cells of the strs memoized in the list, in memo order. */
  memoCells: MemoCells;
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
  /**
   * Cells per column (the last dimension of a 2-D block's shape), so each column's Arrow
   * offsets come out zero-based; 0 or absent: one column.
   */
  rowLength?: number;
}

// Opcode bytes as literals (opcodes.ts).
const MEMOIZE = 0x94;
const MARK = 0x28;
const APPENDS = 0x65;
const APPEND = 0x61;
const TUPLE = 0x74;

/** Presize when the shape gives no cell count (the arrays grow from there). */
const MIN_CELLS = 1024;
/** Smallest presize from a shape: a 2-label column index needs no kilobytes of buffers. */
const MIN_HINTED_CELLS = 16;
/** Presizing from the shape is trusted up to this many cells; beyond, the arrays grow. */
const MAX_PRESIZE = 1 << 22;
/** First guess of UTF-8 bytes per cell when sizing the value buffer from the shape. */
const BYTES_PER_CELL_GUESS = 12;
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
  const remaining = buf.length - start.pos;
  // Each cell takes at least one input byte, so the remaining input bounds the presize.
  const hinted = limits.expectedCells ?? 0;
  const cells = hinted > 0 ? Math.max(MIN_HINTED_CELLS, Math.min(hinted, remaining, MAX_PRESIZE)) : MIN_CELLS;
  const st = new ScanState(
    buf,
    start,
    cells,
    limits.rowLength ?? 0,
    Math.min(remaining, cells * BYTES_PER_CELL_GUESS),
    firstMemo,
    limits.maxItems,
    limits.maxStringBytes,
    Math.min(MAX_UTF8_BYTES, MAX_COPY_FACTOR * buf.length + 65536),
  );
  let listMemo = false;
  let inMark = false;
  for (;;) {
    const op = scanRun(st);
    if (op === GIVE_UP) break;
    if (op === TUPLE) {
      if (inMark || st.pending !== 0) break;
      // The machine executes the TUPLE itself.
      r.rewind({ pos: st.pos, limit: st.limit, frameEnd: st.frameEnd });
      st.finish();
      return {
        cells: new Utf8Cells(
          st.data,
          st.offsets,
          st.count,
          st.noneCells.subarray(0, st.noneCount),
          st.rowLength,
          st.colBases,
        ),
        listMemo,
        memoCells: new MemoCells(st.gaps.subarray(0, st.gapCount), st.memoCount),
        ops: st.ops,
        textBytes: st.textBytes,
      };
    }
    if (op === MARK) {
      // Items left on the list before a MARK would be appended to the wrong object.
      if (inMark || st.pending !== 0) break;
      inMark = true;
    } else if (op === APPENDS) {
      if (!inMark) break;
      inMark = false;
      st.pending = 0;
    } else if (op === APPEND) {
      if (inMark || st.pending !== 1) break;
      st.pending = 0;
    } else if (op === MEMOIZE && st.ops === 0) {
      listMemo = true;
      st.firstStrMemo = firstMemo + 1;
    } else {
      break;
    }
    st.pos++;
    st.ops++;
    st.prevStr = false;
  }
  r.rewind(start);
  return null;
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

/**
 * Sizing hints for the scan from an ndarray's BUILD-state shape: its number of cells and, for a
 * 2-D block (pandas stores one column per row), the cells per column.
 */
export function shapeHints(shape: unknown): { expectedCells: number; rowLength: number } {
  const expectedCells = shapeCells(shape);
  const rowLength =
    expectedCells > 0 && Array.isArray(shape) && shape.length === 2 ? (shape[1] as number) : expectedCells;
  return { expectedCells, rowLength };
}
