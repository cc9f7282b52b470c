/**
 * The hot path of `dumps` for one-line, `ensure_ascii` output (how Superset hashes keys):
 * strings, numbers, booleans, null, floats, lists and plain objects are written here,
 * straight into an {@link AsciiWriter}; anything else (hooks, Maps, Decimals, bytes, deep
 * nesting) goes to the general encoder, so both paths give the same bytes. Nothing here
 * allocates per value beyond `Object.keys`: member order comes from the shape cache.
 */
import { isPlainObject } from "../../python/dicts.js";
import { PyDecimal, PyEnum, PyFloat } from "../../python/values.js";
import { AsciiWriter, asciiWords } from "./ascii-writer.js";
import {
  CYCLE_CHECK_NESTING,
  type Encoder,
  encodeReplacement,
  encodeValue,
  floatText,
  isLeaf,
  numberText,
} from "./general-encoder.js";
import type { KeyInfo } from "./key-info.js";
import { memberOrder } from "./key-shapes.js";

const DEFAULT_ITEM_SEP = ", ";
const DEFAULT_KEY_SEP = ": ";
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
/** Python's repr writes |x| in [1e-4, 1e16) positionally, as JS's `String(x)` does there. */
const POSITIONAL_MIN = 1e-4;
const POSITIONAL_LIMIT = 1e16;
const ITEM_SEP_WORDS = asciiWords(DEFAULT_ITEM_SEP);
const NULL_WORDS = asciiWords("null");
const TRUE_WORDS = asciiWords("true");
const FALSE_WORDS = asciiWords("false");

function writeObject(enc: Encoder, w: AsciiWriter, o: Record<string, unknown>, nesting: number): void {
  const keys = Object.keys(o);
  const n = keys.length;
  if (n === 0) {
    w.ascii("{}");
    return;
  }
  const { members, index } = memberOrder(keys, enc.sortKeys);
  // One `Object.values` beats a keyed load per member; a getter that deletes a member
  // would make it shorter than `keys`, and then members are read one by one.
  const values: readonly unknown[] = Object.values(o);
  const byPosition = values.length === n;
  const inner = nesting + 1;
  const defaultSeparators = enc.itemSep === DEFAULT_ITEM_SEP && enc.keySep === DEFAULT_KEY_SEP;
  w.byte(OPEN_BRACE);
  for (let i = 0; i < n; i++) {
    const info = members[i] as KeyInfo;
    if (defaultSeparators) {
      // Each member's prefix (`"key": ` or `, "key": `) is prepared with the key.
      if (i === 0) w.words(info.firstWords, info.first.length);
      else w.words(info.nextWords, info.next.length);
    } else {
      if (i > 0) w.ascii(enc.itemSep);
      w.ascii(info.quoted);
      w.ascii(enc.keySep);
    }
    writeValue(enc, w, byPosition ? values[index[i] as number] : o[info.key], inner);
  }
  w.byte(CLOSE_BRACE);
}

function writeList(enc: Encoder, w: AsciiWriter, list: readonly unknown[], nesting: number): void {
  const n = list.length;
  const inner = nesting + 1;
  w.byte(OPEN_BRACKET);
  if (n > 0) writeValue(enc, w, list[0], inner);
  if (enc.itemSep === DEFAULT_ITEM_SEP) {
    for (let i = 1; i < n; i++) {
      w.words(ITEM_SEP_WORDS, 2);
      writeValue(enc, w, list[i], inner);
    }
  } else {
    for (let i = 1; i < n; i++) {
      w.ascii(enc.itemSep);
      writeValue(enc, w, list[i], inner);
    }
  }
  w.byte(CLOSE_BRACKET);
}

/** Writes `v` as one-line, ASCII-only simplejson text; `nesting` as in the general encoder. */
function writeValue(enc: Encoder, w: AsciiWriter, v: unknown, nesting: number): void {
  switch (typeof v) {
    case "string":
      w.quoted(v);
      return;
    case "number":
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) w.ascii(`${v}`);
      else if (Number.isInteger(v)) w.ascii(numberText(enc, v));
      else writeFloat(enc, w, v);
      return;
    case "boolean":
      if (v) w.words(TRUE_WORDS, 4);
      else w.words(FALSE_WORDS, 5);
      return;
    case "object":
      if (v === null) {
        w.words(NULL_WORDS, 4);
        return;
      }
      if (Array.isArray(v)) {
        if (flatNesting(enc, nesting)) writeList(enc, w, v, nesting);
        else w.raw(encodeValue(enc, v, nesting));
        return;
      }
      if (isPlainObject(v)) {
        if (flatNesting(enc, nesting)) writeObject(enc, w, v, nesting);
        else w.raw(encodeValue(enc, v, nesting));
        return;
      }
      if (v instanceof PyFloat) {
        writeFloat(enc, w, v.value);
        return;
      }
      if (!generalOnly(v)) {
        writeHooked(enc, w, v, nesting);
        return;
      }
  }
  w.raw(encodeValue(enc, v, nesting));
}

/** Containers below this nesting are written here; deeper ones go to the general encoder (cycle and depth checks live there). */
function flatNesting(enc: Encoder, nesting: number): boolean {
  return nesting < CYCLE_CHECK_NESTING && nesting < enc.maxDepth;
}

/** Objects the general encoder writes without the `default` hook (Maps, Decimals, bytes, enums) or may. */
function generalOnly(v: object): boolean {
  return v instanceof Map || v instanceof PyDecimal || v instanceof Uint8Array || v instanceof PyEnum;
}

/**
 * `default(v)` in place of `v`. A str/number/bool/None/float replacement (a datetime's
 * epoch milliseconds) is written here; anything else, and every error case, is left to the
 * general encoder, which also marks `v` for the cycle check.
 */
function writeHooked(enc: Encoder, w: AsciiWriter, v: object, nesting: number): void {
  const hook = enc.hook;
  if (hook === undefined || nesting >= enc.maxDepth || enc.active?.has(v)) {
    w.raw(encodeValue(enc, v, nesting));
    return;
  }
  const replacement = hook(v);
  if (isLeaf(replacement)) writeValue(enc, w, replacement, nesting + 1);
  else w.raw(encodeReplacement(enc, v, replacement, nesting));
}

/**
 * Python's `repr` of a float. Where both languages write positional notation, JS's shortest
 * round-trip text is Python's bar the `.0` on integral values; written without building a
 * joined string (a cons string is slow to read back).
 */
function writeFloat(enc: Encoder, w: AsciiWriter, x: number): void {
  const magnitude = x < 0 ? -x : x;
  if (magnitude >= POSITIONAL_MIN && magnitude < POSITIONAL_LIMIT) {
    w.ascii(`${x}`);
    if (Number.isInteger(x)) w.ascii(".0");
    return;
  }
  w.ascii(floatText(enc, x));
}

/** Writes `value` into `w` (from {@link acquireWriter}) as `dumps` with `enc` would. */
export function writeFlat(enc: Encoder, w: AsciiWriter, value: unknown): void {
  writeValue(enc, w, value, 0);
}

// One writer serves every call; a call made while it is busy (a `default` hook that calls
// `dumps` itself) gets its own.
const shared = new AsciiWriter();
let sharedBusy = false;

/** An empty writer; hand it back with {@link releaseWriter} once its output is consumed. */
export function acquireWriter(): AsciiWriter {
  if (sharedBusy) return new AsciiWriter();
  sharedBusy = true;
  return shared;
}

export function releaseWriter(w: AsciiWriter): void {
  if (w !== shared) return;
  w.reset();
  sharedBusy = false;
}
