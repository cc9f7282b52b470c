/**
 * `pyjson.dumps`: byte-identical to `simplejson.dumps` (3.x, with its C speedups) for the
 * JS shapes of Python values this library uses (see `src/codecs/pickle/values.ts`).
 *
 * Number rules: a JS `number` that is an integer (and not -0) is a Python `int`; any other
 * number is a `float`; a `PyFloat` is a float even when integral (`2.0`), which is how
 * `pickle.loads(b, { exactNumbers: true })` keeps Python's distinction; a `bigint` is an int.
 */
import { PyBytearray, PyDecimal, PyEnum, PyFloat } from "../../codecs/pickle/values.js";
import { PyJsonEncodeError } from "./errors.js";
import { type FlatEncoder, flatEncode } from "./flat-encoder.js";
import { pythonFloatRepr } from "./float-repr.js";
import { keyInfo } from "./key-info.js";
import { pythonKeyClass } from "./key-memo.js";
import { compareCodePoints } from "./key-order.js";
import { quoteAscii, quoteUnicode } from "./string-escape.js";

/** simplejson's keyword arguments in camelCase; defaults are simplejson 3.x's. */
export interface PyJsonDumpsOptions {
  /** Sort object members by key (Python code-point order). Default `false`. */
  sortKeys?: boolean;
  /** Write NaN/±Infinity as `null`; wins over `allowNan`. Default `false`. */
  ignoreNan?: boolean;
  /** Write NaN/±Infinity as `NaN`/`Infinity`/`-Infinity`; when false they throw. Default `true` (simplejson 3.x). */
  allowNan?: boolean;
  /** Escape every non-ASCII character as `\uXXXX`. Default `true`. */
  ensureAscii?: boolean;
  /** `[itemSeparator, keySeparator]`. Default `[", ", ": "]`, or `[",", ": "]` when `indent` is set. */
  separators?: readonly [string, string];
  /** Pretty-print with this many spaces (or this string) per level. Default none (one line). */
  indent?: number | string | null;
  /**
   * Called for any value JSON cannot hold (sets, dates, UUIDs, …); returns a replacement to
   * encode, or throws. Without it such values throw `PYJSON_UNSERIALIZABLE`, as Python's TypeError.
   */
  default?: (value: unknown) => unknown;
  /** Drop dict members whose key type is not allowed instead of throwing. Default `false`. */
  skipKeys?: boolean;
  /** Write `PyDecimal` as its text (`12.50`). When false it goes to `default`. Default `true`. */
  useDecimal?: boolean;
  /**
   * simplejson's `encoding`: `"utf-8"` decodes bytes values and keys as text; `null` sends
   * bytes to `default` (and rejects bytes keys). Default `"utf-8"`.
   */
  encoding?: "utf-8" | null;
  /** Nesting limit standing in for Python's recursion limit. Default 1000. */
  maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 1000;
const utf8 = new TextDecoder("utf-8", { fatal: true });

interface Encoder {
  quote: (s: string) => string;
  sortKeys: boolean;
  ignoreNan: boolean;
  allowNan: boolean;
  itemSep: string;
  keySep: string;
  indent: string | null;
  hook: ((value: unknown) => unknown) | undefined;
  skipKeys: boolean;
  useDecimal: boolean;
  bytesAsText: boolean;
  maxDepth: number;
  active: Set<object>;
  /** Separators of one-line output, built once. */
  flat: Layout;
  /** simplejson C encoder's key memo (only with sortKeys false and no indent), else null. */
  keyMemo: Map<string, string> | null;
}

/**
 * Encode `value` exactly as `simplejson.dumps(value, **options)` would.
 * @throws PyJsonEncodeError (codes in {@link PyJsonErrorCode}) where simplejson raises.
 */
export function dumps(value: unknown, options: PyJsonDumpsOptions = {}): string {
  const enc = encoderOf(options);
  const flat = flatEncoderOf(enc);
  return flat ? flatEncode(flat, value, (out) => out.text()) : encode(enc, value, 0, 0);
}

/**
 * `dumps(value, options)` handed to `consume` as its UTF-8 bytes (a view valid only during
 * the call) or, where no byte form is at hand, as the string; for hashing without a string.
 * @throws PyJsonEncodeError as {@link dumps}.
 */
export function dumpsUtf8<T>(
  value: unknown,
  options: PyJsonDumpsOptions,
  consume: (utf8: Uint8Array | string) => T,
): T {
  const enc = encoderOf(options);
  const flat = flatEncoderOf(enc);
  return flat ? flatEncode(flat, value, (out) => consume(out.utf8())) : consume(encode(enc, value, 0, 0));
}

function encoderOf(options: PyJsonDumpsOptions): Encoder {
  const indentOpt = options.indent;
  const indent =
    indentOpt === undefined || indentOpt === null
      ? null
      : typeof indentOpt === "number"
        ? " ".repeat(indentOpt)
        : indentOpt;
  const [itemSep, keySep] = options.separators ?? (indent === null ? DEFAULT_SEPARATORS : INDENT_SEPARATORS);
  const sortKeys = options.sortKeys ?? false;
  return {
    quote: options.ensureAscii === false ? quoteUnicode : quoteAscii,
    sortKeys,
    ignoreNan: options.ignoreNan ?? false,
    allowNan: options.allowNan ?? true,
    itemSep,
    keySep,
    indent,
    hook: options.default,
    skipKeys: options.skipKeys ?? false,
    useDecimal: options.useDecimal ?? true,
    bytesAsText: options.encoding !== null,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    active: new Set(),
    keyMemo: !sortKeys && indent === null ? new Map() : null,
    flat: { sep: itemSep, open: "", close: "" },
  };
}

const DEFAULT_SEPARATORS = [", ", ": "] as const;
const INDENT_SEPARATORS = [",", ": "] as const;
const ASCII_ONLY = /^\p{ASCII}*$/u;

/** The flat (byte-writing) encoder for one-line `ensure_ascii` output with ASCII separators, else null. */
function flatEncoderOf(enc: Encoder): FlatEncoder | null {
  if (enc.indent !== null || enc.quote !== quoteAscii) return null;
  if (!ASCII_ONLY.test(enc.itemSep) || !ASCII_ONLY.test(enc.keySep)) return null;
  return {
    sortKeys: enc.sortKeys,
    itemSep: enc.itemSep,
    keySep: enc.keySep,
    flatLimit: Math.min(CYCLE_CHECK_NESTING, enc.maxDepth),
    numberText: (x) => numberText(enc, x),
    // One-line output: `level` only matters with `indent`, so nesting stands in for it.
    fallback: (v, nesting) => encode(enc, v, nesting, nesting),
  };
}

function floatText(enc: Encoder, x: number): string {
  if (Number.isFinite(x)) return pythonFloatRepr(x);
  if (enc.ignoreNan) return "null";
  if (!enc.allowNan) {
    throw new PyJsonEncodeError(
      "PYJSON_NAN_NOT_ALLOWED",
      `Out of range float values are not JSON compliant: ${pythonFloatRepr(x)}`,
    );
  }
  return Number.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
}

function numberText(enc: Encoder, x: number): string {
  if (Number.isInteger(x) && !Object.is(x, -0)) {
    return Number.isSafeInteger(x) ? String(x) : BigInt(x).toString();
  }
  return floatText(enc, x);
}

function bytesText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch (cause) {
    throw new PyJsonEncodeError("PYJSON_BYTES_NOT_UTF8", "bytes are not valid UTF-8", { cause });
  }
}

/** Python `bytes` (a bytearray is another type and goes to `default`). */
function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array && !(v instanceof PyBytearray);
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype;
}

/** Scalars simplejson writes without recursion; `undefined` when `v` is not one. */
function scalarText(enc: Encoder, v: unknown): string | undefined {
  switch (typeof v) {
    case "string":
      return enc.quote(v);
    case "number":
      return numberText(enc, v);
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return v.toString();
    case "object":
      if (v === null) return "null";
      if (v instanceof PyFloat) return floatText(enc, v.value);
      if (v instanceof PyDecimal && enc.useDecimal) return v.text;
      if (isBytes(v) && enc.bytesAsText) return enc.quote(bytesText(v));
      // Superset's enums are str/int mixins, which simplejson writes as their value.
      if (v instanceof PyEnum && (typeof v.value === "string" || typeof v.value === "number")) {
        return scalarText(enc, v.value);
      }
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Containers are tracked for cycles only below this nesting: a cyclic value always gets
 * this deep, so cycles are still reported as `PYJSON_CIRCULAR`, while the common shallow
 * case skips the bookkeeping.
 */
const CYCLE_CHECK_NESTING = 32;

/** `level` drives indentation; `nesting` counts every step (hook calls too) against `maxDepth`. */
function encode(enc: Encoder, v: unknown, level: number, nesting: number): string {
  switch (typeof v) {
    case "string":
      return enc.quote(v);
    case "number":
      return numberText(enc, v);
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return v.toString();
    case "object": {
      if (v === null) return "null";
      if (Array.isArray(v) || v instanceof Map || isPlainObject(v)) {
        if (nesting >= enc.maxDepth) tooDeep(enc);
        if (nesting < CYCLE_CHECK_NESTING) return containerText(enc, v, level, nesting);
        return tracked(enc, v, () => containerText(enc, v, level, nesting));
      }
      const scalar = scalarText(enc, v);
      if (scalar !== undefined) return scalar;
    }
  }
  if (!enc.hook) {
    throw new PyJsonEncodeError(
      "PYJSON_UNSERIALIZABLE",
      `Object of type ${typeName(v)} is not JSON serializable`,
    );
  }
  if (nesting >= enc.maxDepth) tooDeep(enc);
  const hook = enc.hook;
  return tracked(enc, v, () => encode(enc, hook(v), level, nesting + 1));
}

function tooDeep(enc: Encoder): never {
  throw new PyJsonEncodeError("PYJSON_TOO_DEEP", `nesting deeper than ${enc.maxDepth}`);
}

function containerText(enc: Encoder, v: object, level: number, nesting: number): string {
  if (Array.isArray(v)) return encodeList(enc, v, level, nesting);
  if (v instanceof Map) return encodeDict(enc, v.entries(), level, nesting);
  return encodeObject(enc, v as Record<string, unknown>, level, nesting);
}

/** Runs `body` with `v` marked as being encoded, as simplejson's `check_circular` does. */
function tracked(enc: Encoder, v: unknown, body: () => string): string {
  if (typeof v !== "object" || v === null) return body();
  if (enc.active.has(v)) throw new PyJsonEncodeError("PYJSON_CIRCULAR", "Circular reference detected");
  enc.active.add(v);
  try {
    return body();
  } finally {
    enc.active.delete(v);
  }
}

interface Layout {
  sep: string;
  open: string;
  close: string;
}

function openClose(enc: Encoder, depth: number): Layout {
  if (enc.indent === null) return enc.flat;
  const inner = `\n${enc.indent.repeat(depth + 1)}`;
  return { sep: enc.itemSep + inner, open: inner, close: `\n${enc.indent.repeat(depth)}` };
}

function encodeList(enc: Encoder, list: readonly unknown[], level: number, nesting: number): string {
  if (list.length === 0) return "[]";
  const { sep, open, close } = openClose(enc, level);
  let out = `[${open}`;
  for (let i = 0; i < list.length; i++) {
    if (i > 0) out += sep;
    out += encode(enc, list[i], level + 1, nesting + 1);
  }
  return `${out}${close}]`;
}

function quoteKey(enc: Encoder, key: string): string {
  return enc.quote === quoteAscii ? keyInfo(key).quoted : enc.quote(key);
}

/** Up to this many keys an insertion sort beats the built-in sort (measured on query dicts). */
const INSERTION_SORT_MAX = 32;

/** Sort str keys in Python's order, in place. */
function sortKeysInPlace(keys: string[]): void {
  for (const k of keys) {
    if (keyInfo(k).codePointOrder) {
      keys.sort(compareCodePoints);
      return;
    }
  }
  if (keys.length > INSERTION_SORT_MAX) {
    keys.sort();
    return;
  }
  // No surrogates or U+E000+ in any key: UTF-16 order is code-point order.
  for (let i = 1; i < keys.length; i++) {
    const x = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > x) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = x;
  }
}

/** Plain objects: string keys only. */
function encodeObject(enc: Encoder, o: Record<string, unknown>, level: number, nesting: number): string {
  const keys = Object.keys(o);
  if (keys.length === 0) return "{}";
  if (enc.sortKeys) sortKeysInPlace(keys);
  const { sep, open, close } = openClose(enc, level);
  let out = `{${open}`;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (i > 0) out += sep;
    out += quoteKey(enc, key) + enc.keySep + encode(enc, o[key], level + 1, nesting + 1);
  }
  return `${out}${close}}`;
}

function encodeDict(
  enc: Encoder,
  entries: Iterable<[unknown, unknown]>,
  level: number,
  nesting: number,
): string {
  let items: Iterable<[unknown, unknown]> = entries;
  if (enc.sortKeys) {
    const members: [string, unknown][] = [];
    for (const [k, val] of entries) {
      const key = typeof k === "string" ? k : keyText(enc, k);
      if (key !== undefined) members.push([key, val]);
    }
    items = members.sort((a, b) => compareCodePoints(a[0], b[0]));
  }
  const { sep, open, close } = openClose(enc, level);
  let out = "";
  let first = true;
  // Unsorted keys are stringified one at a time, between values, as the C encoder does
  // (the key memo makes the order observable).
  for (const [k, val] of items) {
    const key = typeof k === "string" ? k : memoizedKeyText(enc, k);
    if (key === undefined) continue;
    out += first ? `{${open}` : sep;
    first = false;
    out += enc.quote(key) + enc.keySep + encode(enc, val, level + 1, nesting + 1);
  }
  return first ? "{}" : `${out}${close}}`;
}

function memoizedKeyText(enc: Encoder, k: unknown): string | undefined {
  const memo = enc.keyMemo;
  const cls = memo ? pythonKeyClass(k) : undefined;
  if (memo === null || cls === undefined) return keyText(enc, k);
  const known = memo.get(cls);
  if (known !== undefined) return known;
  const text = keyText(enc, k);
  if (text !== undefined) memo.set(cls, text);
  return text;
}

/** simplejson's `_stringify_key`; `undefined` means "skip" (only with `skipKeys`). */
function keyText(enc: Encoder, k: unknown): string | undefined {
  if (k === null) return "null";
  if (typeof k === "boolean") return k ? "true" : "false";
  if (typeof k === "number") return numberText(enc, k);
  if (typeof k === "bigint") return k.toString();
  if (k instanceof PyFloat) return floatText(enc, k.value);
  if (k instanceof PyDecimal && enc.useDecimal) return k.text;
  if (isBytes(k) && enc.bytesAsText) return bytesText(k);
  if (enc.skipKeys) return undefined;
  throw new PyJsonEncodeError(
    "PYJSON_KEY_TYPE",
    `keys must be str, int, float, bool or None, not ${typeName(k)}`,
  );
}

function typeName(v: unknown): string {
  if (v === undefined) return "undefined";
  if (typeof v === "object" && v !== null) return v.constructor?.name ?? "object";
  return typeof v;
}
