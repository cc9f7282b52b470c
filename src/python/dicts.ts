/**
 * Python dicts in the JS value model (values.ts): an object whose prototype is `null` (what the
 * decoder builds) or `Object.prototype` (what callers write) when every key is a str, else a
 * `Map`. Keys are read as own data properties only, so `__proto__` or `constructor` never reach
 * a prototype.
 */
import type { PyValue } from "./values.js";

/** A Python dict: a plain or null-prototype object (str keys) or a `Map`. */
export type PyDict = { [key: string]: PyValue } | Map<PyValue, PyValue>;

/**
 * `true` for an object that stands for a str-keyed Python dict: a plain `{}` or a
 * null-prototype object. Arrays, Maps and instances of any class (value classes, Buffers,
 * Dates) are not.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

/** {@link isPlainObject} typed for the value model: a str-keyed dict of Py values. */
export function isStrDict(value: PyValue | undefined): value is { [key: string]: PyValue } {
  return isPlainObject(value);
}

/** `true` for a Python dict in either form (see {@link PyDict}). */
export function isPyDict(value: PyValue | undefined): value is PyDict {
  return value instanceof Map || isPlainObject(value);
}

/** `d.get(key)`: `undefined` when the key is absent or `d` is not a dict. */
export function dictGet(d: PyValue | undefined, key: string): PyValue | undefined {
  if (d instanceof Map) return d.get(key);
  if (!isPlainObject(d)) return undefined;
  return Object.hasOwn(d, key) ? (d as Record<string, PyValue>)[key] : undefined;
}

/** `key in d`. */
export function dictHas(d: PyDict, key: string): boolean {
  return d instanceof Map ? d.has(key) : Object.hasOwn(d, key);
}

/** `list(d.items())`: the entries in insertion order. */
export function dictEntries(d: PyDict): [PyValue, PyValue][] {
  return d instanceof Map ? [...d] : Object.entries(d);
}
