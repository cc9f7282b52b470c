/** Codes of a cache call the library cannot act on: bad arguments (`CacheArgumentError`, `MemoizeError`)
 * and whole-operation failures (`GetOrSetTimeoutError`, `CacheManagerCloseError`). */

/** Codes of `MemoizeError` (a `CacheArgumentError`). */
export const MEMOIZE_ERROR_CODES = [
  /** `memoize`/`cached` of an anonymous function without `name`/`keyPrefix`. */
  "MEMOIZE_NAME_REQUIRED",
  /** Arguments of a memoized call cannot be hashed as JSON (a bigint or a cycle). */
  "MEMOIZE_ARGS_NOT_SERIALIZABLE",
] as const;
/** A code of `MemoizeError`. */
export type MemoizeErrorCode = (typeof MEMOIZE_ERROR_CODES)[number];

/** Codes of `CacheArgumentError`: a call with an argument the library cannot act on. */
export const ARGUMENT_ERROR_CODES = [
  /** A timeout that is not a whole number of SECONDS (fractional, NaN, infinite, not a number). */
  "INVALID_TIMEOUT",
  /** An `inc`/`dec` delta that is not a finite number. */
  "INVALID_DELTA",
  /** A cache key holding a lone UTF-16 surrogate: it has no UTF-8 form (Python's `key.encode()` raises too). */
  "KEY_NOT_UTF8",
  /** `inc`/`dec` on a stored value that is not a number (Python raises TypeError). */
  "INC_NOT_A_NUMBER",
  /** `randomKey(nbytes)` with `nbytes` not a positive integer. */
  "INVALID_RANDOM_KEY_BYTES",
  /** `PyDatetime.toEpochMillis()` on a datetime whose zone has no known UTC offset. */
  "DATETIME_OFFSET_UNKNOWN",
  /** A Keyv value the store adapter cannot store (Keyv built with the wrong serializer setting). */
  "KEYV_VALUE_UNSUPPORTED",
  ...MEMOIZE_ERROR_CODES,
] as const;
/** A code of `CacheArgumentError`. */
export type ArgumentErrorCode = (typeof ARGUMENT_ERROR_CODES)[number];

/** Codes of errors about a whole cache or manager operation rather than one backend call. */
export const OPERATION_ERROR_CODES = [
  /** A `getOrSet` call ran past its hard timeout with no stale copy to serve (`GetOrSetTimeoutError`). */
  "GET_OR_SET_HARD_TIMEOUT",
  /** Closing one or more caches of a `CacheManager` failed (`CacheManagerCloseError`, `errors` lists them). */
  "CLOSE_FAILED",
] as const;
/** A code of `GetOrSetTimeoutError` or `CacheManagerCloseError`. */
export type OperationErrorCode = (typeof OPERATION_ERROR_CODES)[number];
