/**
 * Superset's `default` hooks for simplejson (`superset.utils.json`, formerly
 * `superset.utils.core`): `json_int_dttm_ser` (cache keys), `json_iso_dttm_ser`
 * (payloads) and `base_json_conv` (both), over this library's Python value classes.
 * Each returns the replacement simplejson encodes next, or throws where Python raises
 * `TypeError`.
 */

import { PyJsonEncodeError } from "../codecs/json/errors.js";
import {
  PyBytearray,
  PyDate,
  PyDatetime,
  PyDatetime64,
  PyDecimal,
  PyFloat,
  PyTime,
  PyTimedelta,
  PyUUID,
} from "../python/values.js";
import { floorDiv, timestampIsoformat, timestampNanos, tzOffsetAt } from "./pandas-timestamps.js";

/** How `datetime_to_epoch` treats an aware datetime. */
export type AwareDatetimeRule =
  /** ≤ 6.x: `replace(tzinfo=UTC)`: the wall clock is read as UTC, the offset discarded. */
  | "replace"
  /** master: `astimezone(UTC)`: the true instant (the offset must be known). */
  | "astimezone";

/** Options of the hook factories; defaults are Superset master's behaviour. */
export interface JsonHookOptions {
  /** Aware datetimes in `json_int_dttm_ser`. Default `"astimezone"`. */
  awareDatetime?: AwareDatetimeRule;
  /** `base_json_conv` tries UTF-16 for non-UTF-8 bytes (4.1+); else `"[bytes]"`. Default `true`. */
  bytesUtf16Fallback?: boolean;
}

const MICROS_PER_SECOND = 1_000_000;
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
const MICROS_PER_DAY = 86_400_000_000n;
const MILLIS_PER_SECOND = 1000;
const NANOS_PER_MICRO = 1000n;
const utf8 = new TextDecoder("utf-8", { fatal: true });

function unserializable(value: unknown): never {
  const type = typeof value === "object" && value !== null ? value.constructor?.name : typeof value;
  throw new PyJsonEncodeError("PYJSON_UNSERIALIZABLE", `Unserializable object of type ${type}`);
}

/** Python's `td.total_seconds()`: the exact µs count divided by 10^6, correctly rounded. */
function microsToSeconds(micros: bigint): number {
  // Both operands exact doubles: IEEE division is correctly rounded, like Python's int / int.
  if (micros <= MAX_EXACT && micros >= -MAX_EXACT) return Number(micros) / MICROS_PER_SECOND;
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const whole = abs / BigInt(MICROS_PER_SECOND);
  const frac = (abs % BigInt(MICROS_PER_SECOND)).toString().padStart(6, "0");
  // Decimal-string parsing is correctly rounded, like Python's int / int.
  const seconds = Number(`${whole}.${frac}`);
  return negative ? -seconds : seconds;
}

function daysFromCivil(year: number, month: number, day: number): number {
  // Proleptic Gregorian day count from 1970-01-01, valid for Python's years 1–9999.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function wallMicros(dt: PyDatetime): bigint {
  const days = BigInt(daysFromCivil(dt.year, dt.month, dt.day));
  const secs = BigInt(dt.hour * 3600 + dt.minute * 60 + dt.second);
  return days * MICROS_PER_DAY + secs * BigInt(MICROS_PER_SECOND) + BigInt(dt.microsecond);
}

/**
 * Superset's `datetime_to_epoch`: milliseconds since 1970-01-01 as a Python float.
 * @throws PyJsonEncodeError `PYJSON_UNSERIALIZABLE` for `astimezone` on a zone whose offset is unknown.
 */
export function datetimeToEpochMillis(dt: PyDatetime, rule: AwareDatetimeRule = "astimezone"): number {
  const offset = dt.tzinfo && rule === "astimezone" ? dt.tzinfo.offsetSeconds : 0;
  if (offset !== null) {
    // Fast path: whole seconds and µs stay exact doubles for years 1–9999.
    const seconds =
      daysFromCivil(dt.year, dt.month, dt.day) * 86_400 +
      dt.hour * 3600 +
      dt.minute * 60 +
      dt.second -
      offset;
    const micros = seconds * MICROS_PER_SECOND + dt.microsecond;
    if (Number.isSafeInteger(micros) && Number.isInteger(offset)) {
      return (micros / MICROS_PER_SECOND) * MILLIS_PER_SECOND;
    }
  }
  let micros = wallMicros(dt);
  if (dt.tzinfo && rule === "astimezone") {
    const offset = dt.tzinfo.offsetSeconds;
    if (offset === null) {
      throw new PyJsonEncodeError(
        "PYJSON_UNSERIALIZABLE",
        `UTC offset of zone ${dt.tzinfo.name ?? "?"} is not known; cannot convert to epoch`,
      );
    }
    micros -= BigInt(Math.round(offset * MICROS_PER_SECOND));
  }
  return microsToSeconds(micros) * MILLIS_PER_SECOND;
}

/** `(d - date(1970, 1, 1)).total_seconds() * 1000` */
export function dateToEpochMillis(d: PyDate): number {
  return daysFromCivil(d.year, d.month, d.day) * 86_400 * MILLIS_PER_SECOND;
}

/**
 * A pandas `Timestamp` through `datetime_to_epoch`: pandas' `Timedelta.total_seconds()`
 * adds whole seconds and `microseconds / 1e6` as floats and drops nanoseconds (pandas 1.5).
 */
function timestampToEpochMillis(ts: PyDatetime64, rule: AwareDatetimeRule): number {
  let micros = toMicros(ts);
  if (ts.tz && rule === "replace") {
    // The stored value is UTC; `replace(tzinfo=UTC)` keeps the local wall clock instead.
    const offset = tzOffsetAt(ts.tz, Number(micros / 1000n));
    if (offset === undefined) unserializable(ts);
    micros += BigInt(Math.round(offset * MICROS_PER_SECOND));
  }
  const secondsBig = floorDiv(micros, BigInt(MICROS_PER_SECOND));
  const us = Number(micros - secondsBig * BigInt(MICROS_PER_SECOND));
  return (Number(secondsBig) + us / MICROS_PER_SECOND) * MILLIS_PER_SECOND;
}

function toMicros(ts: PyDatetime64): bigint {
  const nanos = timestampNanos(ts);
  if (nanos === undefined) unserializable(ts);
  return floorDiv(nanos, NANOS_PER_MICRO);
}

/** Python's `str(timedelta)`: `[-]D day[s], H:MM:SS[.ffffff]`. */
export function timedeltaStr(td: PyTimedelta): string {
  const h = Math.floor(td.seconds / 3600);
  const m = Math.floor((td.seconds % 3600) / 60);
  const s = td.seconds % 60;
  let out = `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
  if (td.microseconds) out += `.${String(td.microseconds).padStart(6, "0")}`;
  if (td.days) out = `${td.days} day${Math.abs(td.days) === 1 ? "" : "s"}, ${out}`;
  return out;
}

/** Superset's `format_timedelta`: negative values as `-` + `str(abs(td))`. */
export function formatTimedelta(td: PyTimedelta): string {
  if (td.days >= 0) return timedeltaStr(td);
  const total = -(
    BigInt(td.days) * MICROS_PER_DAY +
    BigInt(td.seconds) * BigInt(MICROS_PER_SECOND) +
    BigInt(td.microseconds)
  );
  const days = total / MICROS_PER_DAY;
  const rest = total % MICROS_PER_DAY;
  const seconds = rest / BigInt(MICROS_PER_SECOND);
  const micros = rest % BigInt(MICROS_PER_SECOND);
  return `-${timedeltaStr(new PyTimedelta(Number(days), Number(seconds), Number(micros)))}`;
}

/** Python's "utf-16" codec: a BOM picks the byte order, else little-endian. Throws for invalid UTF-16. */
function decodeUtf16(bytes: Uint8Array): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return new TextDecoder("utf-16be", { fatal: true }).decode(bytes.subarray(2));
  }
  // A fatal decoder refuses an odd trailing byte too, as Python does.
  return new TextDecoder("utf-16le", { fatal: true }).decode(bytes);
}

/** `base_json_conv`, with the given version options. */
export function makeBaseJsonConv(options: JsonHookOptions = {}): (value: unknown) => unknown {
  const utf16 = options.bytesUtf16Fallback ?? true;
  return (value) => {
    if (value instanceof Set) return [...value];
    if (value instanceof PyDecimal) return new PyFloat(Number(value.text));
    if (value instanceof PyUUID || value instanceof PyTime) return value.toString();
    if (value instanceof PyTimedelta) return formatTimedelta(value);
    if (value instanceof Uint8Array && !(value instanceof PyBytearray)) {
      try {
        return utf8.decode(value);
      } catch {
        // Python falls through to UTF-16, then to a placeholder: never an error.
        if (utf16) {
          try {
            return decodeUtf16(value);
          } catch {
            return "[bytes]";
          }
        }
        return "[bytes]";
      }
    }
    return unserializable(value);
  };
}

/** `json_int_dttm_ser`: datetimes and Timestamps → epoch ms (float), dates → epoch ms, else `base_json_conv`. */
export function makeJsonIntDttmSer(options: JsonHookOptions = {}): (value: unknown) => unknown {
  const rule = options.awareDatetime ?? "astimezone";
  const base = makeBaseJsonConv(options);
  return (value) => {
    if (value instanceof PyDatetime) return new PyFloat(datetimeToEpochMillis(value, rule));
    if (value instanceof PyDatetime64 && value.kind === "Timestamp") {
      return new PyFloat(timestampToEpochMillis(value, rule));
    }
    if (value instanceof PyDate) return new PyFloat(dateToEpochMillis(value));
    return base(value);
  };
}

/** Hooks made by {@link jsonIntDttmSerOf}, at 2 × rule ("replace" 0, "astimezone" 1) + (UTF-16 fallback ? 1 : 0). */
const intDttmSers: ((value: unknown) => unknown)[] = [];

/**
 * `json_int_dttm_ser` for `options`, made once per distinct setting and then shared
 * (the hooks keep no state), so per-key callers do not build two closures per call.
 */
export function jsonIntDttmSerOf(options: JsonHookOptions): (value: unknown) => unknown {
  const rule = options.awareDatetime ?? "astimezone";
  const utf16 = options.bytesUtf16Fallback ?? true;
  if (rule !== "replace" && rule !== "astimezone") return makeJsonIntDttmSer(options);
  const slot = (rule === "replace" ? 0 : 2) + (utf16 ? 1 : 0);
  let hook = intDttmSers[slot];
  if (hook === undefined) {
    hook = makeJsonIntDttmSer({ awareDatetime: rule, bytesUtf16Fallback: utf16 });
    intDttmSers[slot] = hook;
  }
  return hook;
}

/**
 * `json_iso_dttm_ser`: datetimes, dates and pandas Timestamps → `isoformat()` (a Timestamp in a
 * named zone shows its offset at that instant, from Node's IANA data), else `base_json_conv`
 * (or a placeholder when `pessimistic`).
 */
export function makeJsonIsoDttmSer(
  options: JsonHookOptions & { pessimistic?: boolean } = {},
): (value: unknown) => unknown {
  const base = makeBaseJsonConv(options);
  return (value) => {
    if (value instanceof PyDatetime || value instanceof PyDate) return value.isoformat();
    if (value instanceof PyDatetime64 && value.kind === "Timestamp") {
      const text = timestampIsoformat(value);
      if (text !== undefined) return text;
    }
    try {
      return base(value);
    } catch (err) {
      if (options.pessimistic) return `Unserializable [${typeof value}]`;
      throw err;
    }
  };
}
