/**
 * Superset's config defaults for the cache manager and `CacheManager._init_cache`'s rules
 * (superset/config.py, superset/utils/cache_manager.py).
 */
import type { FlaskCacheConfig } from "../config/config-types.js";
import type { NamedCacheConfigKey } from "./superset-config.js";

/** Superset's `CACHE_DEFAULT_TIMEOUT`: one day, in SECONDS. */
export const SUPERSET_DEFAULT_TIMEOUT = 86_400;
const SECONDS_PER_DAY = 86_400;
/** The metastore cache class path Superset rewrites required caches to. */
export const METASTORE_CACHE_PATH = "superset.extensions.metastore_cache.SupersetMetastoreCache";

/** The five Flask-Caching caches with Superset's default dicts (config.py, 3.0+). */
export const SUPERSET_CACHE_DEFAULTS: Readonly<
  Record<Exclude<NamedCacheConfigKey, "RESULTS_BACKEND">, FlaskCacheConfig>
> = {
  CACHE_CONFIG: { CACHE_TYPE: "NullCache" },
  DATA_CACHE_CONFIG: { CACHE_TYPE: "NullCache" },
  THUMBNAIL_CACHE_CONFIG: {
    CACHE_TYPE: "NullCache",
    CACHE_DEFAULT_TIMEOUT: 7 * SECONDS_PER_DAY,
    CACHE_NO_NULL_WARNING: true,
  },
  FILTER_STATE_CACHE_CONFIG: {
    CACHE_TYPE: "SupersetMetastoreCache",
    CACHE_DEFAULT_TIMEOUT: 90 * SECONDS_PER_DAY,
    REFRESH_TIMEOUT_ON_RETRIEVAL: true,
    CODEC: "json",
  },
  EXPLORE_FORM_DATA_CACHE_CONFIG: {
    CACHE_TYPE: "SupersetMetastoreCache",
    CACHE_DEFAULT_TIMEOUT: 7 * SECONDS_PER_DAY,
    REFRESH_TIMEOUT_ON_RETRIEVAL: true,
    CODEC: "json",
  },
};

/** Caches Superset cannot run without; a missing CACHE_TYPE means the metastore cache. */
export const REQUIRED_CACHES: ReadonlySet<string> = new Set([
  "FILTER_STATE_CACHE_CONFIG",
  "EXPLORE_FORM_DATA_CACHE_CONFIG",
]);

/**
 * `_init_cache(config_key, required)` before Flask-Caching sees the dict:
 * 1. (required and CACHE_TYPE missing) or CACHE_TYPE == "SupersetMetastoreCache" → the metastore
 *    class path, CACHE_KEY_PREFIX defaulting to the config key name (Superset master's variant,
 *    which also converts a non-required cache configured as SupersetMetastoreCache);
 * 2. CACHE_DEFAULT_TIMEOUT missing → the global CACHE_DEFAULT_TIMEOUT.
 * Returns a new dict; the input is not modified.
 */
export function applySupersetInitRules(
  key: string,
  config: FlaskCacheConfig,
  globalTimeout: number,
): FlaskCacheConfig {
  const out: FlaskCacheConfig = { ...config };
  const type = out.CACHE_TYPE ?? null;
  if ((REQUIRED_CACHES.has(key) && type === null) || type === "SupersetMetastoreCache") {
    out.CACHE_TYPE = METASTORE_CACHE_PATH;
    out.CACHE_KEY_PREFIX = out.CACHE_KEY_PREFIX ?? key;
  }
  if (out.CACHE_DEFAULT_TIMEOUT === undefined || out.CACHE_DEFAULT_TIMEOUT === null) {
    out.CACHE_DEFAULT_TIMEOUT = globalTimeout;
  }
  return out;
}
