/**
 * `superset-cache/superset`: Superset's own uses of its caches. Chart-data keys and
 * `QueryCacheManager`, cache-key hashing and JSON hooks, the SQL Lab results backend, the
 * temporary caches (filter state, explore form data), thumbnails, and the per-version profiles.
 */
export {
  CACHE_DISABLED_TIMEOUT,
  type ChartDataEntry,
  ChartDataError,
  type ChartDataOptions,
  type ChartDataReadOptions,
  type ChartDataWrite,
  type ChartTimeoutChain,
  chartDataCacheTimeout,
  QueryCacheManager,
  SUPERSET_CACHE_DEFAULT_TIMEOUT,
} from "./chart-data.js";
export {
  type ChartDataJsonOptions,
  type ChartDataRecord,
  type ChartDataResultJson,
  chartDataResult,
  DEFAULT_CHART_DATA_TEMPORAL,
  type JsonValue,
} from "./chart-data-json.js";
export {
  type HashFromDictOptions,
  type HashFromStrOptions,
  hashFromDict,
  hashFromStr,
  hashInputJson,
} from "./hashing.js";
export {
  type AwareDatetimeRule,
  dateToEpochMillis,
  datetimeToEpochMillis,
  formatTimedelta,
  type JsonHookOptions,
  makeBaseJsonConv,
  makeJsonIntDttmSer,
  makeJsonIsoDttmSer,
} from "./json-hooks.js";
export {
  catalogListKey,
  invalidateMemoized,
  type MetadataKeyOptions,
  type MetadataListKind,
  type MetadataTableName,
  memoizeVersionKey,
  SUPERSET_MEMOIZED_FUNCTIONS,
  SupersetMetadataCache,
  schemaListEntryKey,
  schemaListKey,
} from "./metadata-keys.js";
export type { QueryObjectInput } from "./query-object-dict.js";
export {
  applyRowLimit,
  EXPLORE_JSON_KEY_PREFIX,
  generateCacheKey,
  type KeyVersionOptions,
  QUERY_CONTEXT_KEY_PREFIX,
  type QueryObjectKeyOptions,
  queryContextCacheKey,
  queryObjectCacheDict,
  queryObjectCacheKey,
  type RowLimitConfig,
  type TimeOffsetOptions,
  timeOffsetQueryCacheKey,
} from "./query-object-key.js";
// The three folder indexes below already curate their folders' public names.
export * from "./results/index.js";
export * from "./temporary/index.js";
export * from "./thumbnails/index.js";
export {
  DEFAULT_SUPERSET_VERSION,
  type HashAlgorithm,
  type HashJsonMode,
  SUPERSET_VERSIONS,
  type SupersetVersion,
  type SupersetVersionProfile,
  versionProfile,
} from "./versions.js";
