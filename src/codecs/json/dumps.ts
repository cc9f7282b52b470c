/**
 * `pyjson.dumps`: byte-identical to `simplejson.dumps` (3.x, with its C speedups) for the
 * JS shapes of Python values this library uses (see `src/codecs/pickle/values.ts`).
 *
 * Number rules: a JS `number` that is an integer (and not -0) is a Python `int`; any other
 * number is a `float`; a `PyFloat` is a float even when integral (`2.0`), which is how
 * `pickle.loads(b, { exactNumbers: true })` keeps Python's distinction; a `bigint` is an int.
 */
import { acquireWriter, releaseWriter, writeFlat } from "./flat-encoder.js";
import { type Encoder, encode } from "./general-encoder.js";
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

/**
 * Encode `value` exactly as `simplejson.dumps(value, **options)` would.
 * @throws PyJsonEncodeError (codes in {@link PyJsonErrorCode}) where simplejson raises.
 */
export function dumps(value: unknown, options: PyJsonDumpsOptions = {}): string {
  const enc = encoderOf(options);
  if (!writesFlat(enc)) return encode(enc, value, 0, 0);
  const w = acquireWriter();
  try {
    writeFlat(enc, w, value);
    return w.text();
  } finally {
    releaseWriter(w);
  }
}

/**
 * `consume(utf8, arg)` of `dumps(value, options)`: its UTF-8 bytes (a view valid only
 * during the call) or, where no byte form is at hand, the string; for hashing without a
 * string. `consume` and `arg` are separate so hot callers need not build a closure.
 * @throws PyJsonEncodeError as {@link dumps}.
 */
export function dumpsUtf8<A, T>(
  value: unknown,
  options: PyJsonDumpsOptions,
  consume: (utf8: Uint8Array | string, arg: A) => T,
  arg: A,
): T {
  const enc = encoderOf(options);
  if (!writesFlat(enc)) return consume(encode(enc, value, 0, 0), arg);
  const w = acquireWriter();
  try {
    writeFlat(enc, w, value);
    return consume(w.utf8(), arg);
  } finally {
    releaseWriter(w);
  }
}

const DEFAULT_SEPARATORS = [", ", ": "] as const;
const INDENT_SEPARATORS = [",", ": "] as const;
const ASCII_ONLY = /^\p{ASCII}*$/u;

function encoderOf(options: PyJsonDumpsOptions): Encoder {
  const indentOpt = options.indent;
  const indent =
    indentOpt === undefined || indentOpt === null
      ? null
      : typeof indentOpt === "number"
        ? " ".repeat(indentOpt)
        : indentOpt;
  const separators = options.separators ?? (indent === null ? DEFAULT_SEPARATORS : INDENT_SEPARATORS);
  return {
    quote: options.ensureAscii === false ? quoteUnicode : quoteAscii,
    sortKeys: options.sortKeys ?? false,
    ignoreNan: options.ignoreNan ?? false,
    allowNan: options.allowNan ?? true,
    itemSep: separators[0],
    keySep: separators[1],
    indent,
    hook: options.default,
    skipKeys: options.skipKeys ?? false,
    useDecimal: options.useDecimal ?? true,
    bytesAsText: options.encoding !== null,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    active: null,
    keyMemo: null,
  };
}

/** One-line `ensure_ascii` output with ASCII separators: the flat byte writer applies. */
function writesFlat(enc: Encoder): boolean {
  if (enc.indent !== null || enc.quote !== quoteAscii) return false;
  if (enc.itemSep === DEFAULT_SEPARATORS[0] && enc.keySep === DEFAULT_SEPARATORS[1]) return true;
  return ASCII_ONLY.test(enc.itemSep) && ASCII_ONLY.test(enc.keySep);
}
