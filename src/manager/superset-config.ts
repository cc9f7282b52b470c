/** The Superset configuration keys `CacheManager` reads, and the names of its caches. */
import type { Cache } from "../cache/cache.js";
import type { FlaskCacheConfig } from "../config/config-types.js";

/** The Superset top-level keys the cache manager reads (a subset of `superset_config.py`). */
export interface SupersetCacheConfig {
  /** Global default timeout in SECONDS, inherited by cache dicts without one. Superset: 86400. */
  CACHE_DEFAULT_TIMEOUT?: number;
  /** `cache_manager.cache`. Superset default: NullCache. */
  CACHE_CONFIG?: FlaskCacheConfig;
  /** `cache_manager.data_cache` (chart data). Superset default: NullCache. */
  DATA_CACHE_CONFIG?: FlaskCacheConfig;
  /** `cache_manager.thumbnail_cache`. Superset default: NullCache, 7 days. */
  THUMBNAIL_CACHE_CONFIG?: FlaskCacheConfig;
  /** Required cache; Superset default: SupersetMetastoreCache, 90 days. */
  FILTER_STATE_CACHE_CONFIG?: FlaskCacheConfig;
  /** Required cache; Superset default: SupersetMetastoreCache, 7 days. */
  EXPLORE_FORM_DATA_CACHE_CONFIG?: FlaskCacheConfig;
  /**
   * SQL Lab results backend. In Superset a cachelib instance; here a cache dict with cachelib's
   * own defaults (no `flask_cache_` prefix: `CACHE_KEY_PREFIX` defaults to `""`, timeout 300).
   * A ready `Cache` is used as is. Unset (Superset's default) → using `resultsBackend` throws
   * `RESULTS_BACKEND_NOT_CONFIGURED`.
   */
  RESULTS_BACKEND?: FlaskCacheConfig | Cache | null;
  /** SQL Lab payload encoding: msgpack+Arrow (true, Superset's default) or JSON. */
  RESULTS_BACKEND_USE_MSGPACK?: boolean;
  /** Superset 6.1+: `"sha256"` (default) or `"md5"`; metastore UUID namespace and cache keys. */
  HASH_ALGORITHM?: "md5" | "sha256";
  /** Superset 6.1+: algorithms tried on reads when the main one misses. Default `["md5"]`. */
  HASH_ALGORITHM_FALLBACKS?: ("md5" | "sha256")[];
  /** Metadata database URL (metastore cache backend). */
  SQLALCHEMY_DATABASE_URI?: string;
}

/** Names of the six caches of `CacheManager`, as config keys. */
export type NamedCacheConfigKey =
  | "CACHE_CONFIG"
  | "DATA_CACHE_CONFIG"
  | "THUMBNAIL_CACHE_CONFIG"
  | "FILTER_STATE_CACHE_CONFIG"
  | "EXPLORE_FORM_DATA_CACHE_CONFIG"
  | "RESULTS_BACKEND";
