/** The options of `pickle.dumps` and the encoder interface its type-specific writers use. */

import type { PyValue } from "../../../python/values.js";
import type { FrameWriter } from "./frame-writer.js";

/** Options of `pickle.dumps`. */
export interface PickleDumpOptions {
  /**
   * Pickle protocol: 5 (default: what cachelib writes with `HIGHEST_PROTOCOL` on Python ≥ 3.8,
   * so our bytes can equal Python's), 4 (changes only `bytearray`: a `builtins.bytearray` call
   * instead of BYTEARRAY8), 2 (cachelib's SpreadSASLMemcachedCache: no frames, BINPUT memo,
   * GLOBAL with Python 2 names, bytes as `_codecs.encode(str, "latin1")`, sets as `set([..])`)
   * or 0 (python-memcached's text protocol). Each gives CPython 3.11's `pickle.dumps(v,
   * protocol)` bytes; pandas DataFrames (Arrow tables) need 4 or 5.
   */
  protocol?: 0 | 2 | 4 | 5;
  /** Emit FRAME opcodes as CPython does (default true). Readers accept both. */
  framing?: boolean;
  /**
   * Emit equal strings once and refer back to them (BINGET), as CPython does for strings that
   * are the same object, e.g. dict keys from `json.loads` (default false: only the strings
   * CPython always shares — "" and one-character Latin-1 strings — are shared).
   */
  shareEqualStrings?: boolean;
  /**
   * Emit each distinct str dict key once and refer back to it (BINGET) for later dicts
   * (default true). CPython shares repeated keys whenever they are the same object, which is
   * the usual case: keys from `json.loads`, pandas `to_dict("records")`, dict literals in one
   * code object. `false` writes every key anew (keys built separately in Python, e.g. by
   * f-strings). Either form loads to an equal value.
   */
  shareDictKeys?: boolean;
  /** Maximum nesting depth of containers (default 1000, Python's recursion limit). */
  maxDepth?: number;
}

/** The encoder state that value-class and Arrow encoders build on. */
export interface EncoderContext {
  readonly w: FrameWriter;
  readonly protocol: 0 | 2 | 4 | 5;
  /** Saves any value (with memo and depth checks). */
  save(value: PyValue, depth: number): void;
  /** Writes `module.name` as STACK_GLOBAL, or GLOBAL below protocol 4 (memoized; module strings shared as in CPython). */
  global(module: string, name: string): void;
  /** Writes MEMOIZE and records `obj` (when given) for later BINGET. */
  memoize(obj?: object): void;
  /**
   * Writes a BINGET for the object Python keeps one of under `key` (an enum member) and
   * returns true if it was pickled before, whichever JS object stood for it.
   */
  getIfSingleton(key: string): boolean;
  /** Writes MEMOIZE for such an object, recording it under `key` (and `obj`). */
  memoizeSingleton(key: string, obj: object): void;
  /** Writes a BINGET for `obj` and returns true if it was pickled before. */
  getIfMemoized(obj: object): boolean;
  /** Saves a tuple of already-known items (a fresh Python tuple). */
  saveTuple(items: readonly PyValue[], depth: number): void;
  /** Before the items of an n-tuple: MARK where the protocol's tuple opcode needs one. */
  tupleMark(n: number): void;
  /** After the items of an n-tuple: TUPLE1/2/3, EMPTY_TUPLE or TUPLE (no memoize). */
  tupleEnd(n: number): void;
  /** Saves a string. */
  str(s: string): void;
  /** Saves a bytes object (not memoized by identity: the caller's bytes are fresh). */
  bytesValue(b: Uint8Array): void;
}

/**
 * An internal value that writes its own opcodes (e.g. an Arrow string column copied as raw
 * UTF-8). Not part of the public value model; the encoder calls `write` and nothing else.
 */
export abstract class SelfPickling {
  /** Writes the object, including its MEMOIZE. */
  abstract write(ctx: EncoderContext, depth: number): void;
}
