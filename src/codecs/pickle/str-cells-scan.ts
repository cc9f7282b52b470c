/**
 * Speculative fast path for the data list of an object ndarray (`_reconstruct` + BUILD state
 * `(1, shape, dtype('O'), False, [ ... ])`), which is how pandas pickles str columns. Right
 * after its EMPTY_LIST, the scan reads the list body CPython writes — strs (with MEMOIZE),
 * None, BINGETs of strs memoized in this same list, MARK/APPENDS batches, FRAMEs — up to the
 * TUPLE that closes the state, and records each cell as a reference into the input bytes.
 *
 * It never changes decoder state: anything unexpected (another opcode, a non-strict-UTF-8 or
 * surrogate payload, a limit, truncation) rewinds the reader and returns null, and the general
 * machine decodes the same bytes, raising the exact error where there is one.
 */
import { Op } from "./opcodes.js";
import { type ByteReader, UTF8_VALID, validateUtf8 } from "./reader.js";
import { Utf8Cells } from "./utf8-cells.js";

/** What a successful scan produced; the decoder applies the memo entries. */
export interface CellsScan {
  cells: Utf8Cells;
  /** True when the list itself was memoized (MEMOIZE right after EMPTY_LIST). */
  listMemo: boolean;
  /** Cell index of each str memoized in the list, in memo order. */
  memoCells: number[];
  /** Opcodes consumed (the closing TUPLE is left for the machine). */
  ops: number;
  /** Payload bytes of the str cells. */
  textBytes: number;
}

/** Limits the scan must stay inside (else it gives up and the machine reports the limit). */
export interface CellsScanLimits {
  maxItems: number;
  maxStringBytes: number;
}

// Opcodes as module constants: plain numbers in the hot switch below.
const OP_MEMOIZE = Op.MEMOIZE;
const OP_FRAME = Op.FRAME;
const OP_MARK = Op.MARK;
const OP_SHORT_BINUNICODE = Op.SHORT_BINUNICODE;
const OP_BINUNICODE = Op.BINUNICODE;
const OP_BINGET = Op.BINGET;
const OP_LONG_BINGET = Op.LONG_BINGET;
const OP_NONE = Op.NONE;
const OP_APPENDS = Op.APPENDS;
const OP_APPEND = Op.APPEND;
const OP_TUPLE = Op.TUPLE;

/** Marker thrown inside the scan to give up; never leaves this module. */
const GIVE_UP = Symbol("give up");

/**
 * Scan the list body starting at the reader position (just after EMPTY_LIST).
 * `firstMemo` is the memo index the next MEMOIZE would get.
 */
export function scanStrCells(r: ByteReader, firstMemo: number, limits: CellsScanLimits): CellsScan | null {
  const start = r.snapshot();
  try {
    return scan(r, firstMemo, limits);
  } catch {
    // GIVE_UP or a reader error (truncation, bad frame): let the general machine decide.
    r.rewind(start);
    return null;
  }
}

function scan(r: ByteReader, firstMemo: number, limits: CellsScanLimits): CellsScan {
  const buf = r.buf;
  const cells = new Utf8Cells(buf, (s, n) => r.validatedTextAt(s, n));
  const memoCells: number[] = [];
  let listMemo = false;
  let firstStrMemo = firstMemo;
  let inMark = false;
  let pending = 0;
  let prevStr = false;
  let ops = 0;
  let textBytes = 0;
  for (;;) {
    const op = r.u8();
    ops++;
    let n = -1;
    switch (op) {
      case OP_MEMOIZE:
        if (ops === 1) {
          listMemo = true;
          firstStrMemo = firstMemo + 1;
          continue;
        }
        if (!prevStr) throw GIVE_UP;
        memoCells.push(cells.count - 1);
        prevStr = false;
        continue;
      case OP_FRAME:
        r.startFrame(r.u64());
        continue;
      case OP_MARK:
        if (inMark) throw GIVE_UP;
        inMark = true;
        prevStr = false;
        continue;
      case OP_SHORT_BINUNICODE:
        n = r.u8();
        break;
      case OP_BINUNICODE:
        n = r.u32();
        if (n > limits.maxStringBytes) throw GIVE_UP;
        break;
      case OP_BINGET:
      case OP_LONG_BINGET: {
        const k = (op === OP_BINGET ? r.u8() : r.u32()) - firstStrMemo;
        if (k < 0 || k >= memoCells.length) throw GIVE_UP;
        cells.pushCopy(memoCells[k] as number);
        pending++;
        prevStr = false;
        break;
      }
      case OP_NONE:
        cells.pushNone();
        pending++;
        prevStr = false;
        break;
      case OP_APPENDS:
        if (!inMark) throw GIVE_UP;
        inMark = false;
        pending = 0;
        prevStr = false;
        continue;
      case OP_APPEND:
        if (inMark || pending !== 1) throw GIVE_UP;
        pending = 0;
        prevStr = false;
        continue;
      case OP_TUPLE:
        if (inMark || pending !== 0) throw GIVE_UP;
        r.pos -= 1; // the machine executes the TUPLE itself
        return { cells, listMemo, memoCells, ops: ops - 1, textBytes };
      default:
        throw GIVE_UP;
    }
    if (n >= 0) {
      r.ensure(n);
      const s = r.pos;
      const end = s + n;
      let i = s;
      while (i < end && (buf[i] as number) < 0x80) i++;
      if (i < end && validateUtf8(buf, i, end) !== UTF8_VALID) throw GIVE_UP;
      r.pos = end;
      cells.pushStr(s, n);
      textBytes += n;
      pending++;
      prevStr = true;
    }
    if (cells.count > limits.maxItems) throw GIVE_UP;
  }
}
