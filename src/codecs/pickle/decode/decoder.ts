/**
 * The safe pickle decoder (`pickle.loads`): a stack machine for protocols 0–5 that resolves
 * globals only through a frozen whitelist of pure handlers. Nothing is imported, evaluated
 * or called; unknown globals become inert `PyObject` placeholders (or an error, by option).
 */

import { decodeLong } from "../../../python/long-bytes.js";
import { PyBytearray, PyFloat, PyTuple, type PyValue } from "../../../python/values.js";
import { PickleDecodeError } from "../errors.js";
import { type PickleLimits, resolveLimits } from "../limits.js";
import { HIGHEST_PROTOCOL, Op } from "../opcodes.js";
import {
  buildObject,
  callGlobal,
  GlobalResolver,
  instantiate,
  newObject,
  tupleArgs,
} from "./global-calls.js";
import { NdArray } from "./globals/numpy-array.js";
import { NpDtype } from "./globals/numpy-dtype.js";
import { type HandlerContext, PyShell } from "./globals/registry.js";
import { MemoTable } from "./memo-table.js";
import type { LoadsOptions } from "./options.js";
import { ByteReader } from "./reader.js";
import { rejectOpcode } from "./rejected-opcodes.js";
import { ContainerOps } from "./stack-containers.js";
import { materialize, materializesCells, StrCellMemo } from "./strings/str-cell-memo.js";
import { scanStrCells, shapeHints } from "./strings/str-cells-scan.js";
import type { Utf8Cells } from "./strings/utf8-cells.js";
import { parseMemoIndex } from "./text-args.js";
import { readTextOpcode } from "./text-opcodes.js";

export type { LoadsOptions } from "./options.js";

/** Memo indices below this (and not far past the dense part) live in an array; the rest in a Map. */
const DENSE_MEMO_SLACK = 1024;
/** How often (in opcodes) the stack size, opcode count and allocation budget are checked. */
const BUDGET_CHECK_MASK = 1023;
/** Bytes charged per container slot when estimating allocation. */
const SLOT_BYTES = 8;
/** Above this many items the stack is truncated with the `length` setter. */
const TRUNCATE_BY_POP = 64;
/** Longest SHORT_BINUNICODE payload. */
const MAX_SHORT_STR = 255;

/** Shorten the stack to `m` items: pops beat the `length` setter (a runtime call) for short runs. */
function truncate(stack: PyValue[], m: number): void {
  if (stack.length - m > TRUNCATE_BY_POP) stack.length = m;
  else while (stack.length > m) stack.pop();
}

/**
 * Decode a pickle (protocols 0–5) into JS values (mapping in docs/pickle.md).
 * Bytes after STOP are ignored, as Python does.
 *
 * @throws PickleDecodeError (stable `code`, byte `offset`) on malformed input, a limit, a
 *   persistent id, an extension code or an out-of-band buffer without `buffers`;
 *   PickleSecurityError for a non-whitelisted global when `unknownGlobals: "error"`.
 */
export function loads(bytes: Uint8Array, options: LoadsOptions = {}): PyValue {
  return new Unpickler(bytes, options).load();
}

class Unpickler implements HandlerContext {
  private readonly r: ByteReader;
  private readonly limits: PickleLimits;
  readonly exactNumbers: boolean;
  readonly dataFrameIndex: "metadata" | "columns";
  readonly lenient: boolean;
  readonly maxContainerItems: number;
  readonly maxDepth: number;
  private readonly strictGlobals: boolean;
  private readonly c: ContainerOps;
  private stack: PyValue[] = [];
  private readonly marks: number[] = [];
  private fence = 0;
  private readonly memoDense = new MemoTable();
  private memoSparse: Map<number, PyValue> | null = null;
  private memoCount = 0;
  /** Memo indices held by scanned strs instead of dense slots (they precede the later slots). */
  private memoSkipped = 0;
  private proto = 0;
  private allocated = 0;
  private readonly resolver: GlobalResolver;
  private readonly buffers: Iterator<Uint8Array> | null;
  /** Opcodes consumed by str-cell scans (counted against maxOpcodes with the main loop's). */
  private scannedOps = 0;
  /** Memo entries of the str-cell lists scanned so far (null until the first). */
  private cellMemo: StrCellMemo | null = null;
  /** A scanned list on its way into its ndarray's BUILD (see `guardCells`). */
  private liveCells: Utf8Cells | null = null;
  /**
   * The last EMPTY_LIST while nothing else can reference it (see `fillFreshList`): only
   * push-only opcodes ran since, it was not read from the memo or DUPed, and at most the one
   * MEMOIZE right after it stored it, at dense slot `freshSlot` (-1: none yet).
   */
  private freshList: PyValue[] | null = null;
  private freshPos = -1;
  private freshSlot = -1;

  constructor(bytes: Uint8Array, options: LoadsOptions) {
    this.limits = resolveLimits(options.limits);
    this.r = new ByteReader(bytes);
    if (bytes.length > this.limits.maxInputBytes) {
      this.r.fail("PICKLE_LIMIT_EXCEEDED", `input of ${bytes.length} bytes exceeds maxInputBytes`);
    }
    this.exactNumbers = options.exactNumbers === true;
    this.dataFrameIndex = options.dataFrameIndex ?? "metadata";
    this.maxContainerItems = this.limits.maxContainerItems;
    this.maxDepth = this.limits.maxDepth;
    this.strictGlobals = options.unknownGlobals === "error";
    this.lenient = !this.strictGlobals;
    this.resolver = new GlobalResolver(this.strictGlobals);
    this.c = new ContainerOps(this, options.dicts === "map");
    this.buffers = options.buffers ? options.buffers[Symbol.iterator]() : null;
  }

  fail(code: PickleDecodeError["code"], message: string): never {
    throw new PickleDecodeError(code, this.r.opStart, message);
  }

  charge(bytes: number): void {
    this.allocated += bytes;
    if (this.allocated > this.limits.maxTotalAllocation) {
      this.fail("PICKLE_LIMIT_EXCEEDED", "decoded data exceeds maxTotalAllocation");
    }
  }

  global(module: string, name: string): PyValue {
    return this.resolveGlobal(module, name);
  }

  load(): PyValue {
    const r = this.r;
    if (!r.hasMore()) this.fail("PICKLE_EMPTY", "empty pickle");
    const stack = this.stack;
    const shortStrings = this.limits.maxStringBytes >= MAX_SHORT_STR;
    let ops = 0;
    for (;;) {
      r.opStart = r.pos;
      const op = r.u8();
      if ((++ops & BUDGET_CHECK_MASK) === 0) this.checkBudget(ops + this.scannedOps);
      if (this.liveCells !== null) this.guardCells(op);
      // The opcodes of JSON-like payloads, inline: no call into the big switch, no closures.
      switch (op) {
        case Op.BINGET: {
          const v = this.memoGet(r.u8());
          if (v === this.freshList) this.freshList = null;
          stack.push(v);
          continue;
        }
        case Op.MEMOIZE:
          this.memoize();
          continue;
        case Op.SHORT_BINUNICODE:
          if (!shortStrings) break;
          stack.push(this.shortStr(r.u8()));
          continue;
        case Op.MARK:
          if (this.marks.length >= this.maxDepth) break;
          this.marks.push(stack.length);
          this.fence = stack.length;
          continue;
        case Op.NONE:
          stack.push(null);
          continue;
        case Op.NEWTRUE:
          stack.push(true);
          continue;
        case Op.NEWFALSE:
          stack.push(false);
          continue;
        case Op.BININT1:
          stack.push(r.u8());
          continue;
        case Op.BININT2:
          stack.push(r.u16());
          continue;
        case Op.BININT:
          stack.push(r.s32());
          continue;
        case Op.BINFLOAT:
          stack.push(this.float(r.f64be()));
          continue;
        case Op.STOP:
          return this.pop();
      }
      this.step(op);
    }
  }

  /** MEMOIZE: the memo is dense while only MEMOIZE fills it, so this is an append. */
  private memoize(): void {
    const dense = this.memoDense;
    if (
      dense.length + this.memoSkipped === this.memoCount &&
      this.memoSparse === null &&
      this.memoCount < this.limits.maxMemo
    ) {
      if (this.stack.length <= this.fence) this.underflow();
      this.memoCount++;
      const top = this.stack[this.stack.length - 1] as PyValue;
      if (top === this.freshList) {
        if (this.freshSlot < 0) this.freshSlot = dense.length;
        else this.freshList = null;
      }
      dense.push(top);
      return;
    }
    this.freshList = null;
    this.memoPut(this.memoCount);
  }

  /** SHORT_BINUNICODE payload (at most 255 bytes, so within maxStringBytes; checked by the caller). */
  private shortStr(n: number): string {
    if (n > this.r.remaining) this.fail("PICKLE_TRUNCATED", "pickle data was truncated");
    this.charge(n * 2);
    return this.r.utf8(n);
  }

  private checkBudget(ops: number): void {
    if (ops > this.limits.maxOpcodes) this.fail("PICKLE_LIMIT_EXCEEDED", "too many opcodes (maxOpcodes)");
    if (this.stack.length > this.limits.maxContainerItems) {
      this.fail("PICKLE_LIMIT_EXCEEDED", "stack larger than maxContainerItems");
    }
    this.charge(0);
  }

  // ---- stack -------------------------------------------------------------------------
  private pop(): PyValue {
    if (this.stack.length <= this.fence) this.underflow();
    return this.stack.pop() as PyValue;
  }

  private top(): PyValue {
    if (this.stack.length <= this.fence) this.underflow();
    return this.stack[this.stack.length - 1] as PyValue;
  }

  private underflow(): never {
    if (this.marks.length > 0) this.fail("PICKLE_MARK_UNEXPECTED", "unexpected MARK found");
    this.fail("PICKLE_STACK_UNDERFLOW", "unpickling stack underflow");
  }

  /** Pop everything above the innermost MARK, and the MARK. */
  private popMark(): PyValue[] {
    return this.stack.splice(this.takeMark());
  }

  /** Pop the innermost MARK and return its stack position (the items stay on the stack). */
  private takeMark(): number {
    const m = this.marks.pop();
    if (m === undefined) this.fail("PICKLE_MARK_MISSING", "could not find MARK");
    this.fence = this.marks.length > 0 ? (this.marks[this.marks.length - 1] as number) : 0;
    return m;
  }

  // ---- memo --------------------------------------------------------------------------
  private memoGet(index: number): PyValue {
    let v: PyValue | undefined;
    const cells = this.cellMemo;
    if (cells !== null) v = cells.get(index);
    if (v === undefined) {
      const i = cells !== null ? cells.denseIndex(index) : index;
      v = i < this.memoDense.length ? this.memoDense.get(i) : this.memoSparse?.get(i);
    }
    if (v === undefined) this.fail("PICKLE_MEMO_MISSING", `Memo value not found at index ${index}`);
    if (v instanceof PyShell && v.replacement !== undefined) v = v.replacement;
    else if (cells !== null && materializesCells(v)) v = materialize(v);
    else if (this.c.anyReplaced && typeof v === "object" && v !== null) v = this.c.replaced.get(v) ?? v;
    return v;
  }

  private memoPut(index: number): void {
    const v = this.top();
    let i = index;
    const cells = this.cellMemo;
    if (cells !== null) {
      if (cells.overwrite(i, v)) return;
      i = cells.denseIndex(i);
    }
    const dense = this.memoDense;
    if (i === dense.length && i < this.limits.maxMemo + DENSE_MEMO_SLACK) {
      // MEMOIZE and sequential PUTs: append without reading past the end (slow in V8).
      this.memoAdded();
      dense.push(v);
      return;
    }
    if (i < dense.length + DENSE_MEMO_SLACK && i < this.limits.maxMemo + DENSE_MEMO_SLACK) {
      if (dense.get(i) === undefined) this.memoAdded();
      dense.set(i, v);
    } else {
      this.memoSparse ??= new Map();
      if (!this.memoSparse.has(i)) this.memoAdded();
      this.memoSparse.set(i, v);
    }
  }

  private memoAdded(): void {
    if (++this.memoCount > this.limits.maxMemo)
      this.fail("PICKLE_LIMIT_EXCEEDED", "too many memo entries (maxMemo)");
  }

  // ---- values ------------------------------------------------------------------------
  private float(v: number): PyValue {
    return this.exactNumbers && Number.isInteger(v) ? new PyFloat(v) : v;
  }

  /** LONG1/LONG4 payload (see long-bytes.ts), within maxIntBytes. */
  private long(n: number): number | bigint {
    if (n > this.limits.maxIntBytes)
      this.fail("PICKLE_LIMIT_EXCEEDED", `integer of ${n} bytes exceeds maxIntBytes`);
    return decodeLong(this.r.bytes(n));
  }

  private checkedLength(n: number | bigint, max: number, what: string): number {
    if (n < 0) this.fail("PICKLE_BAD_LENGTH", `negative ${what} length`);
    if (n > max) this.fail("PICKLE_LIMIT_EXCEEDED", `${what} of ${n} bytes exceeds the limit`);
    if (n > this.r.remaining) this.fail("PICKLE_TRUNCATED", "pickle data was truncated");
    return Number(n);
  }

  private str(n: number | bigint): string {
    const len = this.checkedLength(n, this.limits.maxStringBytes, "str");
    this.charge(len * 2);
    return this.r.utf8(len);
  }

  private bytesView(n: number | bigint): Uint8Array {
    const len = this.checkedLength(n, this.limits.maxBytesLength, "bytes");
    return this.r.bytes(len);
  }

  // ---- globals (see global-calls.ts) ----------------------------------------------
  private resolveGlobal(module: string, name: string): PyValue {
    return this.resolver.resolve(module, name, this.proto, this.r.opStart);
  }

  // ---- str cells (see str-cells-scan.ts) ----------------------------------------------
  /**
   * EMPTY_LIST as the data of an object ndarray's BUILD state: the stack holds the unbuilt
   * ndarray, MARK, version, shape, dtype('O'), is_fortran. Only then may the list be scanned.
   */
  private atObjectArrayData(): boolean {
    const stack = this.stack;
    const n = stack.length;
    if (n - this.fence !== 4 || this.fence < 1) return false;
    const arr = stack[this.fence - 1];
    const dtype = stack[n - 2];
    return (
      arr instanceof NdArray &&
      arr.dtype === null &&
      dtype instanceof NpDtype &&
      dtype.kind === "O" &&
      typeof stack[n - 1] === "boolean" &&
      this.memoSparse === null &&
      this.memoDense.length + this.memoSkipped === this.memoCount
    );
  }

  /** Scan the list; on success push it as `Utf8Cells` and add its memo entries. */
  private scanCells(): boolean {
    const start = this.r.snapshot();
    const scan = scanStrCells(this.r, this.memoCount, {
      maxItems: this.limits.maxContainerItems,
      maxStringBytes: this.limits.maxStringBytes,
      ...shapeHints(this.stack[this.stack.length - 3]),
    });
    if (scan === null) return false;
    const { cells, memoCells } = scan;
    const memoAdded = memoCells.length + (scan.listMemo ? 1 : 0);
    const bytes = scan.textBytes * 2 + cells.count * SLOT_BYTES;
    if (
      this.memoCount + memoAdded > this.limits.maxMemo ||
      this.allocated + bytes > this.limits.maxTotalAllocation ||
      this.scannedOps + scan.ops > this.limits.maxOpcodes
    ) {
      // Let the general machine meet the limit at its exact opcode.
      this.r.rewind(start);
      return false;
    }
    this.charge(bytes);
    this.scannedOps += scan.ops;
    if (scan.listMemo) this.memoDense.push(cells as unknown as PyValue);
    // The strs' memo indices get no dense slots; `cellMemo` reads them (see str-cell-memo.ts).
    const memoFrom = this.memoDense.length + this.memoSkipped;
    this.memoSkipped += memoCells.length;
    this.memoCount += memoAdded;
    this.cellMemo ??= new StrCellMemo();
    this.cellMemo.add(memoFrom, memoCells, cells);
    this.stack.push(cells as unknown as PyValue);
    this.liveCells = cells;
    return true;
  }

  /**
   * APPEND(S) onto the list EMPTY_LIST just made, while nothing else can hold it (see
   * `freshList`): a list of exactly the items (`stack[from..]`) takes its stack and memo
   * slots. Filling `[]` by push would reserve at least 17 slots (V8's growth rule), most of
   * the memory of the short lists in JSON-like data. False (nothing done) for any other target.
   */
  private fillFreshList(from: number): boolean {
    const stack = this.stack;
    const list = this.freshList;
    this.freshList = null;
    if (list === null || stack[from - 1] !== list || from - 1 !== this.freshPos || list.length !== 0) {
      return false;
    }
    const count = stack.length - from;
    if (count > this.maxContainerItems) {
      this.fail("PICKLE_LIMIT_EXCEEDED", "container larger than maxContainerItems");
    }
    const filled = stack.slice(from);
    truncate(stack, from);
    stack[from - 1] = filled;
    if (this.freshSlot >= 0 && this.memoDense.get(this.freshSlot) === list) {
      this.memoDense.set(this.freshSlot, filled);
    }
    return true;
  }

  /**
   * Before each opcode while a scanned list is pending: the list may only be wrapped into its
   * state tuple (TUPLE), the tuple memoized (MEMOIZE) and given to BUILD (FRAMEs may come
   * between). Any other opcode first turns the list into a plain array, so `Utf8Cells` never
   * escapes to anything but the ndarray.
   */
  private guardCells(op: number): void {
    const stack = this.stack;
    const i = stack.length - 1;
    const top = stack[i];
    if (op === Op.FRAME) return;
    if ((top as unknown) === this.liveCells && op === Op.TUPLE) return;
    if (top instanceof PyTuple && (op === Op.MEMOIZE || op === Op.BUILD)) return;
    this.liveCells = null;
    if (i >= 0) stack[i] = materialize(top as PyValue);
  }

  private step(op: number): void {
    const r = this.r;
    const stack = this.stack;
    // Only APPEND(S) may use the fresh list; any other opcode here might take a reference.
    if (this.freshList !== null && op !== Op.APPENDS && op !== Op.APPEND && op !== Op.FRAME) {
      this.freshList = null;
    }
    switch (op) {
      case Op.MARK:
        if (this.marks.length >= this.limits.maxDepth)
          this.fail("PICKLE_LIMIT_EXCEEDED", "MARK nesting exceeds maxDepth");
        this.marks.push(stack.length);
        this.fence = stack.length;
        return;
      case Op.POP:
        if (stack.length > this.fence) stack.pop();
        else if (this.marks.length > 0) this.popMark();
        else this.underflow();
        return;
      case Op.POP_MARK:
        this.popMark();
        return;
      case Op.DUP:
        stack.push(this.top());
        return;
      case Op.NONE:
        stack.push(null);
        return;
      case Op.NEWTRUE:
        stack.push(true);
        return;
      case Op.NEWFALSE:
        stack.push(false);
        return;
      case Op.BININT1:
        stack.push(r.u8());
        return;
      case Op.BININT2:
        stack.push(r.u16());
        return;
      case Op.BININT:
        stack.push(r.s32());
        return;
      case Op.LONG1:
        stack.push(this.long(r.u8()));
        return;
      case Op.LONG4: {
        const n = r.s32();
        if (n < 0) this.fail("PICKLE_BAD_LENGTH", "LONG pickle has negative byte count");
        stack.push(this.long(n));
        return;
      }
      case Op.BINFLOAT:
        stack.push(this.float(r.f64be()));
        return;
      case Op.SHORT_BINUNICODE:
        stack.push(this.str(r.u8()));
        return;
      case Op.BINUNICODE:
        stack.push(this.str(r.u32()));
        return;
      case Op.BINUNICODE8:
        stack.push(this.str(r.u64()));
        return;
      case Op.SHORT_BINBYTES:
        stack.push(this.bytesView(r.u8()));
        return;
      case Op.BINBYTES:
        stack.push(this.bytesView(r.u32()));
        return;
      case Op.BINBYTES8:
        stack.push(this.bytesView(r.u64()));
        return;
      case Op.BYTEARRAY8: {
        const view = this.bytesView(r.u64());
        // A view over the input, not a copy: numpy blocks stay zero-copy.
        stack.push(new PyBytearray(view.buffer as ArrayBuffer, view.byteOffset, view.byteLength));
        return;
      }
      case Op.INT:
      case Op.LONG:
      case Op.FLOAT:
      case Op.UNICODE:
      case Op.SHORT_BINSTRING:
      case Op.BINSTRING:
      case Op.STRING:
        stack.push(readTextOpcode(op, r, this, this.limits));
        return;
      case Op.EMPTY_LIST: {
        if (this.atObjectArrayData() && this.scanCells()) return;
        const list: PyValue[] = [];
        stack.push(list);
        this.freshList = list;
        this.freshPos = stack.length - 1;
        this.freshSlot = -1;
        return;
      }
      case Op.EMPTY_TUPLE:
        stack.push(new PyTuple());
        return;
      case Op.EMPTY_DICT:
        stack.push(this.c.newDict());
        return;
      case Op.EMPTY_SET:
        stack.push(new Set());
        return;
      case Op.TUPLE1: {
        const a = this.pop();
        stack.push(PyTuple.fromItems([a]));
        return;
      }
      case Op.TUPLE2: {
        const b = this.pop();
        const a = this.pop();
        stack.push(PyTuple.fromItems([a, b]));
        return;
      }
      case Op.TUPLE3: {
        const c = this.pop();
        const b = this.pop();
        const a = this.pop();
        stack.push(PyTuple.fromItems([a, b, c]));
        return;
      }
      case Op.TUPLE: {
        const items = this.popMark();
        this.charge(items.length * SLOT_BYTES);
        stack.push(PyTuple.fromItems(items));
        return;
      }
      case Op.LIST: {
        const items = this.popMark();
        this.charge(items.length * SLOT_BYTES);
        stack.push(items);
        return;
      }
      case Op.DICT: {
        const items = this.popMark();
        if (items.length % 2 !== 0) this.fail("PICKLE_BAD_ARGUMENT", "odd number of items for DICT");
        const d = this.c.newDict();
        stack.push(this.c.setItems(d, items));
        return;
      }
      case Op.FROZENSET: {
        const items = this.popMark();
        stack.push(this.c.frozenSet(items));
        return;
      }
      case Op.APPEND: {
        const one = stack.length - 1;
        if (this.freshList !== null && one - 1 >= this.fence && this.fillFreshList(one)) return;
        const v = this.pop();
        this.c.append(this.top(), [v]);
        return;
      }
      case Op.APPENDS: {
        // Items are read in place and the stack truncated: no temporary array per batch.
        const m = this.takeMark();
        if (m - 1 < this.fence) this.underflow();
        this.charge((stack.length - m) * SLOT_BYTES);
        if (this.freshList !== null && this.fillFreshList(m)) return;
        this.c.append(stack[m - 1] as PyValue, stack, m, stack.length);
        truncate(stack, m);
        return;
      }
      case Op.SETITEM: {
        const v = this.pop();
        const k = this.pop();
        const i = stack.length - 1;
        if (i < this.fence) this.underflow();
        stack[i] = this.c.setItems(stack[i] as PyValue, [k, v]);
        return;
      }
      case Op.SETITEMS: {
        const m = this.takeMark();
        const count = stack.length - m;
        if (count % 2 !== 0) this.fail("PICKLE_BAD_ARGUMENT", "odd number of items for SETITEMS");
        if (m - 1 < this.fence) this.underflow();
        this.charge(count * SLOT_BYTES);
        const target = this.c.setItems(stack[m - 1] as PyValue, stack, m, stack.length);
        truncate(stack, m);
        stack[m - 1] = target;
        return;
      }
      case Op.ADDITEMS: {
        const items = this.popMark();
        this.charge(items.length * SLOT_BYTES);
        this.c.addItems(this.top(), items);
        return;
      }
      case Op.BINGET:
        stack.push(this.memoGet(r.u8()));
        return;
      case Op.LONG_BINGET:
        stack.push(this.memoGet(r.u32()));
        return;
      case Op.GET:
        stack.push(this.memoGet(parseMemoIndex(r.lineText(), r)));
        return;
      case Op.BINPUT:
        this.memoPut(r.u8());
        return;
      case Op.LONG_BINPUT:
        this.memoPut(r.u32());
        return;
      case Op.PUT:
        this.memoPut(parseMemoIndex(r.lineText(), r));
        return;
      case Op.MEMOIZE:
        this.memoPut(this.memoCount);
        return;
      case Op.PROTO: {
        const p = r.u8();
        if (p > HIGHEST_PROTOCOL)
          this.fail("PICKLE_UNSUPPORTED_PROTOCOL", `unsupported pickle protocol: ${p}`);
        this.proto = p;
        return;
      }
      case Op.FRAME:
        r.startFrame(r.u64());
        return;
      case Op.GLOBAL: {
        const module = r.lineText();
        const name = r.lineText();
        stack.push(this.resolveGlobal(module, name));
        return;
      }
      case Op.STACK_GLOBAL: {
        const name = this.pop();
        const module = this.pop();
        if (typeof module !== "string" || typeof name !== "string") {
          this.fail("PICKLE_BAD_TYPE", "STACK_GLOBAL requires str");
        }
        stack.push(this.resolveGlobal(module, name));
        return;
      }
      case Op.REDUCE: {
        const args = tupleArgs(this.pop(), "REDUCE", this);
        const f = this.pop();
        stack.push(callGlobal(f, args, this));
        return;
      }
      case Op.NEWOBJ: {
        const args = tupleArgs(this.pop(), "NEWOBJ", this);
        const cls = this.pop();
        stack.push(newObject(cls, args, this));
        return;
      }
      case Op.NEWOBJ_EX: {
        const kwargs = this.pop();
        const args = tupleArgs(this.pop(), "NEWOBJ_EX", this);
        const cls = this.pop();
        const hasKw =
          kwargs instanceof Map ? kwargs.size > 0 : this.c.isDict(kwargs) && Object.keys(kwargs).length > 0;
        if (!this.c.isDict(kwargs)) this.fail("PICKLE_BAD_TYPE", "NEWOBJ_EX kwargs must be a dict");
        stack.push(newObject(cls, args, this, hasKw ? kwargs : undefined));
        return;
      }
      case Op.INST: {
        const module = r.lineText();
        const name = r.lineText();
        const args = this.popMark();
        stack.push(instantiate(this.resolveGlobal(module, name), args, this));
        return;
      }
      case Op.OBJ: {
        const items = this.popMark();
        if (items.length === 0) this.underflow();
        const cls = items.shift() as PyValue;
        stack.push(instantiate(cls, items, this));
        return;
      }
      case Op.BUILD: {
        const state = this.pop();
        const obj = this.pop();
        stack.push(buildObject(obj, state, this, this.c));
        this.liveCells = null;
        return;
      }
      case Op.NEXT_BUFFER: {
        const next = this.buffers?.next();
        if (!next || next.done) {
          this.fail(
            "PICKLE_OUT_OF_BAND_BUFFER",
            "pickle stream refers to out-of-band data but no (more) buffers were given",
          );
        }
        stack.push(next.value);
        return;
      }
      case Op.READONLY_BUFFER: {
        const v = this.top();
        if (!(v instanceof Uint8Array)) this.fail("PICKLE_BAD_TYPE", "READONLY_BUFFER on a non-buffer");
        if (v instanceof PyBytearray)
          stack[stack.length - 1] = new Uint8Array(v.buffer as ArrayBuffer, v.byteOffset, v.byteLength);
        return;
      }
      default:
        rejectOpcode(op, r, this);
    }
  }
}
