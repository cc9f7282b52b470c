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
import { isPlainObject } from "../../../python/dicts.js";
import { saveTable } from "../dataframe/encode-frame.js";
import { Op } from "../opcodes.js";
import { AtomEncoder } from "./atoms.js";
import { type PickleDumpOptions, SelfPickling } from "./context.js";
import { PickleEncodeError } from "./errors.js";
import { requireHashable } from "./hashable.js";
import { saveValueClass } from "./stdlib.js";

export type { EncoderContext, PickleDumpOptions } from "./context.js";

import {
  PyBytearray,
  PyFloat,
  PyFrozenSet,
  PyOrderedDict,
  PyTuple,
  type PyValue,
} from "../../../python/values.js";

/** CPython writes list/dict/set items in batches of this many (`BATCHSIZE`). */
const BATCH_SIZE = 1000;

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
class Encoder extends AtomEncoder {
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
      this.savedKey(k);
      this.item(record[k] as PyValue, depth, k);
      this.w.byte(Op.SETITEM);
      return;
    }
    for (let start = 0; start < n; start += BATCH_SIZE) {
      this.w.byte(Op.MARK);
      const end = Math.min(n, start + BATCH_SIZE);
      for (let i = start; i < end; i++) {
        const k = keys[i] as string;
        this.savedKey(k);
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
    if (typeof k === "string") this.savedKey(k);
    else this.item(k, depth, label);
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
}
