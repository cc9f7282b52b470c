/**
 * Which keys exist and what type each takes, for validation. Values set to `null` count as
 * unset (a Python config often writes `None`).
 */

/** Expected value kind of a config key. */
export type KeyKind =
  | { type: "string" }
  | { type: "boolean" }
  | { type: "number"; integer?: boolean; min?: number }
  | { type: "enum"; values: readonly string[] }
  | { type: "object" }
  | { type: "array" }
  /** A string, or a client object (checked by shape, so the client library is not imported). */
  | { type: "string-or-client" };

const str = { type: "string" } as const;
const bool = { type: "boolean" } as const;
const obj = { type: "object" } as const;
const arr = { type: "array" } as const;
/** Whole SECONDS: every backend takes integer timeouts (Redis rejects `SETEX k 1.5`). */
const seconds = { type: "number", integer: true } as const;
const nonNegativeInt = { type: "number", integer: true, min: 0 } as const;
const hashName = { type: "enum", values: ["md5", "sha256"] } as const;

/** Keys of one Flask-Caching cache dict (plus Superset's metastore keys). */
export const FLASK_CACHE_KEYS: Readonly<Record<string, KeyKind>> = {
  CACHE_TYPE: str,
  CACHE_DEFAULT_TIMEOUT: seconds,
  CACHE_KEY_PREFIX: str,
  CACHE_THRESHOLD: nonNegativeInt,
  CACHE_IGNORE_ERRORS: bool,
  CACHE_DIR: str,
  CACHE_OPTIONS: obj,
  CACHE_ARGS: arr,
  CACHE_SOURCE_CHECK: bool,
  CACHE_NO_NULL_WARNING: bool,
  CACHE_REDIS_HOST: { type: "string-or-client" },
  CACHE_REDIS_PORT: { type: "number", integer: true, min: 0 },
  CACHE_REDIS_PASSWORD: str,
  CACHE_REDIS_DB: nonNegativeInt,
  CACHE_REDIS_URL: str,
  CACHE_REDIS_SENTINELS: arr,
  CACHE_REDIS_SENTINEL_MASTER: str,
  CACHE_REDIS_SENTINEL_PASSWORD: str,
  CACHE_REDIS_CLUSTER: str,
  CACHE_MEMCACHED_SERVERS: arr,
  CACHE_MEMCACHED_USERNAME: str,
  CACHE_MEMCACHED_PASSWORD: str,
  CACHE_UWSGI_NAME: str,
  CACHE_FILE_HASH_METHOD: hashName,
  CACHE_HASH_METHOD: hashName,
  REFRESH_TIMEOUT_ON_RETRIEVAL: bool,
  CODEC: { type: "enum", values: ["json", "pickle"] },
};

/** Top-level Superset keys `CacheManager` reads. The cache dicts are validated with FLASK_CACHE_KEYS. */
export const SUPERSET_KEYS: Readonly<Record<string, KeyKind>> = {
  CACHE_DEFAULT_TIMEOUT: seconds,
  CACHE_CONFIG: obj,
  DATA_CACHE_CONFIG: obj,
  THUMBNAIL_CACHE_CONFIG: obj,
  FILTER_STATE_CACHE_CONFIG: obj,
  EXPLORE_FORM_DATA_CACHE_CONFIG: obj,
  RESULTS_BACKEND: obj,
  RESULTS_BACKEND_USE_MSGPACK: bool,
  HASH_ALGORITHM: hashName,
  HASH_ALGORITHM_FALLBACKS: arr,
  SQLALCHEMY_DATABASE_URI: str,
};
