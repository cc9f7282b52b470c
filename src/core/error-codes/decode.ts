/** Codes of stored bytes that do not decode (`CacheDecodeError` and its subclasses). */

/** Codes of `PickleDecodeError` (a `CacheDecodeError`). */
export const PICKLE_DECODE_ERROR_CODES = [
  /** The input ended inside an opcode or before STOP. */
  "PICKLE_TRUNCATED",
  /** The input is empty (Python: EOFError). */
  "PICKLE_EMPTY",
  /** A byte that is no pickle opcode. */
  "PICKLE_UNKNOWN_OPCODE",
  /** A PROTO opcode above protocol 5. */
  "PICKLE_UNSUPPORTED_PROTOCOL",
  /** An opcode popped more values than the stack holds. */
  "PICKLE_STACK_UNDERFLOW",
  /** An opcode needed a MARK and there is none. */
  "PICKLE_MARK_MISSING",
  /** A MARK where a value was expected. */
  "PICKLE_MARK_UNEXPECTED",
  /** A GET of a memo index that was never PUT. */
  "PICKLE_MEMO_MISSING",
  /** An operand of the wrong type (e.g. REDUCE on something not callable). */
  "PICKLE_BAD_TYPE",
  /** Wrong arguments for an opcode or a whitelisted global (count, shape, range). */
  "PICKLE_BAD_ARGUMENT",
  /** A text-protocol argument that does not parse (int, float, string literal, memo index). */
  "PICKLE_BAD_TEXT",
  /** A string that is not valid UTF-8. */
  "PICKLE_BAD_UTF8",
  /** A negative or impossible length. */
  "PICKLE_BAD_LENGTH",
  /** A FRAME that overlaps another or runs past the input. */
  "PICKLE_BAD_FRAME",
  /** An unhashable value used as a dict key or set member. */
  "PICKLE_UNHASHABLE",
  /** PERSID/BINPERSID: persistent ids need a `persistent_load`, which cachelib never uses. */
  "PICKLE_PERSISTENT_ID",
  /** EXT1/EXT2/EXT4: the copyreg extension registry is empty, as in Python. */
  "PICKLE_EXTENSION_CODE",
  /** NEXT_BUFFER without an out-of-band buffer. */
  "PICKLE_OUT_OF_BAND_BUFFER",
  /** A decoder limit (input size, depth, container size, digits, …) was exceeded. */
  "PICKLE_LIMIT_EXCEEDED",
  /** A numpy array or dtype whose pickled state is malformed. */
  "PICKLE_BAD_NUMPY",
  /** A pandas object whose pickled state is malformed. */
  "PICKLE_BAD_PANDAS",
  /** A value out of Python's range (month 13, a bad day, …). */
  "PICKLE_BAD_VALUE",
  /** A construct the decoder does not rebuild (an unsupported pandas block, index or dtype). */
  "PICKLE_UNSUPPORTED",
  /** A global outside the whitelist while `unknownGlobals: "error"` (`PickleSecurityError`). */
  "PICKLE_GLOBAL_FORBIDDEN",
] as const;
/** A code of `PickleDecodeError`. */
export type PickleDecodeErrorCode = (typeof PICKLE_DECODE_ERROR_CODES)[number];

/** Codes of `ResultsDecodeError` (a `CacheDecodeError`); every one leaves the stored entry untouched. */
export const RESULTS_DECODE_ERROR_CODES = [
  /** The results payload is not valid zlib. */
  "RESULTS_ZLIB_INVALID",
  /** The results payload inflates beyond the size limit. */
  "RESULTS_TOO_LARGE",
  /** The results payload is not msgpack Python's `msgpack.dumps` could have written. */
  "RESULTS_MSGPACK_INVALID",
  /** The results payload is not UTF-8 JSON. */
  "RESULTS_JSON_INVALID",
  /** The Arrow IPC data of a results payload is malformed. */
  "RESULTS_ARROW_INVALID",
  /** The results payload has the wrong shape (not a map, no `data`, data of the wrong type). */
  "RESULTS_PAYLOAD_INVALID",
] as const;
/** A code of `ResultsDecodeError`. */
export type ResultsDecodeErrorCode = (typeof RESULTS_DECODE_ERROR_CODES)[number];

/**
 * Codes of `DecodeLimitError` (a `CacheDecodeError`): one decode's shared budget ran out. The
 * error's `stage` says where (pickle machine, numpy, pandas, Arrow, tagged JSON, msgpack, JSON).
 */
export const DECODE_LIMIT_ERROR_CODES = [
  /** The values one decode builds exceed `maxTotalAllocation` (estimated bytes). */
  "DECODE_ALLOCATION_LIMIT",
  /** One decode produces more elements (cells, array items, msgpack items) than `maxTotalElements`. */
  "DECODE_ELEMENT_LIMIT",
  /** One decode visits more nodes (tagged JSON, result records) than `maxTotalNodes`. */
  "DECODE_NODE_LIMIT",
  /** One decode ran longer than `maxMillis`. */
  "DECODE_TIME_LIMIT",
] as const;
/** A code of `DecodeLimitError`. */
export type DecodeLimitErrorCode = (typeof DECODE_LIMIT_ERROR_CODES)[number];

/** Codes of `CacheDecodeError`: stored bytes could not be turned into a value. */
export const DECODE_ERROR_CODES = [
  ...DECODE_LIMIT_ERROR_CODES,
  /** A serializer failed with an error it did not type; the `cause` holds it. */
  "DECODE_FAILED",
  ...PICKLE_DECODE_ERROR_CODES,
  ...RESULTS_DECODE_ERROR_CODES,
  /** A FileSystemCache file shorter than its 4-byte expiry header (read as a miss). */
  "FS_SHORT_HEADER",
  /** A FileSystemCache entry path holding no regular file (a FIFO, a device) or one over the 512 MiB entry cap (read as a miss). */
  "FS_NOT_AN_ENTRY",
  /** The FileSystemCache count file does not hold a pickled int (read as 0). */
  "FS_BAD_COUNT_FILE",
  /** A thumbnail cache value that is none of Superset's three shapes. */
  "THUMBNAIL_VALUE_INVALID",
  /** A metastore JSON value that is not valid UTF-8 JSON. */
  "METASTORE_JSON_INVALID",
  /** A metastore JSON value nested deeper than 1000 levels (also raised when encoding). */
  "METASTORE_JSON_TOO_DEEP",
  /** A Memcached value whose flags and bytes disagree (an int flag on non-digits, bad zlib data). */
  "MEMCACHED_VALUE_UNREADABLE",
] as const;
/** A code of `CacheDecodeError`. */
export type DecodeErrorCode = (typeof DECODE_ERROR_CODES)[number];
