/**
 * `pickle.dumps`: JS values → a Python pickle (protocol 5 by default), laid out as CPython's
 * C pickler lays it out (frames, MEMOIZE after every str/bytes/container/reduced object,
 * batches of 1000), so that JSON-like and standard-library values give the same bytes as
 * `pickle.dumps(value, pickle.HIGHEST_PROTOCOL)` on CPython 3.8+ — which is what cachelib
 * stores. Protocols 4, 2 and 0 give `pickle.dumps(value, protocol)` of CPython 3.11 (2 and 0
 * are what Memcached clients write: no frames, PUT/BINPUT memo, GLOBAL).
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
import { datetimeOfDate } from "./js-values.js";
import { needsProtocol4 } from "./legacy-forms.js";
import { saveValueClass } from "./stdlib.js";

export type { EncoderContext, PickleDumpOptions } from "./context.js";

import {
  PyBytearray,
  PyFloat,
  PyFrozenSet,
  PyOrderedDict,
  PyStr,
  PyTuple,
  type PyValue,
} from "../../../python/values.js";

/** CPython writes list/dict/set items in batches of this many (`BATCHSIZE`). */
const BATCH_SIZE = 1000;
const hasOwn = Object.prototype.hasOwnProperty;

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
  if (protocol !== 0 && protocol !== 2 && protocol !== 4 && protocol !== 5) {
    throw new PickleEncodeError("PICKLE_ENCODE_BAD_OPTION", "$", `unsupported protocol ${String(protocol)}`);
  }
  const enc = new Encoder(protocol, options);
  try {
    if (prefix) enc.w.bytes(prefix);
    if (protocol >= 2) enc.w.op1(Op.PROTO, protocol);
    if (protocol >= 4 && (options.framing ?? true)) enc.w.startFraming();
    enc.save(value, 0);
    enc.w.byte(Op.STOP);
    return enc.w.finish();
  } finally {
    enc.closeMemo();
  }
}
class Encoder extends AtomEncoder {
  /**
   * Members of the plain objects being saved, as a stack shared by all nesting levels (an
   * object's members sit above its parent's from `membersTop` on while they are saved).
   */
  private readonly memberKeys: string[] = [];
  private readonly memberValues: PyValue[] = [];
  private membersTop = 0;

  save(value: PyValue, depth: number): void {
    this.w.opcodeBoundary();
    switch (typeof value) {
      case "boolean":
        this.bool(value);
        return;
      case "number":
        this.number(value);
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
      case "undefined":
        // As JSON: `undefined` inside a container is None (object members never get here).
        if (depth > 0) {
          this.w.byte(Op.NONE);
          return;
        }
        throw new PickleEncodeError(
          "PICKLE_ENCODE_UNSUPPORTED_TYPE",
          "$",
          "cannot pickle undefined (store null for None)",
        );
      default:
        throw new PickleEncodeError(
          "PICKLE_ENCODE_UNSUPPORTED_TYPE",
          "$",
          `cannot pickle a JS ${typeof value}`,
        );
    }
  }

  private object(value: object, depth: number): void {
    // Plain objects and arrays first: they are most of a JSON-like payload (and are no
    // PyFloat), and Arrow's Table has a costly custom `instanceof`.
    const proto = Object.getPrototypeOf(value);
    const plain = proto === Object.prototype || proto === null;
    if (!plain && proto !== Array.prototype && value instanceof PyFloat) {
      this.float(value.value);
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
    if (plain) {
      this.dictFromObject(value as Record<string, PyValue>, next);
    } else if (proto === Array.prototype) {
      this.list(value as PyValue[], next);
    } else if (value instanceof PyStr) {
      this.pyStr(value);
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
      if (this.protocol < 4) throw needsProtocol4("a pandas DataFrame", this.protocol);
      saveTable(this, value, next);
    } else if (value instanceof Date) {
      // An aware UTC datetime; the same Date again is a BINGET, as one datetime object would be.
      saveValueClass(this, datetimeOfDate(value), next);
      this.memo.set(value, this.memoSize - 1);
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
    // Protocols 0-4: bytearray.__reduce_ex__ gives (bytearray, (bytes,), None), or
    // (bytearray, (), None) when empty.
    this.global("builtins", "bytearray");
    this.saveTuple(b.length === 0 ? [] : [new Uint8Array(b)], depth);
    this.w.byte(Op.REDUCE);
    this.memoize(b);
  }

  private list(items: readonly PyValue[], depth: number): void {
    if (this.protocol === 0) this.textContainer(Op.LIST, items);
    else {
      this.w.byte(Op.EMPTY_LIST);
      this.memoize(items);
    }
    const n = items.length;
    if (n === 0) return;
    if (n === 1 || this.protocol === 0) {
      // Protocol 0 has no APPENDS: one APPEND per item.
      for (let i = 0; i < n; i++) {
        this.item(items[i] as PyValue, depth, i);
        this.w.byte(Op.APPEND);
      }
      return;
    }
    for (let start = 0; start < n; start += BATCH_SIZE) {
      this.w.byte(Op.MARK);
      const end = Math.min(n, start + BATCH_SIZE);
      for (let i = start; i < end; i++) this.member(items[i] as PyValue, depth, i);
      this.w.byte(Op.APPENDS);
    }
  }

  private tuple(items: PyTuple, depth: number): void {
    if (items.length === 0) {
      this.tupleMark(0);
      this.tupleEnd(0);
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
    if (this.protocol === 0) this.textContainer(Op.DICT, identity);
    else {
      this.w.byte(Op.EMPTY_DICT);
      this.memoize(identity);
    }
    if (size === 0) return;
    if (size === 1 || this.protocol === 0) {
      // Protocol 0 has no SETITEMS: one SETITEM per pair.
      for (const [k, v] of entries) {
        this.pair(k, v, depth);
        this.w.byte(Op.SETITEM);
      }
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
    if (this.protocol === 0) this.textContainer(Op.DICT, record);
    else {
      this.w.byte(Op.EMPTY_DICT);
      this.memoize(record);
    }
    // Own enumerable members in Object.keys order, each value read once before any is saved
    // (as Object.values does), `undefined` ones dropped. `for…in` walks V8's enum cache and
    // the own-property check folds away, so no key/value arrays are allocated per object.
    const keys = this.memberKeys;
    const values = this.memberValues;
    const base = this.membersTop;
    let top = base;
    for (const k in record) {
      if (!hasOwn.call(record, k)) continue;
      const v = record[k];
      if (v === undefined) continue;
      keys[top] = k;
      values[top] = v;
      top++;
    }
    this.membersTop = top;
    const n = top - base;
    if (n === 1 || (n > 0 && this.protocol === 0)) {
      for (let i = base; i < top; i++) {
        const k = keys[i] as string;
        this.savedKey(k);
        this.member(values[i] as PyValue, depth, k);
        this.w.byte(Op.SETITEM);
      }
    } else if (n > 1) {
      for (let start = base; start < top; start += BATCH_SIZE) {
        this.w.byte(Op.MARK);
        const end = Math.min(top, start + BATCH_SIZE);
        for (let i = start; i < end; i++) {
          const k = keys[i] as string;
          this.savedKey(k);
          this.member(values[i] as PyValue, depth, k);
        }
        this.w.byte(Op.SETITEMS);
      }
      if (n % BATCH_SIZE === 0) this.emptyBatch(Op.SETITEMS);
    }
    this.membersTop = base;
  }

  /** Saves a container member: str and number inline, anything else through `item`. */
  private member(v: PyValue, depth: number, at: string | number): void {
    if (typeof v === "string") {
      this.w.opcodeBoundary();
      this.savedString(v);
    } else if (typeof v === "number") {
      this.w.opcodeBoundary();
      this.number(v);
    } else this.item(v, depth, at);
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

  /** Protocol 0's empty list/dict: MARK + LIST/DICT, memoized. */
  private textContainer(op: number, identity: object): void {
    this.w.byte(Op.MARK);
    this.w.byte(op);
    this.memoize(identity);
  }

  /**
   * Below protocol 4 a set or frozenset is `set([items])` / `frozenset([items])` via REDUCE
   * (CPython's save_set/save_frozenset), memoized as the reduced object.
   */
  private reducedSet(items: Set<PyValue>, name: "set" | "frozenset", depth: number): void {
    const list = [...items];
    for (let i = 0; i < list.length; i++) requireHashable(list[i] as PyValue, i);
    this.global("builtins", name);
    this.tupleMark(1);
    this.w.opcodeBoundary();
    this.list(list, depth);
    this.tupleEnd(1);
    this.memoize();
    this.w.byte(Op.REDUCE);
    this.memoize(items);
  }

  private set(items: Set<PyValue>, depth: number): void {
    if (this.protocol < 4) {
      this.reducedSet(items, "set", depth);
      return;
    }
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
    if (this.protocol < 4) {
      this.reducedSet(items, "frozenset", depth);
      return;
    }
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
