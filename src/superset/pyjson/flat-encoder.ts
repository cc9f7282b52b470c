/**
 * The hot path of `dumps` for one-line, `ensure_ascii` output (how Superset hashes keys):
 * strings, numbers, booleans, null, lists and plain objects are written here, straight
 * into an {@link AsciiWriter}; anything else (hooks, Maps, Decimals, bytes, deep nesting)
 * goes back to the general encoder through `fallback`, so both paths give the same bytes.
 */
import { AsciiWriter } from "./ascii-writer.js";
import { type KeyInfo, keyInfo } from "./key-info.js";
import { compareCodePoints } from "./key-order.js";

/** What the flat encoder needs from a `dumps` call. Separators must be ASCII. */
export interface FlatEncoder {
  sortKeys: boolean;
  itemSep: string;
  keySep: string;
  /** Containers at this nesting or deeper go to `fallback` (cycle and depth checks live there). */
  flatLimit: number;
  /** Text of a number that is not a safe integer (ints beyond 2^53, floats, NaN/±Infinity). */
  numberText: (x: number) => string;
  /** The general encoder, for values this one does not handle. */
  fallback: (v: unknown, nesting: number) => string;
}

/** Up to this many keys an insertion sort beats the built-in sort (measured on query dicts). */
const INSERTION_SORT_MAX = 32;
const DEFAULT_ITEM_SEP = ", ";
const DEFAULT_KEY_SEP = ": ";
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function byCodePoint(a: KeyInfo, b: KeyInfo): number {
  return compareCodePoints(a.key, b.key);
}

function byCodeUnit(a: KeyInfo, b: KeyInfo): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Sort in Python's `sorted()` order of the keys, in place. */
function sortInfos(infos: KeyInfo[], codePointOrder: boolean): void {
  if (codePointOrder) {
    infos.sort(byCodePoint);
    return;
  }
  if (infos.length > INSERTION_SORT_MAX) {
    infos.sort(byCodeUnit);
    return;
  }
  // No surrogates or U+E000+ in any key: UTF-16 order is code-point order.
  for (let i = 1; i < infos.length; i++) {
    const x = infos[i] as KeyInfo;
    let j = i - 1;
    while (j >= 0 && (infos[j] as KeyInfo).key > x.key) {
      infos[j + 1] = infos[j] as KeyInfo;
      j--;
    }
    infos[j + 1] = x;
  }
}

function writeObject(enc: FlatEncoder, w: AsciiWriter, o: Record<string, unknown>, nesting: number): void {
  const keys = Object.keys(o);
  const n = keys.length;
  if (n === 0) {
    w.ascii("{}");
    return;
  }
  const infos = new Array<KeyInfo>(n);
  let codePointOrder = false;
  for (let i = 0; i < n; i++) {
    const info = keyInfo(keys[i] as string);
    if (info.codePointOrder) codePointOrder = true;
    infos[i] = info;
  }
  if (enc.sortKeys) sortInfos(infos, codePointOrder);
  w.byte(OPEN_BRACE);
  if (enc.itemSep === DEFAULT_ITEM_SEP && enc.keySep === DEFAULT_KEY_SEP) {
    // Default separators: each member's prefix is one cached string.
    for (let i = 0; i < n; i++) {
      const info = infos[i] as KeyInfo;
      w.ascii(i > 0 ? info.next : info.first);
      writeValue(enc, w, o[info.key], nesting + 1);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const info = infos[i] as KeyInfo;
      if (i > 0) w.ascii(enc.itemSep);
      w.ascii(info.quoted);
      w.ascii(enc.keySep);
      writeValue(enc, w, o[info.key], nesting + 1);
    }
  }
  w.byte(CLOSE_BRACE);
}

function writeList(enc: FlatEncoder, w: AsciiWriter, list: readonly unknown[], nesting: number): void {
  const n = list.length;
  w.byte(OPEN_BRACKET);
  for (let i = 0; i < n; i++) {
    if (i > 0) w.ascii(enc.itemSep);
    writeValue(enc, w, list[i], nesting + 1);
  }
  w.byte(CLOSE_BRACKET);
}

/** Writes `v` as one-line, ASCII-only simplejson text; `nesting` as in the general encoder. */
function writeValue(enc: FlatEncoder, w: AsciiWriter, v: unknown, nesting: number): void {
  switch (typeof v) {
    case "string":
      w.quoted(v);
      return;
    case "number":
      w.ascii(Number.isSafeInteger(v) && !Object.is(v, -0) ? `${v}` : enc.numberText(v));
      return;
    case "boolean":
      w.ascii(v ? "true" : "false");
      return;
    case "object":
      if (v === null) {
        w.ascii("null");
        return;
      }
      if (nesting < enc.flatLimit) {
        if (Array.isArray(v)) {
          writeList(enc, w, v, nesting);
          return;
        }
        if (isPlainObject(v)) {
          writeObject(enc, w, v, nesting);
          return;
        }
      }
  }
  w.raw(enc.fallback(v, nesting));
}

// One writer serves every call; a call made while it is busy (a `default` hook that calls
// `dumps` itself) gets its own.
const shared = new AsciiWriter();
let sharedBusy = false;

/**
 * Encodes `value` and passes the result to `consume` (the UTF-8 bytes as a view valid only
 * during the call, or the text when it holds non-ASCII set-aside text), returning its result.
 */
export function flatEncode<T>(enc: FlatEncoder, value: unknown, consume: (out: AsciiWriter) => T): T {
  const own = sharedBusy;
  const w = own ? new AsciiWriter() : shared;
  sharedBusy = true;
  try {
    writeValue(enc, w, value, 0);
    return consume(w);
  } finally {
    if (!own) {
      w.reset();
      sharedBusy = false;
    }
  }
}
