import type { Cluster, Redis } from "ioredis";

/**
 * Configuration shapes. Keys are spelt exactly as in a `superset_config.py` (top level) and as
 * Flask-Caching's `CACHE_*` keys (inside each cache dict), so a Python config translates 1:1.
 * Every timeout here is in SECONDS, as in Flask-Caching.
 */

/** One Flask-Caching cache dict (`CACHE_CONFIG`, `DATA_CACHE_CONFIG`, …). */
export interface FlaskCacheConfig {
  /**
   * Backend class, any spelling Flask-Caching accepts: `"RedisCache"`, `"redis"`,
   * `"flask_caching.backends.RedisCache"`, `"flask_caching.backends.rediscache.RedisCache"`, …
   * Flask-Caching's default is `"null"` (NullCache).
   */
  CACHE_TYPE?: string;
  /** Default timeout in SECONDS for `set` without a timeout; 0 = never expire. Flask-Caching: 300. */
  CACHE_DEFAULT_TIMEOUT?: number;
  /** Prepended to every key by Redis-family backends. Flask-Caching: `"flask_cache_"`; `""` = none. */
  CACHE_KEY_PREFIX?: string;
  /** Simple/FileSystem: maximum entries before pruning. Flask-Caching: 500; 0 means 500. */
  CACHE_THRESHOLD?: number;
  /** Simple/FileSystem: `deleteMany` keeps going after a key that was not deleted. Default false. */
  CACHE_IGNORE_ERRORS?: boolean;
  /** FileSystem: directory of the cache files. */
  CACHE_DIR?: string;
  /** Extra constructor options, merged last (may override `default_timeout`). */
  CACHE_OPTIONS?: Record<string, unknown>;
  /** Positional constructor arguments (rarely used; kept for config parity). */
  CACHE_ARGS?: unknown[];
  /** Decorators only; accepted for parity, no effect here. */
  CACHE_SOURCE_CHECK?: boolean;
  /** Silences Flask-Caching's NullCache warning; accepted for parity. */
  CACHE_NO_NULL_WARNING?: boolean;
  /**
   * Host name, or an existing ioredis `Redis`/`Cluster` client, which Flask-Caching also accepts
   * (a redis-py client as host). A client is used as is and never closed by the cache.
   */
  CACHE_REDIS_HOST?: string | Redis | Cluster;
  CACHE_REDIS_PORT?: number;
  CACHE_REDIS_PASSWORD?: string;
  CACHE_REDIS_DB?: number;
  /** `redis://`, `rediss://` or `unix://` URL; wins over HOST/PORT/PASSWORD. */
  CACHE_REDIS_URL?: string;
  /** Sentinel addresses as `[host, port]` pairs. Default `[["127.0.0.1", 26379]]`. */
  CACHE_REDIS_SENTINELS?: [string, number][];
  /** Sentinel master name. Default `"mymaster"`. */
  CACHE_REDIS_SENTINEL_MASTER?: string;
  CACHE_REDIS_SENTINEL_PASSWORD?: string;
  /** Cluster start nodes, `"h1:p1,h2:p2"`. */
  CACHE_REDIS_CLUSTER?: string;
  CACHE_MEMCACHED_SERVERS?: string[];
  CACHE_MEMCACHED_USERNAME?: string;
  CACHE_MEMCACHED_PASSWORD?: string;
  CACHE_UWSGI_NAME?: string;
  /** Flask-Caching 2.5 (unreleased): file-name hash of FileSystemCache, `"md5"` (≤ 2.4) or `"sha256"`. */
  CACHE_FILE_HASH_METHOD?: "md5" | "sha256";
  /** Flask-Caching 2.5 (unreleased): memoize key hash. */
  CACHE_HASH_METHOD?: "md5" | "sha256";
  /** Superset metastore cache: push `expires_on` forward on every read. */
  REFRESH_TIMEOUT_ON_RETRIEVAL?: boolean;
  /** Superset metastore cache codec: `"json"` (3.0+ default) or `"pickle"`. */
  CODEC?: "json" | "pickle";
}

/**
 * A cache dict after Flask-Caching's `init_app` defaults (and Superset's rules) were applied.
 * Backends receive this; every field they need is present.
 */
export interface ResolvedCacheConfig extends FlaskCacheConfig {
  CACHE_TYPE: string;
  CACHE_DEFAULT_TIMEOUT: number;
  CACHE_KEY_PREFIX: string;
  CACHE_THRESHOLD: number;
  CACHE_IGNORE_ERRORS: boolean;
  CACHE_OPTIONS: Record<string, unknown>;
  CACHE_ARGS: unknown[];
  /**
   * The `default_timeout` constructor argument in SECONDS: `CACHE_DEFAULT_TIMEOUT`, overridden
   * by `CACHE_OPTIONS.default_timeout` when present (as Flask-Caching merges them).
   */
  defaultTimeout: number;
}
