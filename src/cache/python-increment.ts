/**
 * cachelib's generic `inc`: `(self.get(key) or 0) + delta`, with Python's truthiness and int
 * arithmetic (ints are unbounded: results beyond 2^53 become bigint).
 */
import { pyIntValue } from "../python/numbers.js";
import { pyTruthy } from "../python/truthiness.js";
import type { PyValue } from "../python/values.js";
import { PyFloat } from "../python/values.js";
import { CacheArgumentError } from "./cache-errors.js";

/**
 * `(current or 0) + delta` as Python computes it.
 * @throws CacheArgumentError `INC_NOT_A_NUMBER` where Python raises TypeError (e.g. a str value)
 */
export function pythonIncrement(
  current: PyValue | undefined,
  delta: number | bigint,
): number | bigint | PyFloat {
  const base: PyValue = pyTruthy(current) ? (current as PyValue) : 0;
  if (base instanceof PyFloat) return asFloat(base.value + Number(delta));
  if (base === true) return add(1, delta);
  if (typeof base === "number" || typeof base === "bigint") return add(base, delta);
  throw new CacheArgumentError(
    "INC_NOT_A_NUMBER",
    `cannot add ${String(delta)} to a stored value of type ${typeName(base)} (Python raises TypeError)`,
  );
}

function add(a: number | bigint, delta: number | bigint): number | bigint | PyFloat {
  const isFloat =
    (typeof a === "number" && !Number.isInteger(a)) ||
    (typeof delta === "number" && !Number.isInteger(delta));
  if (isFloat) return asFloat(Number(a) + Number(delta));
  return pyIntValue(BigInt(a) + BigInt(delta));
}

/** A float result stays a float in Python even when integral (-5e-324 + 1 == 1.0), so wrap it. */
function asFloat(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

function typeName(v: PyValue): string {
  if (typeof v === "string") return "str";
  if (v instanceof Uint8Array) return "bytes";
  if (Array.isArray(v)) return "list";
  return typeof v === "object" && v !== null ? (v.constructor?.name ?? "dict") : typeof v;
}
