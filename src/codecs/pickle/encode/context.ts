/** The options of `pickle.dumps` and the encoder interface its type-specific writers use. */

import type { PyValue } from "../../../python/values.js";
import type { FrameWriter } from "./frame-writer.js";

/** Options of `pickle.dumps`. */
export interface PickleDumpOptions {
  /**
   * Pickle protocol, 4 or 5 (default 5: what cachelib writes with `HIGHEST_PROTOCOL` on
   * Python ≥ 3.8, so our bytes can equal Python's). Python 3.8+ reads both. Protocol 4 only
   * changes `bytearray` (written as a `builtins.bytearray` call instead of BYTEARRAY8).
   */
  protocol?: 4 | 5;
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
  readonly protocol: 4 | 5;
  /** Saves any value (with memo and depth checks). */
  save(value: PyValue, depth: number): void;
  /** Writes `module.name` as STACK_GLOBAL (memoized; module strings shared as in CPython). */
  global(module: string, name: string): void;
  /** Writes MEMOIZE and records `obj` (when given) for later BINGET. */
  memoize(obj?: object): void;
  /** Writes a BINGET for `obj` and returns true if it was pickled before. */
  getIfMemoized(obj: object): boolean;
  /** Saves a tuple of already-known items (a fresh Python tuple). */
  saveTuple(items: readonly PyValue[], depth: number): void;
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
