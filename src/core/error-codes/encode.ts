/** Codes of values that do not encode (`CacheEncodeError` and its subclasses). */

/** Codes of `PickleEncodeError` (a `CacheEncodeError`). */
export const PICKLE_ENCODE_ERROR_CODES = [
  /** A value with no Python equivalent (`undefined`, a function, a JS `Date`, …). */
  "PICKLE_ENCODE_UNSUPPORTED_TYPE",
  /** A set member or dict key that would be unhashable in Python. */
  "PICKLE_ENCODE_UNHASHABLE",
  /** Nesting deeper than `maxDepth`. */
  "PICKLE_ENCODE_TOO_DEEP",
  /** A tuple that contains itself (Python cannot rebuild one from a pickle either). */
  "PICKLE_ENCODE_RECURSIVE_TUPLE",
  /** A field out of Python's range (month 13, a non-integral day, an unknown time unit, …). */
  "PICKLE_ENCODE_BAD_VALUE",
  /** An Arrow column type with no pandas mapping. */
  "PICKLE_ENCODE_UNSUPPORTED_ARROW_TYPE",
  /** An invalid encoder option (e.g. protocol 3). */
  "PICKLE_ENCODE_BAD_OPTION",
] as const;
/** A code of `PickleEncodeError`. */
export type PickleEncodeErrorCode = (typeof PICKLE_ENCODE_ERROR_CODES)[number];

/** Codes of `PyJsonEncodeError` (a `CacheEncodeError`); each matches the exception simplejson raises. */
export const PYJSON_ERROR_CODES = [
  /** NaN/±Infinity with `allowNan: false` and `ignoreNan: false` (ValueError). */
  "PYJSON_NAN_NOT_ALLOWED",
  /** No `default` hook, or the hook rejected the value (TypeError). */
  "PYJSON_UNSERIALIZABLE",
  /** A dict key that is not str/int/float/bool/None/Decimal/bytes (TypeError). */
  "PYJSON_KEY_TYPE",
  /** A container that contains itself (ValueError "Circular reference detected"). */
  "PYJSON_CIRCULAR",
  /** Bytes that are not valid UTF-8 (UnicodeDecodeError). */
  "PYJSON_BYTES_NOT_UTF8",
  /** Nesting deeper than `maxDepth` (Python: RecursionError). */
  "PYJSON_TOO_DEEP",
] as const;
/** A code of `PyJsonEncodeError`. */
export type PyJsonErrorCode = (typeof PYJSON_ERROR_CODES)[number];

/** Codes of `CacheEncodeError`: a value could not be turned into bytes; nothing was written. */
export const ENCODE_ERROR_CODES = [
  ...PICKLE_ENCODE_ERROR_CODES,
  ...PYJSON_ERROR_CODES,
  /** A results payload value msgpack/JSON cannot carry, or a Table Arrow cannot write. */
  "RESULTS_ENCODE_UNSUPPORTED",
  /** A FileSystemCache expiry that does not fit the u32 header (before 1970 or after 2106-02-07). */
  "FS_EXPIRY_OUT_OF_RANGE",
  /** A FileSystemCache key with a lone UTF-16 surrogate (it has no UTF-8 form). */
  "FS_KEY_NOT_UTF8",
  /** A FileSystemCache entry count that is not a safe integer (the count file held a huge number). */
  "FS_COUNT_OUT_OF_RANGE",
  /** A metastore JSON value Python's `json.dumps` refuses (bytes, set, date, Decimal, a bad key). */
  "METASTORE_JSON_UNSERIALIZABLE",
  /** A metastore JSON value nested deeper than 1000 levels (also raised when decoding). */
  "METASTORE_JSON_TOO_DEEP",
] as const;
/** A code of `CacheEncodeError`. */
export type EncodeErrorCode = (typeof ENCODE_ERROR_CODES)[number];
