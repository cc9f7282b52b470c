/**
 * The encoder's state and its atoms: memo (MEMOIZE/BINGET), ints, strings, bytes, globals and
 * tuples of known items, written as CPython's C pickler writes them for the chosen protocol
 * (0, 2, 4 or 5; the forms only 0 and 2 use are in legacy-forms.ts). Containers and value
 * dispatch are in encoder.ts.
 */

import { encodeLong } from "../../../python/long-bytes.js";
import { pythonFloatRepr } from "../../../python/numbers.js";
import type { PyStr, PyValue } from "../../../python/values.js";
import { Op } from "../opcodes.js";
import type { EncoderContext, PickleDumpOptions } from "./context.js";
import { nestPath, PickleEncodeError } from "./errors.js";
import { FrameWriter } from "./frame-writer.js";
import { IdentityMemo } from "./identity-memo.js";
import { longText, python2Global, rawUnicodeEscape } from "./legacy-forms.js";
import {
  isWellFormed,
  pythonCodePoints,
  utf8CodePointsSurrogatepass,
  utf8Surrogatepass,
} from "./python-bytes.js";

const DEFAULT_MAX_DEPTH = 1000;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const MAX_U8 = 0xff;
const MAX_U16 = 0xffff;
const MAX_U32 = 0xffffffff;
const MAX_CODE_POINT = 0x10ffff;
/** Memo key of CPython's b"" singleton among the shared strings. */
export const EMPTY_BYTES_KEY = "\u0000bytes:";
/** Builtin functions (not types) the encoder may reference; their module string is separate. */
const BUILTIN_FUNCTIONS: ReadonlySet<string> = new Set(["getattr"]);
/** EMPTY_TUPLE, TUPLE1, TUPLE2, TUPLE3 by size (protocol ≥ 2). */
const TUPLE_OPS = [Op.EMPTY_TUPLE, Op.TUPLE1, Op.TUPLE2, Op.TUPLE3] as const;
/** Slots of the direct-mapped cache in front of `sharedKeys` (a power of two). */
const KEY_CACHE_SLOTS = 64;
/** Memo key of the interned "latin1" that CPython passes to `_codecs.encode` for bytes below protocol 3. */
const LATIN1_ID_KEY = "\u0000id:latin1";

export abstract class AtomEncoder implements EncoderContext {
  readonly w = new FrameWriter();
  protected memoSize = 0;
  protected readonly memo = new IdentityMemo();
  protected readonly sharedStrings = new Map<string, number>();
  /** str dict keys written so far (`shareDictKeys`), by value → memo index. */
  private readonly sharedKeys = new Map<string, number>();
  /**
   * The last shared key seen in each slot and its memo index: objects of one shape give the
   * same key strings again and again, and comparing one string is cheaper than a Map lookup.
   */
  private readonly keyCacheKeys: string[] = new Array<string>(KEY_CACHE_SLOTS).fill("");
  private readonly keyCacheIndices = new Int32Array(KEY_CACHE_SLOTS);
  /** Objects Python keeps one of (enum members), by a key naming them → memo index. */
  private readonly singletons = new Map<string, number>();
  protected readonly moduleStrings = new Map<string, number>();
  protected readonly globals = new Map<string, number>();
  protected readonly tuplesInProgress = new Set<object>();
  protected readonly shareEqualStrings: boolean;
  private readonly shareDictKeys: boolean;
  protected readonly maxDepth: number;

  constructor(
    readonly protocol: 0 | 2 | 4 | 5,
    options: PickleDumpOptions,
  ) {
    this.shareEqualStrings = options.shareEqualStrings ?? false;
    this.shareDictKeys = options.shareDictKeys ?? true;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  memoize(obj?: object): void {
    const index = this.memoSize;
    if (this.protocol >= 4) this.w.byte(Op.MEMOIZE);
    else if (this.protocol === 0) this.w.textLine(Op.PUT, String(index));
    else if (index <= MAX_U8) this.w.op1(Op.BINPUT, index);
    else this.w.opU32(Op.LONG_BINPUT, index);
    if (obj !== undefined) this.memo.set(obj, this.memoSize);
    this.memoSize++;
  }

  /** Ends the memo (see IdentityMemo.close); call once, when the pickle is done or failed. */
  closeMemo(): void {
    this.memo.close();
  }

  getIfSingleton(key: string): boolean {
    const index = this.singletons.get(key);
    if (index === undefined) return false;
    this.get(index);
    return true;
  }

  memoizeSingleton(key: string, obj: object): void {
    this.singletons.set(key, this.memoSize);
    this.memoize(obj);
  }

  protected get(index: number): void {
    if (this.protocol === 0) this.w.textLine(Op.GET, String(index));
    else if (index <= MAX_U8) this.w.op1(Op.BINGET, index);
    else this.w.opU32(Op.LONG_BINGET, index);
  }

  getIfMemoized(obj: object): boolean {
    const index = this.memo.get(obj);
    if (index === undefined) return false;
    this.get(index);
    return true;
  }

  /** NEWTRUE/NEWFALSE; protocol 0 has only `I01`/`I00`. */
  protected bool(v: boolean): void {
    if (this.protocol === 0) this.w.textLine(Op.INT, v ? "01" : "00");
    else this.w.byte(v ? Op.NEWTRUE : Op.NEWFALSE);
  }

  /** BINFLOAT; protocol 0 writes `repr(v)`. */
  protected float(v: number): void {
    if (this.protocol === 0) this.w.textLine(Op.FLOAT, pythonFloatRepr(v));
    else this.w.opF64BE(Op.BINFLOAT, v);
  }

  /** The number rule (encoder.ts module comment): a safe integer other than −0 is an int. */
  protected number(v: number): void {
    if (Number.isSafeInteger(v) && !Object.is(v, -0)) this.int(v);
    else this.float(v);
  }

  protected int(v: number): void {
    if (this.protocol === 0) {
      if (v >= INT32_MIN && v <= INT32_MAX) this.w.textLine(Op.INT, String(v));
      else this.long(BigInt(v));
    } else if (v >= 0 && v <= MAX_U8) this.w.op1(Op.BININT1, v);
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
    if (this.protocol === 0) {
      this.w.textLine(Op.LONG, longText(v));
      return;
    }
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
    const n = k.length;
    if (!this.shareDictKeys || this.shareEqualStrings || n <= 1) {
      this.savedString(k);
      return;
    }
    const slot =
      (n * 31 + k.charCodeAt(0) * 7 + k.charCodeAt(n >> 1) * 3 + k.charCodeAt(n - 1)) & (KEY_CACHE_SLOTS - 1);
    if (this.keyCacheKeys[slot] === k) {
      this.get(this.keyCacheIndices[slot] as number);
      return;
    }
    let index = this.sharedKeys.get(k);
    if (index === undefined) {
      index = this.memoSize;
      this.sharedKeys.set(k, index);
      this.str(k);
    } else this.get(index);
    this.keyCacheKeys[slot] = k;
    this.keyCacheIndices[slot] = index;
  }

  str(s: string): void {
    if (this.protocol < 4) {
      this.legacyStr(s);
      return;
    }
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

  /** Protocol 0: UNICODE with a raw-unicode-escaped line; protocol 2: always BINUNICODE. */
  private legacyStr(s: string): void {
    if (this.protocol === 0) this.w.dataLine(Op.UNICODE, rawUnicodeEscape(pythonCodePoints(s)));
    else {
      const data = isWellFormed(s) ? Buffer.from(s, "utf8") : utf8Surrogatepass(s);
      if (data.length > MAX_U32) {
        throw new PickleEncodeError("PICKLE_ENCODE_BAD_VALUE", "$", "a str over 4 GiB needs protocol 4");
      }
      this.w.payload(Op.BINUNICODE, 4, data);
    }
    this.memoize();
  }

  /** A `PyStr`: its code points one by one, surrogates "surrogatepass" (the bytes it came from). */
  protected pyStr(s: PyStr): void {
    for (const cp of s.codePoints) {
      if (!Number.isInteger(cp) || cp < 0 || cp > MAX_CODE_POINT)
        throw new PickleEncodeError(
          "PICKLE_ENCODE_BAD_VALUE",
          "$",
          `PyStr code point ${cp} is not 0–0x10FFFF`,
        );
    }
    if (this.protocol === 0) {
      this.w.dataLine(Op.UNICODE, rawUnicodeEscape(s.codePoints));
    } else {
      const data = utf8CodePointsSurrogatepass(s.codePoints);
      const n = data.length;
      if (n <= MAX_U8 && this.protocol >= 4) this.w.payload(Op.SHORT_BINUNICODE, 1, data);
      else if (n <= MAX_U32) this.w.payload(Op.BINUNICODE, 4, data);
      else if (this.protocol >= 4) this.w.payload(Op.BINUNICODE8, 8, data);
      else throw new PickleEncodeError("PICKLE_ENCODE_BAD_VALUE", "$", "a str over 4 GiB needs protocol 4");
    }
    this.memoize(s);
  }

  protected bytes(b: Uint8Array): void {
    if (b.length === 0) {
      // b"" is a singleton in CPython.
      const index = this.sharedStrings.get(EMPTY_BYTES_KEY);
      if (index !== undefined) {
        this.get(index);
        return;
      }
    }
    this.bytesValue(b);
    // The bytes object is the last memo entry (below protocol 3, after its reduce call's parts).
    if (b.length === 0) this.sharedStrings.set(EMPTY_BYTES_KEY, this.memoSize - 1);
    this.memo.set(b, this.memoSize - 1);
  }

  bytesValue(b: Uint8Array): void {
    if (this.protocol < 4) {
      this.legacyBytes(b);
      return;
    }
    if (b.length <= MAX_U8) this.w.payload(Op.SHORT_BINBYTES, 1, b);
    else if (b.length <= MAX_U32) this.w.payload(Op.BINBYTES, 4, b);
    else this.w.payload(Op.BINBYTES8, 8, b);
    this.memoize();
  }

  /**
   * Below protocol 3 there is no bytes opcode; CPython writes `_codecs.encode(s, "latin1")`
   * with `s` the bytes decoded as Latin-1 (a fresh str, or the shared one-char singleton), and
   * `bytes()` for b"". The result is memoized like any reduced object.
   */
  private legacyBytes(b: Uint8Array): void {
    if (b.length === 0) {
      this.global("builtins", "bytes");
      this.saveTuple([], 0);
    } else {
      this.global("_codecs", "encode");
      this.tupleMark(2);
      const text = Buffer.from(b.buffer, b.byteOffset, b.length).toString("latin1");
      if (text.length === 1) this.savedString(text);
      else this.str(text);
      const index = this.sharedStrings.get(LATIN1_ID_KEY);
      if (index !== undefined) this.get(index);
      else {
        this.sharedStrings.set(LATIN1_ID_KEY, this.memoSize);
        this.str("latin1");
      }
      this.tupleEnd(2);
      this.memoize();
    }
    this.w.byte(Op.REDUCE);
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
      this.tupleMark(0);
      this.tupleEnd(0);
      return;
    }
    this.tupleBody(items, depth);
    this.memoize();
  }

  protected tupleBody(items: readonly PyValue[], depth: number): void {
    const n = items.length;
    this.tupleMark(n);
    for (let i = 0; i < n; i++) this.item(items[i] as PyValue, depth, i);
    this.tupleEnd(n);
  }

  tupleMark(n: number): void {
    if (n > 3 || this.protocol === 0) this.w.byte(Op.MARK);
  }

  tupleEnd(n: number): void {
    if (this.protocol === 0 || n > 3) this.w.byte(Op.TUPLE);
    else this.w.byte(TUPLE_OPS[n] as number);
  }

  global(module: string, name: string): void {
    this.w.opcodeBoundary();
    const key = `${module}\u0000${name}`;
    const index = this.globals.get(key);
    if (index !== undefined) {
      this.get(index);
      return;
    }
    if (this.protocol < 4) {
      this.legacyGlobal(module, name);
      this.globals.set(key, this.memoSize);
      this.memoize();
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

  /**
   * GLOBAL with Python 2 module names; a nested name (`Outer.Inner`) is `getattr(Outer,
   * "Inner")`, as CPython writes it below protocol 4.
   */
  private legacyGlobal(module: string, name: string): void {
    const dot = name.lastIndexOf(".");
    if (dot === -1) {
      this.w.textLine(Op.GLOBAL, python2Global(module, name));
      return;
    }
    this.global("builtins", "getattr");
    this.tupleMark(2);
    this.global(module, name.slice(0, dot));
    this.str(name.slice(dot + 1));
    this.tupleEnd(2);
    this.memoize();
    this.w.byte(Op.REDUCE);
  }

  /** Saves any value (dispatch on its type); implemented by the encoder. */
  abstract save(value: PyValue, depth: number): void;
}
