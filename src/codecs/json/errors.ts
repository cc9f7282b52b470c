import { CacheEncodeError } from "../../core/errors.js";

/**
 * Codes of {@link PyJsonEncodeError}; each matches the Python exception simplejson raises.
 * - `PYJSON_NAN_NOT_ALLOWED`: NaN/±Infinity with `allowNan: false` and `ignoreNan: false` (ValueError).
 * - `PYJSON_UNSERIALIZABLE`: no `default` hook, or the hook rejected the value (TypeError).
 * - `PYJSON_KEY_TYPE`: a dict key that is not str/int/float/bool/None/Decimal/bytes (TypeError).
 * - `PYJSON_CIRCULAR`: a container contains itself (ValueError "Circular reference detected").
 * - `PYJSON_BYTES_NOT_UTF8`: bytes that are not valid UTF-8 (UnicodeDecodeError).
 * - `PYJSON_TOO_DEEP`: nesting deeper than `maxDepth` (Python: RecursionError).
 */
export type PyJsonErrorCode =
  | "PYJSON_NAN_NOT_ALLOWED"
  | "PYJSON_UNSERIALIZABLE"
  | "PYJSON_KEY_TYPE"
  | "PYJSON_CIRCULAR"
  | "PYJSON_BYTES_NOT_UTF8"
  | "PYJSON_TOO_DEEP";

/** A value simplejson would refuse to encode. */
export class PyJsonEncodeError extends CacheEncodeError {
  declare readonly code: PyJsonErrorCode;
  constructor(code: PyJsonErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
