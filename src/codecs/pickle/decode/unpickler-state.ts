/**
 * The state of one `pickle.loads` call and the primitives its opcodes are built from: the
 * stack and MARKs, the memo (dense array, sparse Map, scanned str cells), limits and the
 * allocation budget, length-checked str/bytes/int readers, global resolution, and the two
 * list shortcuts (a fresh list filled in one step, object-array strs scanned into cells).
 * The opcode loop itself is `Unpickler` in decoder.ts, a subclass, so every member here is a
 * plain field or method of the one object the loop runs on.
 */

import { decodeLong } from "../../../python/long-bytes.js";
import { PyFloat, type PyStr, PyTuple, type PyValue } from "../../../python/values.js";
import { DecodeBudget, type DecodeStage } from "../../decode-budget.js";
import { PickleDecodeError } from "../errors.js";
import { type PickleLimits, resolveLimits } from "../limits.js";
import { Op } from "../opcodes.js";
import { GlobalResolver } from "./global-calls.js";
import { NdArray } from "./globals/numpy-array.js";
import { NpDtype } from "./globals/numpy-dtype.js";
import { type HandlerContext, PyShell } from "./globals/registry.js";
import { MemoTable } from "./memo-table.js";
import type { LoadsOptions } from "./options.js";
import { ByteReader } from "./reader.js";
import { ContainerOps } from "./stack-containers.js";
import { materialize, materializesCells, StrCellMemo } from "./strings/str-cell-memo.js";
import { scanStrCells, shapeHints } from "./strings/str-cells-scan.js";
import type { Utf8Cells } from "./strings/utf8-cells.js";

/** Memo indices below this (and not far past the dense part) live in an array; the rest in a Map. */
const DENSE_MEMO_SLACK = 1024;
/** Bytes charged per container slot when estimating allocation. */
export const SLOT_BYTES = 8;
/** Above this many items the stack is truncated with the `length` setter. */
const TRUNCATE_BY_POP = 64;

/** Shorten the stack to `m` items: pops beat the `length` setter (a runtime call) for short runs. */
export function truncate(stack: PyValue[], m: number): void {
  if (stack.length - m > TRUNCATE_BY_POP) stack.length = m;
  else while (stack.length > m) stack.pop();
}

/** Everything one decode keeps between opcodes; `Unpickler` (decoder.ts) adds the opcode loop. */
export abstract class UnpicklerState implements HandlerContext {
  protected readonly r: ByteReader;
  protected readonly limits: PickleLimits;
  readonly exactNumbers: boolean;
  /** `exact` mode: strs with encoded surrogates become `PyStr`, numpy scalars stay placeholders. */
  readonly exact: boolean;
  readonly dataFrameIndex: "metadata" | "columns";
  readonly lenient: boolean;
  readonly maxContainerItems: number;
  readonly maxDepth: number;
  private readonly strictGlobals: boolean;
  protected readonly c: ContainerOps;
  protected stack: PyValue[] = [];
  protected readonly marks: number[] = [];
  protected fence = 0;
  private readonly memoDense = new MemoTable();
  private memoSparse: Map<number, PyValue> | null = null;
  private memoCount = 0;
  /** Memo indices held by scanned strs instead of dense slots (they precede the later slots). */
  private memoSkipped = 0;
  protected proto = 0;
  /** The decode's budget, shared with the numpy, pandas, Arrow and tagged JSON stages. */
  readonly budget: DecodeBudget;
  private readonly resolver: GlobalResolver;
  protected readonly buffers: Iterator<Uint8Array> | null;
  /** `LoadsOptions.ownsInput`: bytes payloads may be moved into alignment in the input. */
  private readonly ownsInput: boolean;
  /** Opcodes consumed by str-cell scans (counted against maxOpcodes with the main loop's). */
  protected scannedOps = 0;
  /** Memo entries of the str-cell lists scanned so far (null until the first). */
  private cellMemo: StrCellMemo | null = null;
  /** A scanned list on its way into its ndarray's BUILD (see `guardCells`). */
  protected liveCells: Utf8Cells | null = null;
  /**
   * The last EMPTY_LIST while nothing else can reference it (see `fillFreshList`): only
   * push-only opcodes ran since, it was not read from the memo or DUPed, and at most the one
   * MEMOIZE right after it stored it, at dense slot `freshSlot` (-1: none yet).
   */
  protected freshList: PyValue[] | null = null;
  protected freshPos = -1;
  protected freshSlot = -1;

  constructor(bytes: Uint8Array, options: LoadsOptions) {
    this.limits = resolveLimits(options.limits, bytes.length);
    this.budget = new DecodeBudget(bytes.length, this.limits);
    this.r = new ByteReader(bytes);
    if (bytes.length > this.limits.maxInputBytes) {
      this.r.fail("PICKLE_LIMIT_EXCEEDED", `input of ${bytes.length} bytes exceeds maxInputBytes`);
    }
    this.exact = options.exact === true;
    this.exactNumbers = this.exact || options.exactNumbers === true;
    this.dataFrameIndex = options.dataFrameIndex ?? "metadata";
    this.maxContainerItems = this.limits.maxContainerItems;
    this.maxDepth = this.limits.maxDepth;
    this.strictGlobals = options.unknownGlobals === "error";
    this.lenient = !this.strictGlobals;
    this.resolver = new GlobalResolver(this.strictGlobals);
    this.c = new ContainerOps(this, this.exact || options.dicts === "map");
    this.buffers = options.buffers ? options.buffers[Symbol.iterator]() : null;
    this.ownsInput = options.ownsInput === true;
  }

  fail(code: PickleDecodeError["code"], message: string): never {
    throw new PickleDecodeError(code, this.r.opStart, message);
  }

  charge(bytes: number, stage: DecodeStage = "pickle"): void {
    this.budget.allocate(bytes, stage);
  }

  produce(n: number, stage: DecodeStage): void {
    this.budget.produce(n, stage);
  }

  global(module: string, name: string): PyValue {
    return this.resolveGlobal(module, name);
  }

  /** MEMOIZE: the memo is dense while only MEMOIZE fills it, so this is an append. */
  protected memoize(): void {
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
  protected shortStr(n: number): string | PyStr {
    if (n > this.r.remaining) this.fail("PICKLE_TRUNCATED", "pickle data was truncated");
    this.charge(n * 2);
    return this.exact ? this.r.utf8Exact(n) : this.r.utf8(n);
  }

  protected checkBudget(ops: number): void {
    if (ops > this.limits.maxOpcodes) this.fail("PICKLE_LIMIT_EXCEEDED", "too many opcodes (maxOpcodes)");
    if (this.stack.length > this.limits.maxContainerItems) {
      this.fail("PICKLE_LIMIT_EXCEEDED", "stack larger than maxContainerItems");
    }
    this.charge(0);
    this.budget.checkTime("pickle");
  }

  // ---- stack -------------------------------------------------------------------------
  protected pop(): PyValue {
    if (this.stack.length <= this.fence) this.underflow();
    return this.stack.pop() as PyValue;
  }

  protected top(): PyValue {
    if (this.stack.length <= this.fence) this.underflow();
    return this.stack[this.stack.length - 1] as PyValue;
  }

  protected underflow(): never {
    if (this.marks.length > 0) this.fail("PICKLE_MARK_UNEXPECTED", "unexpected MARK found");
    this.fail("PICKLE_STACK_UNDERFLOW", "unpickling stack underflow");
  }

  /** Pop everything above the innermost MARK, and the MARK. */
  protected popMark(): PyValue[] {
    return this.stack.splice(this.takeMark());
  }

  /** Pop the innermost MARK and return its stack position (the items stay on the stack). */
  protected takeMark(): number {
    const m = this.marks.pop();
    if (m === undefined) this.fail("PICKLE_MARK_MISSING", "could not find MARK");
    this.fence = this.marks.length > 0 ? (this.marks[this.marks.length - 1] as number) : 0;
    return m;
  }

  // ---- memo --------------------------------------------------------------------------
  protected memoGet(index: number): PyValue {
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

  protected memoPut(index: number): void {
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
  protected float(v: number): PyValue {
    return this.exactNumbers && Number.isInteger(v) ? new PyFloat(v) : v;
  }

  /** LONG1/LONG4 payload (see long-bytes.ts), within maxIntBytes. */
  protected long(n: number): number | bigint {
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

  protected str(n: number | bigint): string | PyStr {
    const len = this.checkedLength(n, this.limits.maxStringBytes, "str");
    this.charge(len * 2);
    return this.exact ? this.r.utf8Exact(len) : this.r.utf8(len);
  }

  /**
   * A view of the next `n` payload bytes; `header` is the opcode's length in bytes (opcode
   * and length field), which an owned input lets the payload move over (see `bytesAligned`).
   */
  protected bytesView(n: number | bigint, header = 0): Uint8Array {
    const len = this.checkedLength(n, this.limits.maxBytesLength, "bytes");
    return this.ownsInput && header > 0 ? this.r.bytesAligned(len, header) : this.r.bytes(len);
  }

  // ---- globals (see global-calls.ts) ----------------------------------------------
  protected resolveGlobal(module: string, name: string): PyValue {
    return this.resolver.resolve(module, name, this.proto, this.r.opStart);
  }

  // ---- str cells (see str-cells-scan.ts) ----------------------------------------------
  /**
   * EMPTY_LIST as the data of an object ndarray's BUILD state: the stack holds the unbuilt
   * ndarray, MARK, version, shape, dtype('O'), is_fortran. Only then may the list be scanned.
   */
  protected atObjectArrayData(): boolean {
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
  protected scanCells(): boolean {
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
      !this.budget.fits(bytes) ||
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
  protected fillFreshList(from: number): boolean {
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
  protected guardCells(op: number): void {
    const stack = this.stack;
    const i = stack.length - 1;
    const top = stack[i];
    if (op === Op.FRAME) return;
    if ((top as unknown) === this.liveCells && op === Op.TUPLE) return;
    if (top instanceof PyTuple && (op === Op.MEMOIZE || op === Op.BUILD)) return;
    this.liveCells = null;
    if (i >= 0) stack[i] = materialize(top as PyValue);
  }
}
