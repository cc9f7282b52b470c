/**
 * The general simplejson encoder behind `dumps`: every option (indent, separators,
 * `ensure_ascii=False`, unsorted dict keys with the C encoder's key memo, cycle checks,
 * `default` hooks). Builds a string. The flat byte writer (`flat-encoder.ts`) handles the
 * common one-line case and hands everything it does not handle to {@link encodeValue}.
 */
import { isPlainObject } from "../../python/dicts.js";
import { pythonFloatRepr } from "../../python/numbers.js";
import { PyBytearray, PyDecimal, PyEnum, PyFloat } from "../../python/values.js";
import { PyJsonEncodeError } from "./errors.js";
import { keyInfo } from "./key-info.js";
import { pythonKeyClass } from "./key-memo.js";
import { compareCodePoints } from "./key-order.js";
import { quoteAscii } from "./string-escape.js";

/** One `dumps` call's settings and state (plain fields only: built per call). */
export interface Encoder {
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
  /** Containers (and hooked values) being encoded; created on first use. */
  active: Set<object> | null;
  /** simplejson C encoder's key memo (only with sortKeys false and no indent); created on first use. */
  keyMemo: Map<string, string> | null;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Containers are tracked for cycles only below this nesting: a cyclic value always gets
 * this deep, so cycles are still reported as `PYJSON_CIRCULAR`, while the common shallow
 * case skips the bookkeeping.
 */
export const CYCLE_CHECK_NESTING = 32;

/** Text of a Python float (`PyFloat` or a non-integral number), NaN/±Infinity per the options. */
export function floatText(enc: Encoder, x: number): string {
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

/** Text of a JS number: integral (and not -0) is a Python int, anything else a float. */
export function numberText(enc: Encoder, x: number): string {
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
 * Text of `v` at `nesting`, for one-line output (where `level`, the indentation depth, is
 * irrelevant): the flat writer's way into this encoder.
 */
export function encodeValue(enc: Encoder, v: unknown, nesting: number): string {
  return encode(enc, v, nesting, nesting);
}

/** `level` drives indentation; `nesting` counts every step (hook calls too) against `maxDepth`. */
export function encode(enc: Encoder, v: unknown, level: number, nesting: number): string {
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
        return trackedContainerText(enc, v, level, nesting);
      }
      const scalar = scalarText(enc, v);
      if (scalar !== undefined) return scalar;
    }
  }
  return hookedText(enc, v, level, nesting);
}

/** `default(v)` encoded in place of `v`, with `v` marked as being encoded (check_circular). */
function hookedText(enc: Encoder, v: unknown, level: number, nesting: number): string {
  const hook = enc.hook;
  if (hook === undefined) {
    throw new PyJsonEncodeError(
      "PYJSON_UNSERIALIZABLE",
      `Object of type ${typeName(v)} is not JSON serializable`,
    );
  }
  if (nesting >= enc.maxDepth) tooDeep(enc);
  if (typeof v !== "object" || v === null) return encode(enc, hook(v), level, nesting + 1);
  if (enc.active?.has(v)) circular();
  return replacementText(enc, v, hook(v), level, nesting);
}

function replacementText(
  enc: Encoder,
  v: object,
  replacement: unknown,
  level: number,
  nesting: number,
): string {
  // A str/number/bool/None/float replacement is written without reaching any container,
  // so marking `v` (what Python does) could never be observed: skip the bookkeeping.
  if (isLeaf(replacement)) return encode(enc, replacement, level, nesting + 1);
  const active = activeOf(enc);
  active.add(v);
  try {
    return encode(enc, replacement, level, nesting + 1);
  } finally {
    active.delete(v);
  }
}

/**
 * Text of `replacement`, what `default(v)` returned for `v` at `nesting` (one-line output),
 * with `v` marked as being encoded. The caller has done `hookedText`'s checks.
 */
export function encodeReplacement(enc: Encoder, v: object, replacement: unknown, nesting: number): string {
  return replacementText(enc, v, replacement, nesting, nesting);
}

/** Values written without reaching any container or hook. */
export function isLeaf(v: unknown): boolean {
  const t = typeof v;
  return t === "string" || t === "number" || t === "boolean" || v === null || v instanceof PyFloat;
}

function activeOf(enc: Encoder): Set<object> {
  if (enc.active === null) enc.active = new Set();
  return enc.active;
}

function circular(): never {
  throw new PyJsonEncodeError("PYJSON_CIRCULAR", "Circular reference detected");
}

function tooDeep(enc: Encoder): never {
  throw new PyJsonEncodeError("PYJSON_TOO_DEEP", `nesting deeper than ${enc.maxDepth}`);
}

function containerText(enc: Encoder, v: object, level: number, nesting: number): string {
  if (Array.isArray(v)) return encodeList(enc, v, level, nesting);
  if (v instanceof Map) return encodeDict(enc, v.entries(), level, nesting);
  return encodeObject(enc, v as Record<string, unknown>, level, nesting);
}

/** {@link containerText} with `v` marked as being encoded, as simplejson's `check_circular` does. */
function trackedContainerText(enc: Encoder, v: object, level: number, nesting: number): string {
  const active = activeOf(enc);
  if (active.has(v)) circular();
  active.add(v);
  try {
    return containerText(enc, v, level, nesting);
  } finally {
    active.delete(v);
  }
}

interface Layout {
  sep: string;
  open: string;
  close: string;
}

function openClose(enc: Encoder, depth: number): Layout {
  if (enc.indent === null) return { sep: enc.itemSep, open: "", close: "" };
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

/** simplejson C encoder's key memo applies: unsorted keys, no indent. */
function memoizesKeys(enc: Encoder): boolean {
  return !enc.sortKeys && enc.indent === null;
}

function memoizedKeyText(enc: Encoder, k: unknown): string | undefined {
  const cls = memoizesKeys(enc) ? pythonKeyClass(k) : undefined;
  if (cls === undefined) return keyText(enc, k);
  if (enc.keyMemo === null) enc.keyMemo = new Map();
  const memo = enc.keyMemo;
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
