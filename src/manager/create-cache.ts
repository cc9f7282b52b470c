/**
 * `createCache(flaskCacheConfig)`: one Flask-Caching cache from its config dict, as
 * `flask_caching.Cache(app, config)` builds it: defaults, CACHE_TYPE resolution, the backend
 * family's serializer and key-prefix rule.
 */
import type { BackendContext, BackendModule, BackendSettings } from "../backends/backend-module.js";
import {
  type BackendFamily,
  type BackendOptions,
  requireBackend,
  resolveBackendKind,
} from "../backends/registry.js";
import { Cache, type DeleteManyStrategy } from "../cache/cache.js";
import type { BackendErrorPolicy, CacheWarnings } from "../cache/error-policy.js";
import { loadSerializer } from "../cache/serializer-choice.js";
import type { CacheStatsOptions } from "../cache/stats.js";
import type { FlaskCacheConfig, ResolvedCacheConfig } from "../config/config-types.js";
import { type FlaskDefaults, resolveFlaskCacheConfig } from "../config/flask-config.js";
import { type Clock, systemClock } from "../core/clock.js";
import type { CacheConfigError } from "../core/errors.js";

export interface CreateCacheOptions {
  /** Time source for expiry; default the system clock. Tests pass a `FakeClock`. */
  clock?: Clock;
  /** Default `fail-open`; see `Cache`. */
  onBackendError?: BackendErrorPolicy;
  /** Where the first fail-open failure of each code goes; default `process.emitWarning`, `false` = silent. See `Cache`. */
  logger?: CacheWarnings;
  /** Config path used in errors and diagnostics. Default `CACHE_CONFIG`. */
  path?: string;
  /** Manager-level settings (HASH_ALGORITHM, SQLALCHEMY_DATABASE_URI) some backends need. */
  settings?: BackendSettings;
  /** Defaults that replace Flask-Caching's (used for RESULTS_BACKEND's cachelib defaults). */
  defaults?: FlaskDefaults;
  /** Read integral Python floats as `PyFloat` (pickle-based caches). Default false. */
  exactNumbers?: boolean;
  /**
   * Exact mode for pickle-based caches: a value read and written back is the value Python wrote
   * (see `LoadsOptions.exact` and docs/pickle.md). Implies `exactNumbers`. Default false.
   */
  exact?: boolean;
  /** Override the `deleteMany` strategy (default: Flask-Caching's loop). */
  deleteManyStrategy?: DeleteManyStrategy;
  /**
   * Options of the backend object, per family (`{ redis: { commandTimeoutMs, client, … } }`); the
   * cache reads the entry of its own family. Default none: every backend's own defaults.
   */
  backendOptions?: BackendOptions;
  /** Statistics options (latency clock, `timeEvery`), or `false` for none. Default on; see `Cache.stats()`. */
  stats?: CacheStatsOptions | false;
  /**
   * A config error to throw on first use instead of creating the backend (`CacheManager`: a
   * metastore cache without a database, which services that never use it need not fix).
   */
  unusable?: CacheConfigError;
}

/**
 * Build a `Cache` from a Flask-Caching config dict. Validation and CACHE_TYPE resolution happen
 * now (synchronously); the backend module is imported and the backend created on first use or
 * `await cache.whenReady()`, so no client connects before that.
 * @throws CacheConfigError for invalid keys/values, unknown or not-implemented CACHE_TYPE
 */
export function createCache(config: FlaskCacheConfig = {}, options: CreateCacheOptions = {}): Cache {
  const path = options.path ?? "CACHE_CONFIG";
  const resolved: ResolvedCacheConfig = resolveFlaskCacheConfig(config, path, options.defaults);
  const kind = resolveBackendKind(resolved.CACHE_TYPE, `${path}.CACHE_TYPE`);
  const reg = requireBackend(kind, path);
  // Each family reads only its own entry, typed by its module.
  const optionsByFamily: Partial<Record<BackendFamily, object>> = options.backendOptions ?? {};
  // Settings the family can check without its client (a Redis URL) fail now, not on first use.
  reg.validate?.(resolved, path, optionsByFamily[reg.family]);
  const ctx: BackendContext<object> = {
    clock: options.clock ?? systemClock,
    path,
    settings: options.settings ?? {},
    options: optionsByFamily[reg.family],
  };
  // Nothing is imported or connected until the cache is first used.
  let module: Promise<BackendModule<object>> | undefined;
  const unusable = options.unusable;
  const load = () => {
    module ??= unusable ? Promise.reject(unusable) : reg.load().then((m) => m.backendModule);
    return module;
  };
  return new Cache({
    backend: async () => (await load()).createBackend(resolved, ctx),
    serializer: async () => {
      const m = await load();
      return m.createSerializer
        ? m.createSerializer(resolved, ctx)
        : loadSerializer(reg.serializer, path, {
            exactNumbers: options.exactNumbers,
            exact: options.exact,
          });
    },
    config: resolved,
    keyPrefix: reg.keyPrefix === "prepend" ? resolved.CACHE_KEY_PREFIX : "",
    defaultTimeout: resolved.defaultTimeout,
    ignoreErrors: (reg.readsIgnoreErrors ?? false) && resolved.CACHE_IGNORE_ERRORS,
    onBackendError: options.onBackendError,
    logger: options.logger,
    deleteManyStrategy: options.deleteManyStrategy ?? reg.deleteMany,
    ...(options.stats !== undefined ? { stats: options.stats } : {}),
    name: path,
  });
}
