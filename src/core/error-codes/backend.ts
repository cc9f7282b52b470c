/** Codes of backend failures (`CacheBackendError` and its per-backend subclasses). */

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
  /** A reply of the wrong type for the command (an integer or array for GET): not Redis, or a proxy in between. */
  "REDIS_UNEXPECTED_REPLY",
  /** Authentication failed (wrong user or password). */
  "REDIS_AUTH_FAILED",
  /** A timeout Redis would reject (below -1 or not an integer); nothing was sent. */
  "REDIS_INVALID_EXPIRE_TIME",
  /** The backend was closed. */
  "REDIS_CLOSED",
] as const;
/** A code of `RedisBackendError`. */
export type RedisBackendErrorCode = (typeof REDIS_BACKEND_ERROR_CODES)[number];

/** Codes of `MemcachedBackendError` (a `CacheBackendError`). */
export const MEMCACHED_BACKEND_ERROR_CODES = [
  /** No connection to a Memcached server (refused, reset, closed, marked dead). Transient. */
  "MEMCACHED_CONNECTION",
  /** A Memcached server did not connect or reply within its timeout. Transient. */
  "MEMCACHED_TIMEOUT",
  /** SASL authentication was refused (wrong user or password). */
  "MEMCACHED_AUTH_FAILED",
  /** A Memcached server answered with an unexpected status or broke the protocol. */
  "MEMCACHED_REPLY_ERROR",
  /** A value the server refuses as too large, or a spread value needing more than 32 chunks. */
  "MEMCACHED_VALUE_TOO_LARGE",
  /** The backend was closed. */
  "MEMCACHED_CLOSED",
] as const;
/** A code of `MemcachedBackendError`. */
export type MemcachedBackendErrorCode = (typeof MEMCACHED_BACKEND_ERROR_CODES)[number];

/** Codes of `CacheBackendError`: a backend failed or is unreachable. */
export const BACKEND_ERROR_CODES = [
  ...REDIS_BACKEND_ERROR_CODES,
  ...MEMCACHED_BACKEND_ERROR_CODES,
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
  /** The metadata database driver (`pg` or `mysql2`) is not installed (metastore, cache_keys, warmer, auth). */
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
] as const;
/** A code of `CacheBackendError`. */
export type BackendErrorCode = (typeof BACKEND_ERROR_CODES)[number];
