/**
 * `superset-cache/ops`: operating a Superset cache deployment. `doctor` (Redis health and
 * sizing), invalidation by datasource, the metastore key table, Superset's REST cache
 * invalidation, the cache warmer (Superset's warm-up strategies through its REST API or any
 * `WarmTarget`), per-cache statistics, and the key suffixes the stampede helpers write beside
 * a key.
 */

export { MEMOIZE_VERSION_SUFFIX } from "../cache/memoize.js";
export {
  GRACE_KEY_SUFFIX,
  LOCK_KEY_SUFFIX,
} from "../cache/stampede/get-or-set-options.js";
export { CacheStats, monotonicClock } from "../cache/stats.js";
export { type CacheKeyRow, type CacheKeysTable, openCacheKeysTable } from "./cache-keys-table.js";
export {
  DatasourceKeyIndex,
  type DatasourceKeyIndexOptions,
  DEFAULT_INDEX_PREFIX,
} from "./datasource-key-index.js";
export { doctor, redisTargetsOf } from "./doctor.js";
export { checkSupersetKeys, lintSupersetConfig } from "./doctor-superset-checks.js";
export { keyFamilyOf } from "./doctor-superset-keys.js";
export {
  type AsyncEventStreamFacts,
  DOCTOR_DEFAULTS,
  type DoctorOptions,
  type DoctorReport,
  type Finding,
  type KeyFamily,
  type KeyFamilyFacts,
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
  type WarmUpCacheResult,
} from "./superset-rest.js";
export {
  type ChartKeyInputs,
  chartDataKeys,
  chartKeyInputs,
  dataCacheColdCheck,
} from "./warm/cold-check.js";
export { WarmupError } from "./warm/errors.js";
export { type MetadataDatabase, type MetadataRow, openMetadataDatabase } from "./warm/metadata-database.js";
export { restWarmTarget } from "./warm/rest-target.js";
export {
  type ColdCheck,
  runWarmup,
  WARMUP_DEFAULTS,
  type WarmOutcome,
  type WarmProgressEvent,
  type WarmResult,
  type WarmStatus,
  type WarmSummary,
  type WarmTarget,
  type WarmupRunOptions,
} from "./warm/runner.js";
export { parseSince } from "./warm/since.js";
export { chartsToWarm, WARM_STRATEGY_NAMES, type WarmStrategy, type WarmTask } from "./warm/strategies.js";
export { type WarmupOptions, warmup } from "./warm/warmup.js";
