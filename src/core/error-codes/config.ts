/** Codes of configuration errors (`CacheConfigError`). */

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
  /** The Redis server has no database with the configured number (SELECT failed while connecting). */
  "CONFIG_REDIS_DB",
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
