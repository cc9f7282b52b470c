/**
 * cachelib's `RedisSerializer` (cachelib/serializers.py): writes `!` + pickle (protocol 5);
 * with `asciiInts` (cachelib ≥ 0.15.4) a value of exact Python type int is written as ASCII
 * decimal instead. Reads accept `!` + pickle, then anything Python's `int()` accepts, and
 * otherwise return the raw bytes unchanged (pre-cachelib-0.8 values).
 */

import { isPythonInt } from "../../python/numbers.js";
import type { PyValue } from "../../python/values.js";
import {
  bytesPickle,
  bytesPickleParts,
  isPlainBytes,
  readBytesPickle,
  readsBytesLayout,
  writesBytesLayout,
} from "../pickle/bytes-pickle.js";
import { loads } from "../pickle/decode/decoder.js";
import type { LoadsOptions } from "../pickle/decode/options.js";
import { dumpsAfter, type PickleDumpOptions } from "../pickle/encode/encoder.js";
import { PickleDecodeError, type PickleDecodeErrorCode } from "../pickle/errors.js";
import type { Serializer } from "../serializer.js";
import { parsePythonInt } from "./python-int.js";

/** The `!` that cachelib puts in front of every pickled Redis value. */
const PICKLE_MARKER = 0x21;
const MARKER_BYTES = Uint8Array.of(PICKLE_MARKER);

/** Options of `RedisSerializer`. */
export interface RedisSerializerOptions {
  /**
   * Write values of exact Python type int (safe-integer numbers and bigints; never booleans or
   * `PyFloat`) as ASCII decimal digits, as cachelib ≥ 0.15.4 does. Default `false`, matching
   * the versions Superset pins (flask-caching 2.3.1 with cachelib 0.13.0 in
   * apache/superset requirements/base.txt), which pickle ints. Every cachelib version reads
   * both forms.
   */
  asciiInts?: boolean;
  /**
   * What a `!`-prefixed value that fails to unpickle does. `"throw"` (default): a
   * `PickleDecodeError` with its code. `"python"`: as cachelib — the failures Python reports as
   * `UnpicklingError` read as `null` (a miss); the others (empty input → EOFError, unsupported
   * protocol → ValueError, limits, refused globals) still throw.
   */
  unpicklingErrors?: "throw" | "python";
  /** Passed to `pickle.dumps` (default: protocol 5, CPython framing). */
  dump?: PickleDumpOptions;
  /** Passed to `pickle.loads`. */
  load?: LoadsOptions;
}

/** Decoder failures that CPython's C unpickler raises as `pickle.UnpicklingError`. */
const UNPICKLING_ERROR_CODES: ReadonlySet<PickleDecodeErrorCode> = new Set([
  "PICKLE_UNKNOWN_OPCODE",
  "PICKLE_TRUNCATED",
  "PICKLE_STACK_UNDERFLOW",
  "PICKLE_MARK_MISSING",
  "PICKLE_MARK_UNEXPECTED",
  "PICKLE_MEMO_MISSING",
  "PICKLE_BAD_FRAME",
  "PICKLE_PERSISTENT_ID",
  "PICKLE_OUT_OF_BAND_BUFFER",
]);

/** `!` + pickle, ASCII ints, raw-bytes fallback: the Redis value format of Flask-Caching 2.x. */
export class RedisSerializer implements Serializer {
  readonly name = "redis-pickle";
  private readonly asciiInts: boolean;
  private readonly pythonErrors: boolean;
  /** `bytes` values take the encoder-free layout (bytes-pickle.ts) under these dump options. */
  private readonly bytesLayout: boolean;

  constructor(private readonly options: RedisSerializerOptions = {}) {
    this.asciiInts = options.asciiInts ?? false;
    this.pythonErrors = options.unpicklingErrors === "python";
    this.bytesLayout = writesBytesLayout(options.dump);
  }

  /**
   * Encodes a value as cachelib's RedisSerializer does.
   * @throws PickleEncodeError (a `CacheEncodeError`) for values with no Python equivalent
   */
  dumps(value: PyValue): Uint8Array {
    if (this.asciiInts && isExactInt(value)) return Buffer.from(String(value), "latin1");
    if (this.bytesLayout && isPlainBytes(value)) return bytesPickle(value, MARKER_BYTES);
    return dumpsAfter(MARKER_BYTES, value, this.options.dump);
  }

  /** A `bytes` value as `[! + head, value, tail]` (no copy); `undefined` for anything else. */
  dumpsParts(value: PyValue): readonly Uint8Array[] | undefined {
    if (!(this.bytesLayout && isPlainBytes(value))) return undefined;
    return bytesPickleParts(value, MARKER_BYTES);
  }

  /**
   * Decodes a stored value: `!` + pickle → the value; ASCII int → number (bigint beyond 2^53);
   * anything else → the bytes unchanged.
   * @throws PickleDecodeError for a `!` value that does not unpickle (see `unpicklingErrors`)
   */
  loads(bytes: Uint8Array): PyValue {
    if (bytes.length > 0 && bytes[0] === PICKLE_MARKER) {
      const plain = readsBytesLayout(this.options.load, bytes.length - 1)
        ? readBytesPickle(bytes, 1)
        : undefined;
      if (plain !== undefined) return plain;
      try {
        return loads(bytes.subarray(1), this.options.load);
      } catch (err) {
        if (this.pythonErrors && isUnpicklingError(err)) return null;
        throw err;
      }
    }
    const n = parsePythonInt(bytes);
    return n ?? bytes;
  }
}

/** A value of exact Python type int: a bigint or a number that reads as int (never bool or `PyFloat`). */
function isExactInt(v: PyValue): v is number | bigint {
  return typeof v === "bigint" || (typeof v === "number" && isPythonInt(v));
}

function isUnpicklingError(err: unknown): boolean {
  if (!(err instanceof PickleDecodeError)) return false;
  // Running out of input before the first opcode is EOFError in Python, not UnpicklingError.
  if (err.code === "PICKLE_TRUNCATED" && err.offset === 0) return false;
  return UNPICKLING_ERROR_CODES.has(err.code);
}
