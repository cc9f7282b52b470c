/**
 * Flask-Caching's `init_app` defaults (`flask_caching/__init__.py`, 2.0.2–2.4.1) applied to
 * one cache dict, after validating its keys.
 */
import { FLASK_CACHE_KEYS } from "./config-schema.js";
import type { FlaskCacheConfig, ResolvedCacheConfig } from "./config-types.js";
import { checkValue, validateKeys } from "./validate-config.js";

/** Flask-Caching's default `CACHE_DEFAULT_TIMEOUT`, in SECONDS. */
export const FLASK_CACHING_DEFAULT_TIMEOUT = 300;

/** Flask-Caching's default `CACHE_KEY_PREFIX` (Redis family only). */
export const FLASK_CACHING_KEY_PREFIX = "flask_cache_";
/** Flask-Caching's default `CACHE_TYPE`. */
export const FLASK_CACHING_DEFAULT_TYPE = "null";
/** Flask-Caching's default `CACHE_THRESHOLD`. */
export const FLASK_CACHING_DEFAULT_THRESHOLD = 500;

/** Defaults that differ from Flask-Caching's (e.g. cachelib's for RESULTS_BACKEND). */
export interface FlaskDefaults {
  /** Default `""`-less prefix: Flask-Caching `flask_cache_`; cachelib `""`. */
  keyPrefix?: string;
}

function withoutNulls(config: FlaskCacheConfig): FlaskCacheConfig {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (v !== null && v !== undefined) out[k] = v;
  return out as FlaskCacheConfig;
}

/**
 * Validate `config` and fill Flask-Caching's defaults.
 * @param path config path for errors, e.g. `DATA_CACHE_CONFIG`
 * @throws CacheConfigError for unknown keys, wrong types, negative thresholds
 */
export function resolveFlaskCacheConfig(
  config: FlaskCacheConfig,
  path: string,
  defaults: FlaskDefaults = {},
): ResolvedCacheConfig {
  validateKeys(config, FLASK_CACHE_KEYS, path);
  const c = withoutNulls(config);
  const options = { ...(c.CACHE_OPTIONS ?? {}) };
  const optionTimeout = options.default_timeout;
  if (optionTimeout !== undefined) {
    checkValue(`${path}.CACHE_OPTIONS.default_timeout`, optionTimeout, { type: "number", integer: true });
  }
  const defaultTimeout = c.CACHE_DEFAULT_TIMEOUT ?? FLASK_CACHING_DEFAULT_TIMEOUT;
  return {
    ...c,
    CACHE_TYPE: c.CACHE_TYPE ?? FLASK_CACHING_DEFAULT_TYPE,
    CACHE_DEFAULT_TIMEOUT: defaultTimeout,
    CACHE_KEY_PREFIX: c.CACHE_KEY_PREFIX ?? defaults.keyPrefix ?? FLASK_CACHING_KEY_PREFIX,
    CACHE_THRESHOLD: c.CACHE_THRESHOLD ?? FLASK_CACHING_DEFAULT_THRESHOLD,
    CACHE_IGNORE_ERRORS: c.CACHE_IGNORE_ERRORS ?? false,
    CACHE_OPTIONS: options,
    CACHE_ARGS: [...(c.CACHE_ARGS ?? [])],
    // CACHE_OPTIONS is merged after CACHE_DEFAULT_TIMEOUT in init_app (`_set_cache`), so it wins.
    defaultTimeout: typeof optionTimeout === "number" ? optionTimeout : defaultTimeout,
  };
}
