/**
 * `superset-cache/ops`: operating a Superset cache deployment. `doctor` (Redis health and
 * sizing), invalidation by datasource, the metastore key table, Superset's REST cache
 * invalidation, per-cache statistics, and the key suffixes the stampede helpers write beside
 * a key.
 */
export {
  GRACE_KEY_SUFFIX,
  LOCK_KEY_SUFFIX,
} from "../cache/get-or-set-options.js";
export { MEMOIZE_VERSION_SUFFIX } from "../cache/memoize.js";
export { CacheStats, monotonicClock } from "../cache/stats.js";
export { type CacheKeyRow, type CacheKeysTable, openCacheKeysTable } from "./cache-keys-table.js";
export {
  DatasourceKeyIndex,
  type DatasourceKeyIndexOptions,
  DEFAULT_INDEX_PREFIX,
} from "./datasource-key-index.js";
export { doctor, redisTargetsOf } from "./doctor.js";
export {
  DOCTOR_DEFAULTS,
  type DoctorOptions,
  type DoctorReport,
  type Finding,
  type KeyGroup,
  type KnownPrefix,
  type RedisRole,
  type Severity,
  SIZING_TABLE,
  type SizingTier,
} from "./doctor-types.js";
export {
  type InvalidateOptions,
  type InvalidateRequest,
  type InvalidateResult,
  invalidate,
} from "./invalidate.js";
export {
  type CacheInvalidationRequest,
  SupersetRestClient,
  type SupersetRestClientOptions,
  SupersetRestError,
} from "./superset-rest.js";
