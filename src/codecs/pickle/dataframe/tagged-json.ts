/**
 * Python values → "tagged JSON" (the convention of the Flask-Caching golden files): plain
 * JSON where possible, one-key `$`-objects for everything else. Used for Arrow metadata and
 * for object columns whose cells are not all of one simple type. Walks are bounded (node
 * budget and depth), because memo references can make a small pickle a huge tree.
 */
import { Table } from "apache-arrow";
import { CacheDecodeError } from "../../../core/errors.js";
import { pythonFloatRepr } from "../../../python/numbers.js";
import {
  PyComplex,
  PyDate,
  PyDatetime,
  PyDatetime64,
  PyDecimal,
  PyEnum,
  PyFloat,
  PyFrozenSet,
  PyObject,
  PySentinel,
  PyStr,
  PyTime,
  PyTimedelta,
  PyTuple,
  PyTzInfo,
  PyUUID,
  type PyValue,
} from "../../../python/values.js";
import type { DecodeBudget } from "../../decode-budget.js";

export type TaggedJson = null | boolean | number | string | TaggedJson[] | { [key: string]: TaggedJson };

/**
 * Thrown when a value expands beyond the node budget or the depth limit; the decoder turns it
 * into a `PickleDecodeError` with the byte offset.
 */
export class TaggedJsonBudgetError extends CacheDecodeError {
  constructor(message: string) {
    super("PICKLE_LIMIT_EXCEEDED", message);
  }
}

/** One string for the whole value (a string per byte made 2 KB of input cost gigabytes). */
const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

/**
 * Convert with at most `budget` nodes and `maxDepth` nesting. `shared` (the decode's budget)
 * is charged for every node and for the text produced, so a value referenced by many cells
 * costs what its copies cost.
 * @throws TaggedJsonBudgetError past `budget` or `maxDepth`; DecodeLimitError when `shared` runs out
 */
export function toTaggedJson(
  value: PyValue,
  budget = 1_000_000,
  maxDepth = 1000,
  shared?: DecodeBudget,
): TaggedJson {
  let nodes = 0;
  const walk = (v: PyValue, depth: number): TaggedJson => {
    if (++nodes > budget || depth > maxDepth)
      throw new TaggedJsonBudgetError("value too large to convert to JSON");
    if (shared !== undefined) {
      shared.visit(1, "tagged-json");
      // Strings are copied into the JSON text (2 bytes a unit), bytes hex-encoded (4 a byte).
      if (typeof v === "string") shared.allocate(v.length * 2, "tagged-json");
      else if (v instanceof Uint8Array) shared.allocate(v.length * 4, "tagged-json");
    }
    if (v === null || typeof v === "boolean" || typeof v === "string") return v;
    if (v instanceof PyStr) return { $str: [...v.codePoints] };
    if (typeof v === "number")
      return Number.isFinite(v) && !Object.is(v, -0) ? v : { $float: pythonFloatRepr(v) };
    if (typeof v === "bigint") return { $int: v.toString() };
    if (v instanceof PyFloat) return { $float: pythonFloatRepr(v.value) };
    if (v instanceof Uint8Array) return { $bytes: hex(v) };
    if (v instanceof PyTuple) return { $tuple: v.map((x) => walk(x, depth + 1)) };
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    if (v instanceof PyFrozenSet) return { $frozenset: [...v].map((x) => walk(x, depth + 1)) };
    if (v instanceof Set) return { $set: [...v].map((x) => walk(x, depth + 1)) };
    if (v instanceof Map) return { $dict: [...v].map(([k, x]) => [walk(k, depth + 1), walk(x, depth + 1)]) };
    if (v instanceof PyDecimal) return { $decimal: v.text };
    if (v instanceof PyDatetime) return { $datetime: v.isoformat() };
    if (v instanceof PyDate) return { $date: v.isoformat() };
    if (v instanceof PyTime) return { $time: v.isoformat() };
    if (v instanceof PyTimedelta) return { $timedelta: [v.days, v.seconds, v.microseconds] };
    if (v instanceof PyDatetime64) {
      return {
        $datetime64: v.unit,
        kind: v.kind,
        value: v.value.toString(),
        tz: v.tz ? (v.tz.name ?? v.tz.offsetSeconds) : null,
      };
    }
    if (v === PySentinel.NaT) return { $nat: true };
    if (v === PySentinel.NA) return { $na: true };
    if (v instanceof PyComplex) return { $complex: [v.real, v.imag] };
    if (v instanceof PyUUID) return { $uuid: v.toString() };
    if (v instanceof PyEnum)
      return {
        $enum: `${v.module}.${v.qualname}`,
        name: v.name,
        value: v.value === undefined ? null : walk(v.value, depth + 1),
      };
    if (v instanceof PyTzInfo) return { $tzinfo: v.name ?? v.offsetSeconds, kind: v.kind };
    if (v instanceof Table)
      return { $table: { rows: v.numRows, columns: v.schema.fields.map((f) => f.name) } };
    if (v instanceof PyObject) {
      return {
        $object: v.qualifiedName,
        args: v.args ? v.args.map((x) => walk(x, depth + 1)) : null,
        state: v.state === undefined ? null : walk(v.state, depth + 1),
      };
    }
    const out: { [key: string]: TaggedJson } = {};
    const keys = Object.keys(v);
    if (keys.some((k) => k.startsWith("$"))) {
      return { $dict: keys.map((k) => [k, walk((v as Record<string, PyValue>)[k] as PyValue, depth + 1)]) };
    }
    for (const k of keys) {
      Object.defineProperty(out, k, {
        value: walk((v as Record<string, PyValue>)[k] as PyValue, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
  return walk(value, 0);
}
