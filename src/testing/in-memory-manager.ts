/**
 * A `CacheManager` with every named cache in memory (SimpleCache), for users' unit tests:
 * no Redis, no database, and a fake clock that moves only when the test says so.
 */

import type { FlaskCacheConfig } from "../config/config-types.js";
import type { Clock } from "../core/clock.js";
import { CacheManager, type CacheManagerOptions } from "../manager/cache-manager.js";
import type { SupersetCacheConfig } from "../manager/superset-config.js";
import { SUPERSET_CACHE_DEFAULTS } from "../manager/superset-defaults.js";
import { FakeClock } from "./fake-clock.js";

/** A CacheManager whose caches are all in memory, with the clock it uses. */
export class InMemoryCacheManager<C extends Clock = FakeClock> extends CacheManager {
  constructor(
    config: SupersetCacheConfig,
    options: CacheManagerOptions,
    /** The clock every cache reads; a `FakeClock` unless one was passed in. */
    override readonly clock: C,
  ) {
    super(config, { ...options, clock });
  }
}

function inMemory(defaults: FlaskCacheConfig): FlaskCacheConfig {
  // Keep Superset's timeouts; change only where values live (SimpleCache ignores key prefixes).
  const { CODEC: _codec, REFRESH_TIMEOUT_ON_RETRIEVAL: _refresh, ...rest } = defaults;
  return { ...rest, CACHE_TYPE: "SimpleCache" };
}

/**
 * Build a manager whose six caches are SimpleCaches (Superset's default timeouts kept: 1 day,
 * thumbnails 7 days, filter state 90 days, explore 7 days). Entries in `config` replace the defaults
 * (whole dicts, as a superset_config.py assignment does).
 * @param options.clock default a new `FakeClock`
 * @throws CacheConfigError for invalid config, as `CacheManager`
 */
export function createInMemoryCacheManager<C extends Clock = FakeClock>(
  config: SupersetCacheConfig = {},
  options: Omit<CacheManagerOptions, "clock"> & { clock?: C } = {},
): InMemoryCacheManager<C> {
  const d = SUPERSET_CACHE_DEFAULTS;
  const full: SupersetCacheConfig = {
    CACHE_CONFIG: inMemory(d.CACHE_CONFIG),
    DATA_CACHE_CONFIG: inMemory(d.DATA_CACHE_CONFIG),
    THUMBNAIL_CACHE_CONFIG: inMemory(d.THUMBNAIL_CACHE_CONFIG),
    FILTER_STATE_CACHE_CONFIG: inMemory(d.FILTER_STATE_CACHE_CONFIG),
    EXPLORE_FORM_DATA_CACHE_CONFIG: inMemory(d.EXPLORE_FORM_DATA_CACHE_CONFIG),
    RESULTS_BACKEND: { CACHE_TYPE: "SimpleCache" },
    ...config,
  };
  // Without a clock of the caller's, C is FakeClock (its default), so the cast is exact.
  return new InMemoryCacheManager<C>(full, options, options.clock ?? (new FakeClock() as unknown as C));
}
