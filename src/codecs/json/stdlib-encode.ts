/**
 * Python stdlib `json.dumps(value)` with its defaults (separators ", " and ": ",
 * ensure_ascii=True, allow_nan=True, insertion-ordered keys): the text Superset's
 * JsonKeyValueCodec stores. Not simplejson: no Decimal, no tuples-as-namedtuples, no iterables.
 */

import { CacheEncodeError } from "../../core/errors.js";
import { isPlainObject } from "../../python/dicts.js";
import { isPythonInt, pythonFloatRepr } from "../../python/numbers.js";
import { PyEnum, PyFloat, type PyValue } from "../../python/values.js";

/** Nesting deeper than this is refused (CPython's recursion limit is about 1000). */
export const MAX_JSON_DEPTH = 1000;

/**
 * A Python float as json.dumps writes it (allow_nan=True): `repr(x)` when finite, else
 * `NaN`, `Infinity` or `-Infinity` (JavaScript's spellings, not Python's `nan`/`inf`).
 */
function floatText(x: number): string {
  if (Number.isFinite(x)) return pythonFloatRepr(x);
  return Number.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
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
    out.push(isPythonInt(value) ? String(value) : floatText(value));
  } else if (value instanceof PyFloat) out.push(floatText(value.value));
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
  if (typeof k === "number") return isPythonInt(k) ? String(k) : floatText(k);
  if (k instanceof PyFloat) return floatText(k.value);
  throw new CacheEncodeError("METASTORE_JSON_UNSERIALIZABLE", `keys must be str, int, float, bool or None`);
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
