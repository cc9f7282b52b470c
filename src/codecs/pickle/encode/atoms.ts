/**
 * The encoder's state and its atoms: memo (MEMOIZE/BINGET), ints, strings, bytes, globals and
 * tuples of known items, written as CPython's C pickler writes them. Containers and value
 * dispatch are in encoder.ts.
 */

import { encodeLong } from "../../../python/long-bytes.js";
import type { PyValue } from "../../../python/values.js";
import { Op } from "../opcodes.js";
import type { EncoderContext, PickleDumpOptions } from "./context.js";
import { nestPath } from "./errors.js";
import { FrameWriter } from "./frame-writer.js";
import { IdentityMemo } from "./identity-memo.js";
import { isWellFormed, utf8Surrogatepass } from "./python-bytes.js";

const DEFAULT_MAX_DEPTH = 1000;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const MAX_U8 = 0xff;
const MAX_U16 = 0xffff;
const MAX_U32 = 0xffffffff;
/** Memo key of CPython's b"" singleton among the shared strings. */
export const EMPTY_BYTES_KEY = "\u0000bytes:";
/** Builtin functions (not types) the encoder may reference; their module string is separate. */
const BUILTIN_FUNCTIONS: ReadonlySet<string> = new Set(["getattr"]);

export abstract class AtomEncoder implements EncoderContext {
  readonly w = new FrameWriter();
  protected memoSize = 0;
  protected readonly memo = new IdentityMemo();
  protected readonly sharedStrings = new Map<string, number>();
  /** str dict keys written so far (`shareDictKeys`), by value → memo index. */
  private readonly sharedKeys = new Map<string, number>();
  protected readonly moduleStrings = new Map<string, number>();
  protected readonly globals = new Map<string, number>();
  protected readonly tuplesInProgress = new Set<object>();
  protected readonly shareEqualStrings: boolean;
  private readonly shareDictKeys: boolean;
  protected readonly maxDepth: number;

  constructor(
    readonly protocol: 4 | 5,
    options: PickleDumpOptions,
  ) {
    this.shareEqualStrings = options.shareEqualStrings ?? false;
    this.shareDictKeys = options.shareDictKeys ?? true;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  memoize(obj?: object): void {
    this.w.byte(Op.MEMOIZE);
    if (obj !== undefined) this.memo.set(obj, this.memoSize);
    this.memoSize++;
  }

  protected get(index: number): void {
    if (index <= MAX_U8) this.w.op1(Op.BINGET, index);
    else this.w.opU32(Op.LONG_BINGET, index);
  }

  getIfMemoized(obj: object): boolean {
    const index = this.memo.get(obj);
    if (index === undefined) return false;
    this.get(index);
    return true;
  }

  protected int(v: number): void {
    if (v >= 0 && v <= MAX_U8) this.w.op1(Op.BININT1, v);
    else if (v >= 0 && v <= MAX_U16) this.w.opU16(Op.BININT2, v);
    else if (v >= INT32_MIN && v <= INT32_MAX) this.w.opI32(Op.BININT, v);
    else this.long(BigInt(v));
  }

  protected bigint(v: bigint): void {
    if (v >= BigInt(INT32_MIN) && v <= BigInt(INT32_MAX)) this.int(Number(v));
    else this.long(v);
  }

  /** LONG1/LONG4 with CPython's minimal two's-complement length. */
  protected long(v: bigint): void {
    const data = encodeLong(v);
    if (data.length <= MAX_U8) this.w.payload(Op.LONG1, 1, data);
    else this.w.payload(Op.LONG4, 4, data);
  }

  protected savedString(s: string): void {
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

  /** A str dict key (saved as `save` would: opcode boundary first); see `shareDictKeys`. */
  protected savedKey(k: string): void {
    this.w.opcodeBoundary();
    // "" and 1-char keys go the way of any str (CPython's singletons, shared with values too).
    if (!this.shareDictKeys || this.shareEqualStrings || k.length <= 1) {
      this.savedString(k);
      return;
    }
    const index = this.sharedKeys.get(k);
    if (index !== undefined) {
      this.get(index);
      return;
    }
    this.sharedKeys.set(k, this.memoSize);
    this.str(k);
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

  protected bytes(b: Uint8Array): void {
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

  /** Saves one nested value, adding its position to the error path on failure. */
  protected item(v: PyValue, depth: number, at: string | number): void {
    try {
      this.save(v, depth);
    } catch (err) {
      throw nestPath(err, at);
    }
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

  protected tupleBody(items: readonly PyValue[], depth: number): void {
    const n = items.length;
    if (n > 3) this.w.byte(Op.MARK);
    for (let i = 0; i < n; i++) this.item(items[i] as PyValue, depth, i);
    if (n === 1) this.w.byte(Op.TUPLE1);
    else if (n === 2) this.w.byte(Op.TUPLE2);
    else if (n === 3) this.w.byte(Op.TUPLE3);
    else this.w.byte(Op.TUPLE);
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

  /** Saves any value (dispatch on its type); implemented by the encoder. */
  abstract save(value: PyValue, depth: number): void;
}
