/**
 * Container semantics of the pickle machine: dicts (null-prototype objects or Maps), list
 * appends, set additions, hashability checks, and the list/dict items recorded on opaque
 * placeholders. Keys are stored as data: `__proto__` or `constructor` never reach a prototype.
 */

import { isPlainObject } from "../../../python/dicts.js";
import { PyBytearray, PyFrozenSet, PyObject, PyTuple, type PyValue } from "../../../python/values.js";
import type { HandlerContext } from "./globals/registry.js";
import { PyGlobal, PyShell } from "./globals/registry.js";

type PyDictObject = { [key: string]: PyValue };

/** A dict, list or set is unhashable in Python; so are bytearrays and tuples holding them. */
function unhashableReason(v: PyValue, depth: number): string | null {
  if (v === null || typeof v !== "object") return null;
  if (v instanceof PyTuple) {
    if (depth > 32) return null;
    for (const item of v) {
      const why = unhashableReason(item, depth + 1);
      if (why) return why;
    }
    return null;
  }
  if (Array.isArray(v)) return "list";
  if (v instanceof Map) return "dict";
  if (v instanceof PyFrozenSet) return null;
  if (v instanceof Set) return "set";
  if (v instanceof PyBytearray) return "bytearray";
  if (Object.getPrototypeOf(v) === null) return "dict";
  return null;
}

export class ContainerOps {
  /** Object-form dicts that became Maps (memo lookups return the Map). */
  readonly replaced = new WeakMap<object, Map<PyValue, PyValue>>();
  /** True once any dict was converted, so memo lookups only pay for the check when needed. */
  anyReplaced = false;

  constructor(
    private readonly ctx: HandlerContext,
    private readonly alwaysMap: boolean,
  ) {}

  newDict(): PyDictObject | Map<PyValue, PyValue> {
    // setPrototypeOf on a fresh literal keeps V8's fast properties (Object.create(null) does not).
    return this.alwaysMap ? new Map() : (Object.setPrototypeOf({}, null) as PyDictObject);
  }

  private checkKey(k: PyValue): void {
    const why = unhashableReason(k, 0);
    if (why) this.ctx.fail("PICKLE_UNHASHABLE", `unhashable type: '${why}'`);
  }

  /**
   * SETITEM(S) on `target`. Returns the target, or the Map it became when an object-form
   * dict received its first non-str key (the caller puts that on the stack).
   */
  setItems(target: PyValue, items: PyValue[], from = 0, to = items.length): PyValue {
    if (target instanceof Map) {
      for (let i = from; i < to; i += 2) {
        const k = items[i] as PyValue;
        this.checkKey(k);
        target.set(k, items[i + 1] as PyValue);
      }
      this.checkSize(target.size);
      return target;
    }
    // Only the decoder's own dicts (newDict: null prototype) take items; inline for the hot path.
    if (target !== null && typeof target === "object" && Object.getPrototypeOf(target) === null) {
      const obj = target as PyDictObject;
      for (let i = from; i < to; i += 2) {
        const k = items[i] as PyValue;
        if (typeof k !== "string") return this.becomeMap(obj, items, i, to);
        obj[k] = items[i + 1] as PyValue;
      }
      return obj;
    }
    if (target instanceof PyObject && !(target instanceof PyGlobal) && !(target instanceof PyShell)) {
      for (let i = from; i < to; i += 2) {
        target.dictItems.push([items[i] as PyValue, items[i + 1] as PyValue]);
      }
      return target;
    }
    this.ctx.fail("PICKLE_BAD_TYPE", "SETITEM(S) target is not a dict");
  }

  /**
   * First non-str key: the dict becomes a Map (values that are the dict itself follow).
   * Kept out of `setItems` so its closure does not make every call allocate a context.
   */
  private becomeMap(obj: PyDictObject, items: PyValue[], from: number, to: number): PyValue {
    const map = new Map<PyValue, PyValue>(Object.entries(obj));
    for (const [key, value] of map) if (value === obj) map.set(key, map);
    this.replaced.set(obj, map);
    this.anyReplaced = true;
    const rest = items.slice(from, to).map((x) => (x === obj ? map : x));
    return this.setItems(map, rest);
  }

  append(target: PyValue, items: PyValue[], from = 0, to = items.length): void {
    if (Array.isArray(target) && !(target instanceof PyTuple)) {
      for (let i = from; i < to; i++) target.push(items[i] as PyValue);
      this.checkSize(target.length);
      return;
    }
    if (target instanceof PyObject && !(target instanceof PyGlobal) && !(target instanceof PyShell)) {
      for (let i = from; i < to; i++) target.listItems.push(items[i] as PyValue);
      return;
    }
    this.ctx.fail("PICKLE_BAD_TYPE", "APPEND(S) target is not a list");
  }

  addItems(target: PyValue, items: PyValue[]): void {
    if (!(target instanceof Set) || target instanceof PyFrozenSet) {
      this.ctx.fail("PICKLE_BAD_TYPE", "ADDITEMS target is not a set");
    }
    for (const item of items) {
      this.checkKey(item);
      target.add(item);
    }
    this.checkSize(target.size);
  }

  frozenSet(items: PyValue[]): PyFrozenSet {
    const s = new PyFrozenSet();
    for (const item of items) {
      this.checkKey(item);
      s.add(item);
    }
    return s;
  }

  /** BUILD twice on a placeholder: dict states merge (like `__dict__.update`), anything else replaces. */
  mergeState(old: PyValue, next: PyValue): PyValue {
    if (isPlainObject(old) && isPlainObject(next)) {
      for (const k of Object.keys(next)) old[k] = next[k] as PyValue;
      return old;
    }
    return next;
  }

  private checkSize(n: number): void {
    if (n > this.ctx.maxContainerItems)
      this.ctx.fail("PICKLE_LIMIT_EXCEEDED", "container larger than maxContainerItems");
  }
}
