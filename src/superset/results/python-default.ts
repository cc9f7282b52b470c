/**
 * The `default=json_iso_dttm_ser` step of `msgpack.dumps(payload, default=json_iso_dttm_ser,
 * use_bin_type=True)`, applied ahead of packing: every value msgpack cannot carry natively goes
 * through Superset's hook (src/superset/json-hooks.ts), and Python-typed numbers are marked so the
 * packer writes them as Python would (float64 for every float, uint64/int64 for wide ints).
 */
import { Table } from "apache-arrow";
import { isPlainObject } from "../../python/dicts.js";
import { PyDatetime, PyDatetime64, PyEnum, PyFloat, PySentinel, PyTzInfo } from "../../python/values.js";
import { makeJsonIsoDttmSer } from "../json-hooks.js";
import { timestampIsoformat, timestampNanos } from "../pandas-timestamps.js";
import { ResultsEncodeError } from "./errors.js";

/** A float that must be written as msgpack float64 even when its value is integral. */
export class Float64Marker {
  constructor(readonly value: number) {}
}

/** An int outside 32 bits, written as Python writes it (uint64 when ≥ 0, int64 otherwise). */
export class WideIntMarker {
  constructor(readonly value: bigint) {}
}

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;
const INT32_MIN = -(2 ** 31);
const UINT32_LIMIT = 2 ** 32;
/** Nesting limit standing in for msgpack-python's recursion limit (512 in its C packer). */
const MAX_DEPTH = 512;

const isoHook = makeJsonIsoDttmSer();

/**
 * The hook Superset passes as `default`: `json_iso_dttm_ser`, plus pandas Timestamps (a datetime
 * subclass, so `isoformat()` too) and JS `Date`s (written as aware UTC datetimes).
 * @throws ResultsEncodeError where Python raises TypeError
 */
export function isoDttmDefault(value: unknown): unknown {
  if (value instanceof PyDatetime64) return timestampIso(value);
  if (value instanceof Date) return dateIso(value);
  if (value === PySentinel.NaT) return "NaT";
  if (value instanceof Table) throw new ResultsEncodeError("an Arrow Table can only be a payload's `data`");
  try {
    return isoHook(value);
  } catch (err) {
    throw new ResultsEncodeError(`cannot serialize ${describe(value)} into a results payload`, {
      cause: err,
    });
  }
}

/**
 * Convert a payload tree into values msgpackr writes exactly as Python msgpack does: objects
 * become `Map`s (insertion order, no prototype pitfalls), tuples/sets lists, non-native values
 * pass through {@link isoDttmDefault}.
 * @throws ResultsEncodeError for values Python cannot pack either
 */
export function toMsgpackNative(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new ResultsEncodeError(`payload nested deeper than ${MAX_DEPTH} levels`);
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return numberLikePython(value);
  if (typeof value === "bigint") return bigintLikePython(value);
  if (value === undefined) throw new ResultsEncodeError("undefined is not a Python value");
  if (value instanceof Uint8Array) return value; // bytes and bytearray → bin
  if (value instanceof PyFloat) return new Float64Marker(value.value);
  if (Array.isArray(value)) return value.map((v) => toMsgpackNative(v, depth + 1));
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const [k, v] of value) out.set(toMsgpackNative(k, depth + 1), toMsgpackNative(v, depth + 1));
    return out;
  }
  if (value instanceof PyEnum && (typeof value.value === "string" || typeof value.value === "number")) {
    return toMsgpackNative(value.value, depth + 1); // StrEnum/IntEnum members are str/int subclasses
  }
  if (isPlainObject(value)) {
    const out = new Map<string, unknown>();
    for (const key of Object.keys(value)) out.set(key, toMsgpackNative(value[key], depth + 1));
    return out;
  }
  return toMsgpackNative(isoDttmDefault(value), depth + 1);
}

function numberLikePython(value: number): unknown {
  if (!Number.isInteger(value) || Object.is(value, -0)) return value; // msgpackr writes float64 (useFloat32 off)
  if (value >= INT32_MIN && value < UINT32_LIMIT) return value;
  // Past 2^53 a JS number is not a faithful int; it is the float it looks like.
  if (!Number.isSafeInteger(value)) return new Float64Marker(value);
  return new WideIntMarker(BigInt(value));
}

function bigintLikePython(value: bigint): unknown {
  if (value < INT64_MIN || value > UINT64_MAX) {
    throw new ResultsEncodeError(`int ${value} does not fit msgpack's 64-bit integers (Python raises too)`);
  }
  if (value >= BigInt(INT32_MIN) && value < BigInt(UINT32_LIMIT)) return Number(value);
  return new WideIntMarker(value);
}

/** A JS Date is an instant: written as an aware UTC datetime (`…+00:00`). */
function dateIso(d: Date): string {
  const ms = d.getTime();
  if (Number.isNaN(ms)) throw new ResultsEncodeError("invalid Date");
  return new PyDatetime(
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds() * 1000,
    UTC_TZ,
  ).isoformat();
}

const UTC_TZ = new PyTzInfo("utc", 0, "UTC");

/**
 * pandas `Timestamp.isoformat()` (pandas-timestamps.ts): `.ffffff` when sub-second, nine digits
 * when nanoseconds are set, the offset of an aware value (named zones from Node's IANA data).
 * @throws ResultsEncodeError for timedeltas, an unknown unit or a zone Node does not know
 */
export function timestampIso(v: PyDatetime64): string {
  if (v.kind !== "datetime64" && v.kind !== "Timestamp") {
    throw new ResultsEncodeError(`cannot serialize numpy/pandas ${v.kind}`);
  }
  const text = timestampIsoformat(v);
  if (text !== undefined) return text;
  throw new ResultsEncodeError(
    timestampNanos(v) === undefined
      ? `unsupported datetime64 unit ${v.unit}`
      : `offset of zone ${v.tz?.name ?? "?"} is not known`,
  );
}

function describe(value: unknown): string {
  if (typeof value === "object" && value !== null)
    return `a ${value.constructor?.name ?? "prototype-less object"}`;
  return `a ${typeof value}`;
}
