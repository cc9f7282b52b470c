/**
 * `invalidate({ datasourceUids })`: what Superset's POST /api/v1/cachekey/invalidate does —
 * select the `cache_keys` rows of those datasources, `delete_many` their keys, delete the rows.
 * Which cache the keys are deleted from depends on the Superset version: `cache_manager.cache`
 * (CACHE_CONFIG) up to 6.1, `cache_manager.data_cache` on master (PR #40493). Chart data lives
 * in DATA_CACHE_CONFIG, so with ≤ 6.1 behaviour and different prefixes nothing is actually
 * removed (Superset issue #40489); pass `target: "data"` to delete where the data is.
 */

import { CacheConfigError } from "../core/errors.js";
import type { CacheManager } from "../manager/cache-manager.js";
import type { SupersetVersion } from "../superset/versions.js";
import { openCacheKeysTable } from "./cache-keys-table.js";
import type { DatasourceKeyIndex } from "./datasource-key-index.js";

export interface InvalidateRequest {
  /** Dataset uids, `"{id}__{type}"`, e.g. `"3__table"`. */
  datasourceUids: readonly string[];
}

export interface InvalidateOptions {
  /** Where the keys are deleted (its named caches). */
  manager: CacheManager;
  /** Superset's SQLALCHEMY_DATABASE_URI (the metadata database holding cache_keys). */
  databaseUri?: string;
  /** Read keys from this Redis-side index instead of cache_keys (deployments without the table). */
  keyIndex?: DatasourceKeyIndex;
  /** Version whose target cache to use (default 6.1: CACHE_CONFIG). `master` → DATA_CACHE_CONFIG. */
  supersetVersion?: SupersetVersion;
  /** Override the version's choice: `cache` (CACHE_CONFIG) or `data` (DATA_CACHE_CONFIG). */
  target?: "cache" | "data";
}

export interface InvalidateResult {
  /** Named cache the keys were deleted from. */
  cache: "CACHE_CONFIG" | "DATA_CACHE_CONFIG";
  /** Keys recorded for the datasources (unprefixed, as in cache_keys). */
  keys: string[];
  /** Keys the cache reported deleted. */
  deleted: string[];
  /** cache_keys rows (or index SETs) removed. */
  rowsDeleted: number;
}

/**
 * Invalidate the cached chart data of datasets, as Superset's endpoint does.
 * @throws CacheBackendError when the metadata database fails (nothing deleted from it then);
 *   CacheConfigError `INVALIDATE_NO_SOURCE` when neither `databaseUri` nor `keyIndex` is given
 */
export async function invalidate(
  request: InvalidateRequest,
  options: InvalidateOptions,
): Promise<InvalidateResult> {
  const useData = options.target ? options.target === "data" : options.supersetVersion === "master";
  const cache = useData ? options.manager.dataCache : options.manager.cache;
  const name = useData ? "DATA_CACHE_CONFIG" : "CACHE_CONFIG";
  if (options.keyIndex) {
    const keys = await options.keyIndex.keys(request.datasourceUids);
    const deleted = keys.length > 0 ? await cache.deleteMany(keys) : [];
    const rowsDeleted = await options.keyIndex.forget(request.datasourceUids);
    return { cache: name, keys, deleted, rowsDeleted };
  }
  if (!options.databaseUri)
    throw new CacheConfigError(
      "INVALIDATE_NO_SOURCE",
      "databaseUri",
      "invalidate needs databaseUri (cache_keys) or keyIndex",
    );
  const table = await openCacheKeysTable(options.databaseUri);
  try {
    const rows = await table.select(request.datasourceUids);
    const keys = rows.map((r) => r.cacheKey);
    const deleted = keys.length > 0 ? await cache.deleteMany(keys) : [];
    // Superset deletes the rows whatever delete_many reported.
    const rowsDeleted = await table.deleteIds(rows.map((r) => r.id));
    return { cache: name, keys, deleted, rowsDeleted };
  } finally {
    await table.close();
  }
}
