/**
 * What the temporary-cache commands need from their surroundings: the cache (any object
 * with Flask-Caching's get/set/delete, e.g. `Cache`), the caller's identity, and access checks.
 */
import type { PyValue } from "../../python/values.js";
import type { EnumStrStyle } from "./cache-key.js";
import { RANDOM_KEY_BYTES } from "./random-key.js";

/** The subset of `Cache` the commands use. Timeouts are SECONDS; `undefined` = the cache default. */
export interface TemporaryCacheBackend {
  /** The cache dict it was built from, when known (`Cache.config`): supplies REFRESH_TIMEOUT_ON_RETRIEVAL. */
  readonly config?: { REFRESH_TIMEOUT_ON_RETRIEVAL?: boolean } | undefined;
  get(key: string): Promise<PyValue | undefined>;
  set(key: string, value: PyValue, timeout?: number | null): Promise<boolean>;
  delete(key: string): Promise<boolean>;
}

/** Who is calling: Superset's `get_user_id()` and Flask-Login's `session["_id"]`. */
export interface RequestIdentity {
  /** `g.user.id`; `null` for anonymous (two anonymous users own each other's entries, as in Superset). */
  userId: number | null;
  /** Flask-Login `_id` (see `flaskLoginSessionId`), or `null` without a session (→ `None` in keys). */
  sessionId: string | null;
}

/** Options shared by both stores. */
export interface TemporaryStoreOptions {
  /** Flask-Caching cache to use (`cacheManager.filterStateCache` / `exploreFormDataCache`). */
  cache: TemporaryCacheBackend;
  /**
   * Superset's REFRESH_TIMEOUT_ON_RETRIEVAL: a successful get re-sets the entry with the
   * default timeout. Default: read from `cache.config` as Superset does (a dict without the
   * key means off); `true` (Superset's default config) when the cache carries no config.
   */
  refreshTimeoutOnRetrieval?: boolean;
  /** Random bytes per new key: 8 (11 characters, Superset ≥ 5.0, default) or 48 (64 characters, ≤ 4.x). */
  randomKeyBytes?: number;
  /** Key generator override (tests). Default `randomKey(randomKeyBytes)`. */
  randomKey?: () => string;
}

export const DEFAULT_REFRESH_TIMEOUT_ON_RETRIEVAL = true;
export type { EnumStrStyle };
export { RANDOM_KEY_BYTES };

/**
 * The REFRESH_TIMEOUT_ON_RETRIEVAL flag Superset's get commands use for a cache dict:
 * `config.get("REFRESH_TIMEOUT_ON_RETRIEVAL")`, so a custom dict without the key means NO
 * refresh; no dict at all means Superset's default dict (refresh on).
 */
export function refreshTimeoutOnRetrieval(
  cacheConfig: { REFRESH_TIMEOUT_ON_RETRIEVAL?: boolean } | undefined,
): boolean {
  if (cacheConfig === undefined) return DEFAULT_REFRESH_TIMEOUT_ON_RETRIEVAL;
  return Boolean(cacheConfig.REFRESH_TIMEOUT_ON_RETRIEVAL);
}
