/**
 * Every error code the library uses, in one place: one list per family, each code with a line
 * on what it means. Each `SupersetCacheError` subclass takes only the codes of its family, so a
 * code missing here is a compile error at its throw site. Codes never change meaning between
 * releases; docs/errors.md gives cause and fix for each one.
 */

/** Codes of `CacheConfigError`: configuration or options the library cannot act on. */
export const CONFIG_ERROR_CODES = [
  /** The config (or a cache dict inside it) is not an object. */
  "CONFIG_NOT_AN_OBJECT",
  /** A key holds a value of the wrong type. */
  "CONFIG_INVALID_TYPE",
  /** A key holds a value of the right type that is out of range or malformed. */
  "CONFIG_INVALID_VALUE",
  /** A key neither Superset nor Flask-Caching reads (misspelt); the message names the closest. */
  "CONFIG_UNKNOWN_KEY",
  /** A required key is absent (e.g. no `CACHE_REDIS_CLUSTER` nodes). */
  "CONFIG_MISSING_KEY",
  /** A required value is absent (e.g. FileSystemCache without `CACHE_DIR`). */
  "CONFIG_MISSING_VALUE",
  /** A Redis URL that does not parse or has an unsupported scheme. */
  "CONFIG_INVALID_URL",
  /** A file named by the config (a TLS certificate or key) cannot be read. */
  "CONFIG_FILE_UNREADABLE",
  /** `CACHE_TYPE` is no spelling Flask-Caching accepts. */
  "CONFIG_UNKNOWN_CACHE_TYPE",
  /** `CACHE_TYPE` names a bare cachelib class Flask-Caching cannot construct. */
  "CONFIG_CACHE_TYPE_UNSUPPORTED",
  /** `CACHE_TYPE` is known to Flask-Caching but has no backend in this library. */
  "CONFIG_BACKEND_NOT_IMPLEMENTED",
  /** A required Superset cache falls back to SupersetMetastoreCache without `SQLALCHEMY_DATABASE_URI`. */
  "CONFIG_METASTORE_NO_DATABASE",
  /** `CACHE_OPTIONS.decode_responses` is true; cache values are bytes. */
  "CONFIG_REDIS_DECODE_RESPONSES",
  /** An ioredis client or `ioredis` option with a `keyPrefix`; use `CACHE_KEY_PREFIX`. */
  "CONFIG_REDIS_KEY_PREFIX",
  /** A value format that only its backend module can supply was asked of the generic loader. */
  "CONFIG_SERIALIZER_UNAVAILABLE",
  /** `manager.resultsBackend` read while `RESULTS_BACKEND` is unset. */
  "RESULTS_BACKEND_NOT_CONFIGURED",
  /** `clear()` on a Redis cache without a key prefix and without `allowFlushDb`. */
  "REDIS_CLEAR_REFUSED",
  /** The metastore database URI is not a SQLAlchemy URL (or has a bad host, port or escape). */
  "METASTORE_DSN_INVALID",
  /** The metastore database URI names a dialect or driver other than PostgreSQL/MySQL ones. */
  "METASTORE_DSN_UNSUPPORTED",
  /** The metastore database URI has a query parameter the dialect does not interpret. */
  "METASTORE_DSN_PARAM",
  /** The metastore cache has no database (`uri`, `connection` or `dialect`). */
  "METASTORE_NO_DATABASE",
  /** The metastore `CODEC` is neither `json` nor `pickle`. */
  "METASTORE_CODEC_UNKNOWN",
  /** The metastore key hash algorithm is neither `md5` nor `sha256`. */
  "METASTORE_HASH_ALGORITHM",
  /** `supersetVersion` names no Superset version this library models. */
  "UNSUPPORTED_SUPERSET_VERSION",
  /** A Superset key hash `algorithm` other than `md5` or `sha256`. */
  "UNSUPPORTED_HASH_ALGORITHM",
  /** A `getOrSet` timeout option that is negative or not finite. */
  "GET_OR_SET_INVALID_OPTION",
  /** `invalidate` given neither `databaseUri` (cache_keys) nor `keyIndex`. */
  "INVALIDATE_NO_SOURCE",
  /** The Prometheus exporter needs the optional peer dependency `prom-client`. */
  "PROM_CLIENT_MISSING",
] as const;
/** A code of `CacheConfigError`. */
export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

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

/** Codes of `RedisBackendError` (a `CacheBackendError`). */
export const REDIS_BACKEND_ERROR_CODES = [
  /** No connection to Redis (refused, reset, closed, retries exhausted). Transient. */
  "REDIS_CONNECTION",
  /** A command got no reply within the command timeout. Transient. */
  "REDIS_COMMAND_TIMEOUT",
  /** Too many commands already wait for a connection (`maxOfflineQueue`). Transient. */
  "REDIS_OFFLINE_QUEUE_FULL",
  /** The cluster or the Sentinel-managed master is unavailable (CLUSTERDOWN, LOADING, …). Transient. */
  "REDIS_UNAVAILABLE",
  /** Redis answered a command with an error (WRONGTYPE, …). */
  "REDIS_REPLY_ERROR",
  /** Authentication failed (wrong user or password). */
  "REDIS_AUTH_FAILED",
  /** A timeout Redis would reject (below -1 or not an integer); nothing was sent. */
  "REDIS_INVALID_EXPIRE_TIME",
  /** The backend was closed. */
  "REDIS_CLOSED",
] as const;
/** A code of `RedisBackendError`. */
export type RedisBackendErrorCode = (typeof REDIS_BACKEND_ERROR_CODES)[number];

/** Codes of `CacheBackendError`: a backend failed or is unreachable. */
export const BACKEND_ERROR_CODES = [
  ...REDIS_BACKEND_ERROR_CODES,
  /** A backend failed with an error that carries no code of ours (e.g. a raw socket error). */
  "BACKEND_OPERATION_FAILED",
  /** The circuit breaker is open after repeated failures; calls fail fast until it cools down. */
  "CIRCUIT_OPEN",
  /** An unexpected file-system error on a cache file (the errno is in the message). */
  "FS_IO_ERROR",
  /** The FileSystemCache directory cannot be created, written or listed. */
  "FS_DIR_UNUSABLE",
  /** The FileSystemCache count file cannot be read or written (reported as a warning). */
  "FS_COUNT_FILE_IO",
  /** The metastore driver (`pg` or `mysql2`) is not installed. */
  "METASTORE_DRIVER_MISSING",
  /** The metastore table (`key_value`) does not exist in the database. */
  "METASTORE_TABLE_MISSING",
  /** The metastore table name is not an identifier or `schema.identifier`. */
  "METASTORE_TABLE_NAME",
  /** A metastore query failed (the driver error is the `cause`). */
  "METASTORE_QUERY_FAILED",
  /** The metastore backend was closed. */
  "METASTORE_CLOSED",
  /** An idle metastore connection was lost (published on the error channel, never thrown). */
  "METASTORE_CONNECTION_LOST",
  /** A Keyv store returned something other than bytes. */
  "KEYV_VALUE_NOT_BYTES",
  /** Reading Superset's `cache_keys` table needs a driver (`pg` or `mysql2`) that is not installed. */
  "CACHE_KEYS_DRIVER_MISSING",
] as const;
/** A code of `CacheBackendError`. */
export type BackendErrorCode = (typeof BACKEND_ERROR_CODES)[number];

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

/** Codes of `CacheDecodeError`: stored bytes could not be turned into a value. */
export const DECODE_ERROR_CODES = [
  ...PICKLE_DECODE_ERROR_CODES,
  ...RESULTS_DECODE_ERROR_CODES,
  /** A FileSystemCache file shorter than its 4-byte expiry header (read as a miss). */
  "FS_SHORT_HEADER",
  /** The FileSystemCache count file does not hold a pickled int (read as 0). */
  "FS_BAD_COUNT_FILE",
  /** A thumbnail cache value that is none of Superset's three shapes. */
  "THUMBNAIL_VALUE_INVALID",
  /** A metastore JSON value that is not valid UTF-8 JSON. */
  "METASTORE_JSON_INVALID",
  /** A metastore JSON value nested deeper than 1000 levels (also raised when encoding). */
  "METASTORE_JSON_TOO_DEEP",
] as const;
/** A code of `CacheDecodeError`. */
export type DecodeErrorCode = (typeof DECODE_ERROR_CODES)[number];

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

/** Codes of errors about a whole cache or manager operation rather than one backend call. */
export const OPERATION_ERROR_CODES = [
  /** A `getOrSet` call ran past its hard timeout with no stale copy to serve (`GetOrSetTimeoutError`). */
  "GET_OR_SET_HARD_TIMEOUT",
  /** Closing one or more caches of a `CacheManager` failed (`CacheManagerCloseError`, `errors` lists them). */
  "CLOSE_FAILED",
] as const;
/** A code of `GetOrSetTimeoutError` or `CacheManagerCloseError`. */
export type OperationErrorCode = (typeof OPERATION_ERROR_CODES)[number];

/** Codes of `ChartDataError`. */
export const CHART_DATA_ERROR_CODES = [
  /** `forceCached` read found nothing cached (Superset's CacheLoadError). */
  "CHART_DATA_CACHE_LOAD",
  /** A chart-data entry that is not a dict, or whose `df` is not a DataFrame. */
  "CHART_DATA_MALFORMED",
] as const;
/** A code of `ChartDataError`. */
export type ChartDataErrorCode = (typeof CHART_DATA_ERROR_CODES)[number];

/** Codes of `TemporaryCacheError` and its subclasses (Superset's temporary-cache exceptions). */
export const TEMPORARY_CACHE_ERROR_CODES = [
  /** Not the entry's owner, or no access to the dashboard/datasource (HTTP 403). */
  "TEMPORARY_CACHE_ACCESS_DENIED",
  /** The dashboard, chart or dataset does not exist (HTTP 404). */
  "TEMPORARY_CACHE_RESOURCE_NOT_FOUND",
  /** The form data or value is not valid JSON (HTTP 400). */
  "TEMPORARY_CACHE_INVALID_JSON",
  /** A stored explore state names an unknown datasource type (HTTP 500). */
  "TEMPORARY_CACHE_INVALID_DATASOURCE_TYPE",
  /** Creating an entry failed in the cache underneath (HTTP 500; the failure is the `cause`). */
  "TEMPORARY_CACHE_CREATE_FAILED",
  /** Reading an entry failed in the cache underneath (HTTP 500; the failure is the `cause`). */
  "TEMPORARY_CACHE_GET_FAILED",
  /** Updating an entry failed in the cache underneath (HTTP 500; the failure is the `cause`). */
  "TEMPORARY_CACHE_UPDATE_FAILED",
  /** Deleting an entry failed in the cache underneath (HTTP 500; the failure is the `cause`). */
  "TEMPORARY_CACHE_DELETE_FAILED",
] as const;
/** A code of `TemporaryCacheError`. */
export type TemporaryCacheErrorCode = (typeof TEMPORARY_CACHE_ERROR_CODES)[number];

/** Codes of `SupersetRestError`. */
export const SUPERSET_REST_ERROR_CODES = [
  /** Logging in to Superset's REST API failed, or it answered without an access token. */
  "SUPERSET_LOGIN_FAILED",
  /** A Superset REST call (CSRF token, cache invalidation) answered an unexpected status. */
  "SUPERSET_REQUEST_FAILED",
] as const;
/** A code of `SupersetRestError`. */
export type SupersetRestErrorCode = (typeof SUPERSET_REST_ERROR_CODES)[number];

/** Codes of Superset's own API semantics: chart data, SQL Lab results, temporary caches, REST. */
export const SUPERSET_ERROR_CODES = [
  ...CHART_DATA_ERROR_CODES,
  ...TEMPORARY_CACHE_ERROR_CODES,
  ...SUPERSET_REST_ERROR_CODES,
  /** SQL Lab results read or written while no results backend is configured (HTTP 500). */
  "RESULTS_BACKEND_NOT_CONFIGURED_ERROR",
  /** SQL Lab results expired or never written (HTTP 410), or storing them failed. */
  "RESULTS_BACKEND_ERROR",
] as const;
/** A code of Superset's API semantics. */
export type SupersetErrorCode = (typeof SUPERSET_ERROR_CODES)[number];

/** Codes of `CeleryError` (`superset-cache/celery`): Celery messages, queues and results in Redis. */
export const CELERY_ERROR_CODES = [
  /** A broker or result-backend URL other than redis:// or rediss:// (kombu's Redis transport only). */
  "CELERY_BROKER_URL_UNSUPPORTED",
  /** Task args that are not a list, kwargs that are not an object, or a value kombu's JSON cannot carry. */
  "CELERY_TASK_ARGUMENTS",
  /** A send option out of range (negative countdown, a priority outside 0–255, an empty task name). */
  "CELERY_INVALID_OPTION",
  /** A `celery-task-meta-*` value that is not a JSON object with a `status`. */
  "CELERY_RESULT_MALFORMED",
  /** A broker message that is not a protocol-2 task message Node can read. */
  "CELERY_MESSAGE_MALFORMED",
  /** `waitForResult` saw no ready state (SUCCESS, FAILURE, REVOKED) within its timeout. */
  "CELERY_RESULT_TIMEOUT",
  /** The task needs a result backend and the client has none (`resultBackendUrl`). */
  "CELERY_NO_RESULT_BACKEND",
] as const;
/** A code of `CeleryError`. */
export type CeleryErrorCode = (typeof CELERY_ERROR_CODES)[number];

/** Codes of `AsyncEventsError`: Superset's global async-query event streams. */
export const ASYNC_EVENTS_ERROR_CODES = [
  /** The Superset version has no global async queries (master replaced them with its task framework). */
  "ASYNC_QUERIES_UNAVAILABLE",
  /** Job metadata without `channel_id` or `job_id` (Superset's AsyncQueryJobException). */
  "ASYNC_JOB_METADATA_INVALID",
  /** A stream entry without a `data` field holding a JSON object. */
  "ASYNC_EVENT_MALFORMED",
  /** An event whose `result_url` names no `qc-`/`ejr-` key, or an event that is not `done`. */
  "ASYNC_RESULT_URL_UNKNOWN",
] as const;
/** A code of `AsyncEventsError`. */
export type AsyncEventsErrorCode = (typeof ASYNC_EVENTS_ERROR_CODES)[number];

/** Codes of `WarmupError`: the cache warmer (`superset-cache/ops`, `superset-cache warm`). */
export const WARMUP_ERROR_CODES = [
  /** A strategy name other than `dummy`, `top_n_dashboards` or `dashboard_tags`. */
  "WARMUP_STRATEGY_UNKNOWN",
  /** A warm-up option out of range (`topN` below 1, an unreadable `since`, concurrency below 1). */
  "WARMUP_INVALID_OPTION",
  /** Reading the metadata database needs a driver (`pg` or `mysql2`) that is not installed. */
  "WARMUP_METADATA_DRIVER_MISSING",
  /** A query on the metadata database failed (the driver error is the `cause`). */
  "WARMUP_METADATA_QUERY_FAILED",
] as const;
/** A code of `WarmupError`. */
export type WarmupErrorCode = (typeof WARMUP_ERROR_CODES)[number];

/** Codes of `AuthError` (`superset-cache/auth`): sessions, tokens, users and permalinks. */
export const AUTH_ERROR_CODES = [
  /** No secret given (`SECRET_KEY`, `GUEST_TOKEN_JWT_SECRET`, `GLOBAL_ASYNC_QUERIES_JWT_SECRET`), or an empty one. */
  "AUTH_SECRET_MISSING",
  /** An option out of range or of the wrong kind (a negative max age, an unknown session format, …). */
  "AUTH_INVALID_OPTION",
  /** A JWT algorithm other than HS256, HS384 or HS512 was configured (`none` included). */
  "AUTH_JWT_ALGORITHM_UNSUPPORTED",
  /** A token that is malformed, signed with another key or algorithm (`none` included), or for another audience. */
  "AUTH_TOKEN_INVALID",
  /** A token outside its validity period: `exp` passed, or `iat`/`nbf` in the future, beyond the clock skew. */
  "AUTH_TOKEN_EXPIRED",
  /** A verified token without the claims its kind needs (guest: `user`, `resources`, `rls_rules`, `type`; async: `channel`). */
  "AUTH_TOKEN_CLAIMS",
  /** Reading or writing the session store (Redis) failed; the client error is the `cause`. */
  "AUTH_SESSION_STORE_FAILED",
  /** Session data holds a value the chosen session format cannot carry. */
  "AUTH_SESSION_ENCODE_FAILED",
  /** Stored session bytes or a cookie payload that do not decode (the session readers answer `null`). */
  "AUTH_SESSION_DECODE_FAILED",
  /** Reading the metadata database needs a driver (`pg` or `mysql2`) that is not installed. */
  "AUTH_DRIVER_MISSING",
  /** A query on the metadata database failed (the driver error is the `cause`). */
  "AUTH_DATABASE_QUERY_FAILED",
  /** A permalink value that is not JSON-serializable, or a stored one that does not decode. */
  "AUTH_PERMALINK_VALUE_INVALID",
] as const;
/** A code of `AuthError`. */
export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number];

/** Codes of `CliError` (the `superset-cache` command; its exit code says more). */
export const CLI_ERROR_CODES = [
  /** A command failed; `exitCode` tells usage, not found, backend and decode failures apart. */
  "CLI_ERROR",
] as const;
/** A code of `CliError`. */
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

/** Every code a `SupersetCacheError` can carry. */
export type SupersetCacheErrorCode =
  | ConfigErrorCode
  | ArgumentErrorCode
  | BackendErrorCode
  | DecodeErrorCode
  | EncodeErrorCode
  | OperationErrorCode
  | SupersetErrorCode
  | CeleryErrorCode
  | AsyncEventsErrorCode
  | WarmupErrorCode
  | AuthErrorCode
  | CliErrorCode;

/** Every code, once each (`METASTORE_JSON_TOO_DEEP` is in both the decode and encode families). */
export const ERROR_CODES: readonly SupersetCacheErrorCode[] = Object.freeze([
  ...new Set<SupersetCacheErrorCode>([
    ...CONFIG_ERROR_CODES,
    ...ARGUMENT_ERROR_CODES,
    ...BACKEND_ERROR_CODES,
    ...DECODE_ERROR_CODES,
    ...ENCODE_ERROR_CODES,
    ...OPERATION_ERROR_CODES,
    ...SUPERSET_ERROR_CODES,
    ...CELERY_ERROR_CODES,
    ...ASYNC_EVENTS_ERROR_CODES,
    ...WARMUP_ERROR_CODES,
    ...AUTH_ERROR_CODES,
    ...CLI_ERROR_CODES,
  ]),
]);
