/** Python's `bool(value)` for the JS value model (values.ts). */
import { isPlainObject } from "./dicts.js";
import { PyFloat } from "./values.js";

/**
 * Python `bool(value)`: `None`, `False`, zero (`0`, `0n`, `0.0`), and empty str, bytes, list,
 * tuple, dict, set are falsy; `undefined` (a missing value) is falsy too. NaN and every other
 * object are truthy, value classes included (unlike Python, also `Decimal("0")`, `0j` and a
 * zero `timedelta`: no caller reads those).
 */
export function pyTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false) return false;
  if (typeof value === "number") return value !== 0; // NaN is truthy in Python too
  if (typeof value === "bigint") return value !== 0n;
  if (typeof value === "string") return value.length > 0;
  if (value instanceof PyFloat) return value.value !== 0;
  if (value instanceof Uint8Array || Array.isArray(value)) return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return true;
}
