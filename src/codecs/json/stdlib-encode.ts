/**
 * Python stdlib `json.dumps(value)` with its defaults (separators ", " and ": ",
 * ensure_ascii=True, allow_nan=True, insertion-ordered keys): the text Superset's
 * JsonKeyValueCodec stores. Not simplejson: no Decimal, no tuples-as-namedtuples, no iterables.
 */

import { CacheEncodeError } from "../../core/errors.js";
import { PyEnum, PyFloat, type PyValue } from "../../python/values.js";

/** Nesting deeper than this is refused (CPython's recursion limit is about 1000). */
export const MAX_JSON_DEPTH = 1000;

/** Python's `repr(float)`: shortest round-trip digits, `1.0` for integral values, `1e-05` / `1e+16` exponents. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "Infinity";
  if (x === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = x.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  if (exp < -4 || exp >= 16) {
    const frac = digits.slice(1);
    const e = `${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
    return `${sign}${digits[0]}${frac ? `.${frac}` : ""}e${e}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const fracPart = digits.slice(exp + 1);
  return `${sign}${intPart}.${fracPart || "0"}`;
}

/** Strings needing no escape at all (printable ASCII except `"` and `\\`). */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
/** What JSON.stringify leaves unescaped but ensure_ascii escapes: DEL and every non-ASCII code unit. */
const NON_ASCII = /[\u007f-\uffff]/g;

function escapeUnit(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * `json.dumps(s)` with ensure_ascii: everything outside space..tilde escaped, lowercase hex,
 * astral characters as surrogate pairs, lone surrogates as `\udXXX`. JSON.stringify already
 * escapes quotes, backslashes and control characters exactly as Python does (short forms for
 * `\b\f\n\r\t`, lowercase `\u00XX` otherwise) and lone surrogates (well-formed stringify).
 */
export function pythonJsonString(s: string): string {
  if (PLAIN.test(s)) return `"${s}"`;
  return JSON.stringify(s).replace(NON_ASCII, escapeUnit);
}

/**
 * Encode as stdlib `json.dumps(value)` would.
 * @throws CacheEncodeError `METASTORE_JSON_UNSERIALIZABLE` for values json.dumps rejects
 *   (bytes, sets, dates, Decimal, objects…), `METASTORE_JSON_TOO_DEEP` past {@link MAX_JSON_DEPTH}.
 */
export function stdlibJsonDumps(value: PyValue): string {
  const parts: string[] = [];
  write(value, parts, 0);
  return parts.join("");
}

function write(value: PyValue, out: string[], depth: number): void {
  if (depth > MAX_JSON_DEPTH) {
    throw new CacheEncodeError("METASTORE_JSON_TOO_DEEP", `value nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  if (value === null) out.push("null");
  else if (value === true) out.push("true");
  else if (value === false) out.push("false");
  else if (typeof value === "string") out.push(pythonJsonString(value));
  else if (typeof value === "bigint") out.push(value.toString());
  else if (typeof value === "number") {
    out.push(isPythonInt(value) ? String(value) : pythonFloatRepr(value));
  } else if (value instanceof PyFloat) out.push(pythonFloatRepr(value.value));
  else if (value instanceof PyEnum && typeof value.value === "string") {
    // A str-based enum (DatasourceType) is a str subclass: json.dumps writes its value.
    out.push(pythonJsonString(value.value));
  } else if (Array.isArray(value)) {
    out.push("[");
    value.forEach((item, i) => {
      if (i > 0) out.push(", ");
      write(item, out, depth + 1);
    });
    out.push("]");
  } else if (value instanceof Map) {
    out.push("{");
    let first = true;
    for (const [k, v] of value) {
      if (!first) out.push(", ");
      first = false;
      out.push(pythonJsonString(mapKey(k)), ": ");
      write(v, out, depth + 1);
    }
    out.push("}");
  } else if (isPlainObject(value)) {
    out.push("{");
    let first = true;
    for (const k of Object.keys(value)) {
      if (!first) out.push(", ");
      first = false;
      out.push(pythonJsonString(k), ": ");
      write((value as Record<string, PyValue>)[k]!, out, depth + 1);
    }
    out.push("}");
  } else {
    throw unserializable(value);
  }
}

/** json.dumps converts str/int/float/bool/None dict keys to strings; others raise TypeError. */
function mapKey(k: PyValue): string {
  if (typeof k === "string") return k;
  if (k === true) return "true";
  if (k === false) return "false";
  if (k === null) return "null";
  if (typeof k === "bigint") return k.toString();
  if (typeof k === "number") return isPythonInt(k) ? String(k) : pythonFloatRepr(k);
  if (k instanceof PyFloat) return pythonFloatRepr(k.value);
  throw new CacheEncodeError("METASTORE_JSON_UNSERIALIZABLE", `keys must be str, int, float, bool or None`);
}

function isPlainObject(value: unknown): value is Record<string, PyValue> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

function unserializable(value: unknown): CacheEncodeError {
  const name =
    value instanceof Uint8Array
      ? "bytes"
      : value instanceof Set
        ? "set"
        : ((value as { constructor?: { name?: string } })?.constructor?.name ?? typeof value);
  return new CacheEncodeError(
    "METASTORE_JSON_UNSERIALIZABLE",
    `Object of type ${name} is not JSON serializable (JsonKeyValueCodec uses the stdlib json module)`,
  );
}

/**
 * A JS number reads as a Python int when it is a safe integer (not -0). Integral numbers
 * beyond 2^53 are written as floats: Python ints that large decode to bigint, so a number
 * there came from a float.
 */
export function isPythonInt(x: number): boolean {
  return Number.isSafeInteger(x) && !Object.is(x, -0);
}
