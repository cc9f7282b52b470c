/**
 * Flask's `TaggedJSONSerializer` (flask/json/tag.py), the session cookie's payload format:
 * JSON where a one-key object tags a type JSON lacks — ` t` tuple, ` b` bytes (standard
 * base64), ` m` Markup, ` u` UUID (hex), ` d` datetime (HTTP date), ` di` a one-key dict whose
 * key is itself a tag. Dumped as Flask's default JSON provider does: sorted keys, compact
 * separators, ASCII only; dates and Decimals through its default hook.
 */
import { dumps } from "../../codecs/json/dumps.js";
import { stdlibJsonLoads } from "../../codecs/json/stdlib-decode.js";
import { isPlainObject } from "../../python/dicts.js";
import {
  PyBytearray,
  PyDate,
  PyDatetime,
  PyDecimal,
  PyObject,
  PyTuple,
  PyUUID,
  type PyValue,
} from "../../python/values.js";
import { AuthError } from "../errors.js";
import { httpDate, parseHttpDate } from "./http-date.js";
import { a2bBase64 } from "./itsdangerous-base64.js";

const TAGS = new Set([" di", " t", " b", " m", " u", " d"]);

/** `markupsafe.Markup(text)`: kept as the inert object a pickled Markup also decodes to. */
export function markup(text: string): PyObject {
  const value = new PyObject("markupsafe", "Markup", [text]);
  value.call = "newobj";
  return value;
}

function markupText(value: PyValue): string | null {
  if (!(value instanceof PyObject) || value.qualifiedName !== "markupsafe.Markup") return null;
  const text = value.args?.[0];
  return typeof text === "string" ? text : null;
}

/** `TaggedJSONSerializer.tag(value)`: the JSON-ready form, tags applied in Flask's check order. */
function tag(value: PyValue): PyValue {
  if (value instanceof Map) {
    if (value.size === 1) {
      const [k, v] = value.entries().next().value as [PyValue, PyValue];
      if (typeof k === "string" && TAGS.has(k)) return { " di": { [`${k}__`]: tag(v) } };
    }
    return new Map([...value].map(([k, v]) => [k, tag(v)]));
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && TAGS.has(keys[0] as string)) {
      const k = keys[0] as string;
      return { " di": { [`${k}__`]: tag(value[k] as PyValue) } };
    }
    // Null prototype: a `__proto__` key is an own key here, never the object's prototype.
    const out: Record<string, PyValue> = Object.create(null);
    for (const k of keys) out[k] = tag(value[k] as PyValue);
    return out;
  }
  if (value instanceof PyTuple) return { " t": Array.from(value, tag) };
  if (Array.isArray(value)) return value.map(tag);
  if (value instanceof Uint8Array && !(value instanceof PyBytearray)) {
    return { " b": Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  }
  const text = markupText(value);
  if (text !== null) return { " m": text };
  if (value instanceof PyUUID) return { " u": value.hex };
  if (value instanceof PyDatetime) return { " d": httpDate(value) };
  return value;
}

/** Flask's `DefaultJSONProvider.default`: dates as HTTP dates, Decimals as their text. */
function providerDefault(value: unknown): unknown {
  if (value instanceof PyDate) return httpDate(value);
  if (value instanceof PyDecimal) return value.text;
  const name = (value as { constructor?: { name?: string } })?.constructor?.name ?? typeof value;
  throw new AuthError("AUTH_SESSION_ENCODE_FAILED", `Object of type ${name} is not JSON serializable`);
}

/**
 * `session_json_serializer.dumps(value)` inside an app context: the exact text Flask signs.
 * @throws AuthError `AUTH_SESSION_ENCODE_FAILED` (or a `PyJsonEncodeError`) for a value Flask cannot serialize
 */
export function dumpsTaggedJson(value: PyValue): string {
  return dumps(tag(value), {
    sortKeys: true,
    separators: [",", ":"],
    ensureAscii: true,
    useDecimal: false,
    encoding: null,
    default: providerDefault,
  });
}

/**
 * `session_json_serializer.loads(text)`: stdlib `json.loads`, then every tagged object
 * rebuilt bottom-up (Flask's `_untag_scan`). Integral floats stay `PyFloat`, so a loaded value
 * dumps back to the same text.
 * @throws CacheDecodeError for invalid JSON; AuthError `AUTH_SESSION_DECODE_FAILED` for a tag Flask could not rebuild
 */
export function loadsTaggedJson(bytes: Uint8Array): PyValue {
  return untagScan(stdlibJsonLoads(bytes, { exactNumbers: true }));
}

function untagScan(value: PyValue): PyValue {
  if (Array.isArray(value)) return value.map(untagScan);
  if (!isPlainObject(value)) return value;
  const scanned: Record<string, PyValue> = Object.create(null);
  for (const k of Object.keys(value)) scanned[k] = untagScan(value[k] as PyValue);
  const keys = Object.keys(scanned);
  if (keys.length !== 1 || !TAGS.has(keys[0] as string)) return scanned;
  return untag(keys[0] as string, scanned[keys[0] as string] as PyValue);
}

function untag(key: string, content: PyValue): PyValue {
  switch (key) {
    case " t":
      if (Array.isArray(content)) return PyTuple.fromItems(content);
      if (typeof content === "string") return PyTuple.fromItems(Array.from(content));
      break;
    case " b":
      // b64decode(str) accepts only ASCII text.
      if (typeof content === "string" && /^\p{ASCII}*$/u.test(content)) {
        const bytes = a2bBase64(Buffer.from(content, "latin1"), { urlsafe: false, pad: false });
        if (bytes !== null) return Uint8Array.from(bytes);
      }
      break;
    case " m":
      if (typeof content === "string") return markup(content);
      break;
    case " u":
      if (typeof content === "string") {
        const hex = uuidHex(content);
        if (hex !== null) return new PyUUID(hex);
      }
      break;
    case " d":
      // Werkzeug's parse_date answers None for text it cannot read.
      if (typeof content === "string") return parseHttpDate(content);
      break;
    case " di":
      if (isPlainObject(content)) {
        const first = Object.keys(content)[0];
        if (first !== undefined) {
          const out: Record<string, PyValue> = Object.create(null);
          out[first.slice(0, -2)] = content[first] as PyValue;
          return out;
        }
      }
      break;
  }
  throw new AuthError(
    "AUTH_SESSION_DECODE_FAILED",
    `tagged value ${JSON.stringify(key)} has content Flask cannot rebuild`,
  );
}

/** `uuid.UUID(text).hex`: `urn:`, `uuid:`, outer braces and hyphens are ignored; 32 hex digits must remain. */
function uuidHex(text: string): string | null {
  const hex = text
    .replaceAll("urn:", "")
    .replaceAll("uuid:", "")
    .replace(/^[{}]+|[{}]+$/g, "")
    .replaceAll("-", "");
  return /^[0-9a-fA-F]{32}$/.test(hex) ? hex.toLowerCase() : null;
}
