/**
 * The few Python semantics the temporary-cache commands depend on: truthiness (`if entry:`),
 * `dict.get`, and `!=` between owner ids (`1 == 1.0`, `None != 0`).
 */
import { PyFloat, type PyValue } from "../../python/values.js";

/** Python `bool(value)` for decoded cache values (`undefined` = missing = falsy). */
export function pyTruthy(value: PyValue | undefined): boolean {
  if (value === undefined || value === null || value === false) return false;
  if (typeof value === "number") return value !== 0; // NaN is truthy in Python too
  if (typeof value === "bigint") return value !== 0n;
  if (typeof value === "string") return value.length > 0;
  if (value instanceof PyFloat) return value.value !== 0;
  if (value instanceof Uint8Array || Array.isArray(value)) return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  if (isDict(value)) return Object.keys(value).length > 0;
  return true;
}

/** A decoded Python dict: a plain/null-prototype object or a `Map`. */
export type PyDict = { [key: string]: PyValue } | Map<PyValue, PyValue>;

/** `true` for a decoded dict (not arrays, bytes or value classes). */
export function isDict(value: PyValue | undefined): value is PyDict {
  if (value instanceof Map) return true;
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

/** `d.get(key)`: `undefined` when absent. */
export function dictGet(d: PyDict, key: string): PyValue | undefined {
  if (d instanceof Map) return d.get(key);
  return Object.hasOwn(d, key) ? d[key] : undefined;
}

/** `key in d`. */
export function dictHas(d: PyDict, key: string): boolean {
  return d instanceof Map ? d.has(key) : Object.hasOwn(d, key);
}

/** Entries in insertion order (str keys only matter here). */
export function dictEntries(d: PyDict): [string, PyValue][] {
  if (d instanceof Map) return [...d].map(([k, v]) => [String(k), v] as [string, PyValue]);
  return Object.keys(d).map((k) => [k, d[k]!] as [string, PyValue]);
}

function numeric(v: PyValue | undefined): number | bigint | undefined {
  if (typeof v === "number" || typeof v === "bigint") return v;
  if (v instanceof PyFloat) return v.value;
  if (typeof v === "boolean") return v ? 1 : 0;
  return undefined;
}

/** Python `a == b` for owner ids: None, bool, int, float (bigints compared exactly). */
export function pyEqualsScalar(a: PyValue | undefined, b: PyValue | undefined): boolean {
  if (a === undefined || a === null || b === undefined || b === null) {
    return (a === undefined || a === null) && (b === undefined || b === null);
  }
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) {
    if (typeof na === "bigint" || typeof nb === "bigint") {
      try {
        return BigInt(na) === BigInt(nb);
      } catch {
        return false; // a non-integral float never equals a big int
      }
    }
    return na === nb;
  }
  return a === b;
}
