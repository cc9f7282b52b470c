/** Python's hashability rule for set members and dict keys, applied to our JS values. */
import { Table } from "apache-arrow";
import { isPlainObject } from "../../../python/dicts.js";
import { PyBytearray, PyFrozenSet, PyTuple, type PyValue } from "../../../python/values.js";
import { nestPath, PickleEncodeError } from "./errors.js";

/**
 * Python refuses unhashable set members and dict keys; fail here rather than
 * in Python's `loads`.
 * @throws PickleEncodeError PICKLE_ENCODE_UNHASHABLE
 */
export function requireHashable(v: PyValue, at: string | number): void {
  if (v === null || typeof v !== "object") return;
  const unhashable =
    v instanceof PyBytearray ||
    (Array.isArray(v) && !(v instanceof PyTuple)) ||
    v instanceof Map ||
    (v instanceof Set && !(v instanceof PyFrozenSet)) ||
    isPlainObject(v) ||
    v instanceof Table;
  if (unhashable) {
    throw nestPath(
      new PickleEncodeError(
        "PICKLE_ENCODE_UNHASHABLE",
        "$",
        "unhashable value used as a set member or dict key",
      ),
      at,
    );
  }
  if (v instanceof PyTuple) {
    for (let i = 0; i < v.length; i++) {
      try {
        requireHashable(v[i] as PyValue, i);
      } catch (err) {
        throw nestPath(err, at);
      }
    }
  }
}
