/**
 * `pickle.dumps`: JS values → a Python pickle (protocol 5 by default), laid out as CPython's
 * C pickler lays it out (frames, MEMOIZE after every str/bytes/container/reduced object,
 * batches of 1000), so that JSON-like and standard-library values give the same bytes as
 * `pickle.dumps(value, pickle.HIGHEST_PROTOCOL)` on CPython 3.8+ — which is what cachelib
 * stores.
 *
 * Number rule: a JS `number` that is a safe integer (|n| ≤ 2^53 − 1, and not −0) becomes a
 * Python `int`; every other number (fractions, NaN, ±Infinity, −0, integral values beyond
 * 2^53) becomes a `float`. `PyFloat` is always a float, `bigint` always an int.
 */
import { Table } from "apache-arrow";
import { saveTable } from "./arrow-encoder.js";
import { nestPath, PickleEncodeError } from "./encode-errors.js";
import { saveValueClass } from "./encode-stdlib.js";
import { type EncoderContext, type PickleDumpOptions, SelfPickling } from "./encoder-context.js";
import { FrameWriter } from "./frame-writer.js";
import { isPlainObject, requireHashable } from "./hashable.js";
import { Op } from "./opcodes.js";

export type { EncoderContext, PickleDumpOptions } from "./encoder-context.js";

import { isWellFormed, longBytes, utf8Surrogatepass } from "./python-bytes.js";
import { PyBytearray, PyFloat, PyFrozenSet, PyOrderedDict, PyTuple, type PyValue } from "./values.js";

const DEFAULT_MAX_DEPTH = 1000;
/** CPython writes list/dict/set items in batches of this many (`BATCHSIZE`). */
const BATCH_SIZE = 1000;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const MAX_U8 = 0xff;
const MAX_U16 = 0xffff;
const MAX_U32 = 0xffffffff;
const EMPTY_BYTES_KEY = "\u0000bytes:";
/** Builtin functions (not types) the encoder may reference; their module string is separate. */
const BUILTIN_FUNCTIONS: ReadonlySet<string> = new Set(["getattr"]);

/**
 * Pickles `value` (see the module comment for the type mapping).
 * @throws PickleEncodeError (`code` PICKLE_ENCODE_*) when a value cannot be represented.
 */
export function dumps(value: PyValue, options: PickleDumpOptions = {}): Buffer {
  return dumpsAfter(undefined, value, options);
}

/**
 * `dumps` with `prefix` bytes written first, outside the pickle (e.g. cachelib's `!` marker),
 * so the result needs no second copy.
 * @throws PickleEncodeError as `dumps`
 */
export function dumpsAfter(
  prefix: Uint8Array | undefined,
  value: PyValue,
  options: PickleDumpOptions = {},
): Buffer {
  const protocol = options.protocol ?? 5;
  if (protocol !== 4 && protocol !== 5) {
    throw new PickleEncodeError("PICKLE_ENCODE_BAD_OPTION", "$", `unsupported protocol ${String(protocol)}`);
  }
  const enc = new Encoder(protocol, options);
  if (prefix) enc.w.bytes(prefix);
  enc.w.op1(Op.PROTO, protocol);
  if (options.framing ?? true) enc.w.startFraming();
  enc.save(value, 0);
  enc.w.byte(Op.STOP);
  return enc.w.finish();
}

class Encoder implements EncoderContext {
  readonly w = new FrameWriter();
  private memoSize = 0;
  private readonly memo = new Map<object, number>();
  private readonly sharedStrings = new Map<string, number>();
  private readonly moduleStrings = new Map<string, number>();
  private readonly globals = new Map<string, number>();
  private readonly tuplesInProgress = new Set<object>();
  private readonly shareEqualStrings: boolean;
  private readonly maxDepth: number;

  constructor(
    readonly protocol: 4 | 5,
    options: PickleDumpOptions,
  ) {
    this.shareEqualStrings = options.shareEqualStrings ?? false;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  memoize(obj?: object): void {
    this.w.byte(Op.MEMOIZE);
    if (obj !== undefined) this.memo.set(obj, this.memoSize);
    this.memoSize++;
  }

  private get(index: number): void {
    if (index <= MAX_U8) this.w.op1(Op.BINGET, index);
    else this.w.opU32(Op.LONG_BINGET, index);
  }

  getIfMemoized(obj: object): boolean {
    const index = this.memo.get(obj);
    if (index === undefined) return false;
    this.get(index);
    return true;
  }

  save(value: PyValue, depth: number): void {
    this.w.opcodeBoundary();
    switch (typeof value) {
      case "boolean":
        this.w.byte(value ? Op.NEWTRUE : Op.NEWFALSE);
        return;
      case "number":
        if (Number.isSafeInteger(value) && !Object.is(value, -0)) this.int(value);
        else this.w.opF64BE(Op.BINFLOAT, value);
        return;
      case "bigint":
        this.bigint(value);
        return;
      case "string":
        this.savedString(value);
        return;
      case "object":
        if (value === null) {
          this.w.byte(Op.NONE);
          return;
        }
        this.object(value, depth);
        return;
      default:
        throw new PickleEncodeError(
          "PICKLE_ENCODE_UNSUPPORTED_TYPE",
          "$",
          `cannot pickle a JS ${typeof value}`,
        );
    }
  }

  private object(value: object, depth: number): void {
    if (value instanceof PyFloat) {
      this.w.opF64BE(Op.BINFLOAT, value.value);
      return;
    }
    if (depth >= this.maxDepth) {
      throw new PickleEncodeError(
        "PICKLE_ENCODE_TOO_DEEP",
        "$",
        `nesting deeper than maxDepth ${this.maxDepth}`,
      );
    }
    if (this.getIfMemoized(value)) return;
    const next = depth + 1;
    // Plain objects and arrays first: they are most of a JSON-like payload, and Arrow's
    // Table has a costly custom `instanceof`.
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      this.dictFromObject(value as Record<string, PyValue>, next);
    } else if (proto === Array.prototype) {
      this.list(value as PyValue[], next);
    } else if (value instanceof Uint8Array) {
      if (value instanceof PyBytearray) this.bytearray(value, next);
      else this.bytes(value);
    } else if (Array.isArray(value)) {
      if (value instanceof PyTuple) this.tuple(value, next);
      else this.list(value, next);
    } else if (value instanceof Map && !(value instanceof PyOrderedDict)) {
      this.dictFromEntries(value, value.size, value, next);
    } else if (value instanceof Set) {
      if (value instanceof PyFrozenSet) this.frozenset(value, next);
      else this.set(value, next);
    } else if (value instanceof SelfPickling) {
      value.write(this, next);
    } else if (value instanceof Table) {
      saveTable(this, value, next);
    } else if (saveValueClass(this, value, next)) {
      // datetime family, Decimal, UUID, complex, enum, numpy/pandas scalars, placeholders
    } else if (isPlainObject(value)) {
      this.dictFromObject(value as Record<string, PyValue>, next);
    } else {
      const kind = value.constructor?.name ?? "object";
      throw new PickleEncodeError("PICKLE_ENCODE_UNSUPPORTED_TYPE", "$", `cannot pickle a JS ${kind}`);
    }
  }

  private int(v: number): void {
    if (v >= 0 && v <= MAX_U8) this.w.op1(Op.BININT1, v);
    else if (v >= 0 && v <= MAX_U16) this.w.opU16(Op.BININT2, v);
    else if (v >= INT32_MIN && v <= INT32_MAX) this.w.opI32(Op.BININT, v);
    else this.long(BigInt(v));
  }

  private bigint(v: bigint): void {
    if (v >= BigInt(INT32_MIN) && v <= BigInt(INT32_MAX)) this.int(Number(v));
    else this.long(v);
  }

  /** LONG1/LONG4 with CPython's minimal two's-complement length. */
  private long(v: bigint): void {
    const data = longBytes(v);
    if (data.length <= MAX_U8) this.w.payload(Op.LONG1, 1, data);
    else this.w.payload(Op.LONG4, 4, data);
  }

  private savedString(s: string): void {
    // CPython shares "" and 1-char Latin-1 strings (singletons); other strings are fresh objects.
    const shared = this.shareEqualStrings || s.length === 0 || (s.length === 1 && s.charCodeAt(0) < 256);
    if (shared) {
      const index = this.sharedStrings.get(s);
      if (index !== undefined) {
        this.get(index);
        return;
      }
      this.sharedStrings.set(s, this.memoSize);
    }
    this.str(s);
  }

  str(s: string): void {
    if (s.length <= MAX_U8 && this.w.shortAscii(Op.SHORT_BINUNICODE, s)) {
      // fast path: short ASCII text written char by char
    } else if (isWellFormed(s)) {
      const n = Buffer.byteLength(s, "utf8");
      if (n <= MAX_U8) this.w.utf8Payload(Op.SHORT_BINUNICODE, 1, s, n);
      else if (n <= MAX_U32) this.w.utf8Payload(Op.BINUNICODE, 4, s, n);
      else this.w.utf8Payload(Op.BINUNICODE8, 8, s, n);
    } else {
      const data = utf8Surrogatepass(s);
      const n = data.length;
      if (n <= MAX_U8) this.w.payload(Op.SHORT_BINUNICODE, 1, data);
      else if (n <= MAX_U32) this.w.payload(Op.BINUNICODE, 4, data);
      else this.w.payload(Op.BINUNICODE8, 8, data);
    }
    this.memoize();
  }

  private bytes(b: Uint8Array): void {
    if (b.length === 0) {
      // b"" is a singleton in CPython.
      const index = this.sharedStrings.get(EMPTY_BYTES_KEY);
      if (index !== undefined) {
        this.get(index);
        return;
      }
      this.sharedStrings.set(EMPTY_BYTES_KEY, this.memoSize);
    }
    this.bytesValue(b);
    this.memo.set(b, this.memoSize - 1);
  }

  bytesValue(b: Uint8Array): void {
    if (b.length <= MAX_U8) this.w.payload(Op.SHORT_BINBYTES, 1, b);
    else if (b.length <= MAX_U32) this.w.payload(Op.BINBYTES, 4, b);
    else this.w.payload(Op.BINBYTES8, 8, b);
    this.memoize();
  }

  private bytearray(b: PyBytearray, depth: number): void {
    if (this.protocol >= 5) {
      this.w.payload(Op.BYTEARRAY8, 8, b);
      this.memoize(b);
      return;
    }
    // Protocol 4: bytearray.__reduce_ex__ gives (bytearray, (bytes,), None).
    this.global("builtins", "bytearray");
    this.saveTuple([new Uint8Array(b)], depth);
    this.w.byte(Op.REDUCE);
    this.memoize(b);
  }

  private list(items: readonly PyValue[], depth: number): void {
    this.w.byte(Op.EMPTY_LIST);
    this.memoize(items);
    const n = items.length;
    if (n === 0) return;
    if (n === 1) {
      this.item(items[0] as PyValue, depth, 0);
      this.w.byte(Op.APPEND);
      return;
    }
    for (let start = 0; start < n; start += BATCH_SIZE) {
      this.w.byte(Op.MARK);
      const end = Math.min(n, start + BATCH_SIZE);
      for (let i = start; i < end; i++) this.item(items[i] as PyValue, depth, i);
      this.w.byte(Op.APPENDS);
    }
  }

  /** Saves one nested value, adding its position to the error path on failure. */
  private item(v: PyValue, depth: number, at: string | number): void {
    try {
      this.save(v, depth);
    } catch (err) {
      throw nestPath(err, at);
    }
  }

  private tuple(items: PyTuple, depth: number): void {
    if (items.length === 0) {
      this.w.byte(Op.EMPTY_TUPLE);
      return;
    }
    if (this.tuplesInProgress.has(items)) {
      throw new PickleEncodeError("PICKLE_ENCODE_RECURSIVE_TUPLE", "$", "a tuple cannot contain itself");
    }
    this.tuplesInProgress.add(items);
    this.tupleBody(items, depth);
    this.tuplesInProgress.delete(items);
    this.memoize(items);
  }

  saveTuple(items: readonly PyValue[], depth: number): void {
    this.w.opcodeBoundary();
    if (items.length === 0) {
      this.w.byte(Op.EMPTY_TUPLE);
      return;
    }
    this.tupleBody(items, depth);
    this.memoize();
  }

  private tupleBody(items: readonly PyValue[], depth: number): void {
    const n = items.length;
    if (n > 3) this.w.byte(Op.MARK);
    for (let i = 0; i < n; i++) this.item(items[i] as PyValue, depth, i);
    if (n === 1) this.w.byte(Op.TUPLE1);
    else if (n === 2) this.w.byte(Op.TUPLE2);
    else if (n === 3) this.w.byte(Op.TUPLE3);
    else this.w.byte(Op.TUPLE);
  }

  private dictFromEntries(
    entries: Iterable<readonly [PyValue, PyValue]>,
    size: number,
    identity: object,
    depth: number,
  ): void {
    this.w.byte(Op.EMPTY_DICT);
    this.memoize(identity);
    if (size === 0) return;
    if (size === 1) {
      for (const [k, v] of entries) this.pair(k, v, depth);
      this.w.byte(Op.SETITEM);
      return;
    }
    let inBatch = 0;
    for (const [k, v] of entries) {
      if (inBatch === 0) this.w.byte(Op.MARK);
      this.pair(k, v, depth);
      if (++inBatch === BATCH_SIZE) {
        this.w.byte(Op.SETITEMS);
        inBatch = 0;
      }
    }
    if (inBatch > 0) this.w.byte(Op.SETITEMS);
    else this.emptyBatch(Op.SETITEMS);
  }

  /** A plain object as a dict; same layout as `dictFromEntries` without allocating pairs. */
  private dictFromObject(record: Record<string, PyValue>, depth: number): void {
    this.w.byte(Op.EMPTY_DICT);
    this.memoize(record);
    const keys = Object.keys(record);
    const n = keys.length;
    if (n === 0) return;
    if (n === 1) {
      const k = keys[0] as string;
      this.item(k, depth, k);
      this.item(record[k] as PyValue, depth, k);
      this.w.byte(Op.SETITEM);
      return;
    }
    for (let start = 0; start < n; start += BATCH_SIZE) {
      this.w.byte(Op.MARK);
      const end = Math.min(n, start + BATCH_SIZE);
      for (let i = start; i < end; i++) {
        const k = keys[i] as string;
        this.item(k, depth, k);
        this.item(record[k] as PyValue, depth, k);
      }
      this.w.byte(Op.SETITEMS);
    }
    if (n % BATCH_SIZE === 0) this.emptyBatch(Op.SETITEMS);
  }

  /**
   * CPython's exact-dict and set loops run once more after a full last batch of 1000, writing
   * an empty MARK…SETITEMS / MARK…ADDITEMS (lists do not).
   */
  private emptyBatch(op: number): void {
    this.w.byte(Op.MARK);
    this.w.byte(op);
  }

  private pair(k: PyValue, v: PyValue, depth: number): void {
    const label = typeof k === "string" || typeof k === "number" ? k : "<key>";
    requireHashable(k, label);
    this.item(k, depth, label);
    this.item(v, depth, label);
  }

  private set(items: Set<PyValue>, depth: number): void {
    this.w.byte(Op.EMPTY_SET);
    this.memoize(items);
    let inBatch = 0;
    let i = 0;
    for (const item of items) {
      requireHashable(item, i);
      if (inBatch === 0) this.w.byte(Op.MARK);
      this.item(item, depth, i++);
      if (++inBatch === BATCH_SIZE) {
        this.w.byte(Op.ADDITEMS);
        inBatch = 0;
      }
    }
    if (inBatch > 0) this.w.byte(Op.ADDITEMS);
    else if (items.size > 0) this.emptyBatch(Op.ADDITEMS);
  }

  private frozenset(items: PyFrozenSet<PyValue>, depth: number): void {
    this.w.byte(Op.MARK);
    let i = 0;
    for (const item of items) {
      requireHashable(item, i);
      this.item(item, depth, i++);
    }
    this.w.byte(Op.FROZENSET);
    this.memoize(items);
  }

  global(module: string, name: string): void {
    this.w.opcodeBoundary();
    const key = `${module}\u0000${name}`;
    const index = this.globals.get(key);
    if (index !== undefined) {
      this.get(index);
      return;
    }
    // CPython takes the module string from the global's `__module__`; classes of one module
    // share that string object (so it is written once), but a builtin function's `__module__`
    // ('builtins' of `getattr`) is a different object from the builtin types' one.
    this.w.opcodeBoundary();
    const moduleKey = module === "builtins" && BUILTIN_FUNCTIONS.has(name) ? "builtins()" : module;
    const moduleIndex = this.moduleStrings.get(moduleKey);
    if (moduleIndex !== undefined) this.get(moduleIndex);
    else {
      this.moduleStrings.set(moduleKey, this.memoSize);
      this.str(module);
    }
    this.w.opcodeBoundary();
    this.str(name);
    this.w.byte(Op.STACK_GLOBAL);
    this.globals.set(key, this.memoSize);
    this.memoize();
  }
}
