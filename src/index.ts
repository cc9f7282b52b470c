export type { BackendEntry, CacheBackend, DistributedLock } from "./backends/backend.js";
export {
  CIRCUIT_BREAKER_DEFAULTS,
  CIRCUIT_OPEN,
  CircuitBreakerBackend,
  type CircuitBreakerOptions,
  type CircuitBreakerStats,
  type CircuitState,
} from "./backends/circuit-breaker.js";
export { FileSystemBackend, type FileSystemBackendOptions } from "./backends/filesystem/backend.js";
export {
  type FileHashMethod,
  FileSystemCountError,
  FileSystemExpiryRangeError,
  FileSystemHeaderError,
  FileSystemKeyError,
} from "./backends/filesystem/format.js";
export { L1_DEFAULTS, L1Backend, type L1Invalidation, type L1Options, type L1Stats } from "./backends/l1.js";
export {
  DEFAULT_MAX_CONNECTIONS,
  MetastoreBackend,
  type MetastoreBackendOptions,
} from "./backends/metastore/backend.js";
export {
  type MetastoreJsonOptions,
  type MetastorePickleOptions,
  metastoreJsonSerializer,
  metastorePickleSerializer,
} from "./backends/metastore/codecs.js";
export { METASTORE_RESOURCE, type MetastoreDialect } from "./backends/metastore/dialect.js";
export {
  type MetastoreConnectionSettings,
  type MetastoreDialectName,
  parseDatabaseUri,
} from "./backends/metastore/dsn.js";
export type { NaiveTimeZone } from "./backends/metastore/time.js";
export {
  type MetastoreHashAlgorithm,
  type MetastoreUuidOptions,
  metastoreNamespace,
  metastoreUuid,
} from "./backends/metastore/uuid.js";
export { NullBackend } from "./backends/null.js";
export {
  REDIS_BACKEND_DEFAULTS,
  RedisBackend,
  type RedisBackendContext,
  RedisBackendError,
  type RedisBackendOptions,
  type RedisBackendStats,
  RedisErrorCode,
} from "./backends/redis/backend.js";
export { REDIS_CONNECTION_DEFAULTS, type RedisConnectionOptions } from "./backends/redis/client.js";
export {
  type FlaskRedisConfig,
  type RedisTopology,
  type ResolvedRedisConfig,
  redisTopologyFor,
  resolveRedisConfig,
} from "./backends/redis/config.js";
export { RedisLock } from "./backends/redis/lock.js";
export {
  type BackendContext,
  type BackendKind,
  type BackendModule,
  type BackendOptions,
  type BackendSettings,
  knownCacheTypes,
  resolveBackendKind,
} from "./backends/registry.js";
export { DEFAULT_SIMPLE_THRESHOLD, SimpleBackend, type SimpleBackendOptions } from "./backends/simple.js";
export { Cache, type CacheMapping, type CacheOptions, type DeleteManyStrategy } from "./cache/cache.js";
export { CacheArgumentError, RESULTS_BACKEND_NOT_CONFIGURED } from "./cache/cache-errors.js";
export type { BackendErrorPolicy } from "./cache/error-policy.js";
export {
  GET_OR_SET_DEFAULTS,
  type GetOrSetFactory,
  type GetOrSetOptions,
  type GetOrSetStats,
  GetOrSetTimeoutError,
  GRACE_KEY_SUFFIX,
  LOCK_KEY_SUFFIX,
} from "./cache/get-or-set.js";
export type { LatencySummary } from "./cache/latency-histogram.js";
export {
  type CachedOptions,
  MEMOIZE_VERSION_SUFFIX,
  type Memoized,
  MemoizeError,
  type MemoizeOptions,
  type MemoizeStampedeOptions,
} from "./cache/memoize.js";
export {
  CacheStats,
  type CacheStatsOptions,
  type CacheStatsSnapshot,
  monotonicClock,
} from "./cache/stats.js";
export { PickleSerializer, type PickleSerializerOptions } from "./codecs/cachelib/pickle-serializer.js";
export { RedisSerializer, type RedisSerializerOptions } from "./codecs/cachelib/redis-serializer.js";
export * as pyjson from "./codecs/json/index.js";
export { type PyJsonDumpsOptions, PyJsonEncodeError, type PyJsonErrorCode } from "./codecs/json/index.js";
export * as pickle from "./codecs/pickle/index.js";
export { PickleDecodeError, PickleEncodeError, PickleSecurityError } from "./codecs/pickle/index.js";
export type { Serializer } from "./codecs/serializer.js";
export type { FlaskCacheConfig, ResolvedCacheConfig } from "./config/config-types.js";
export {
  type CacheErrorEvent,
  type CacheFailOpenEvent,
  type CacheOperationEvent,
  ERROR_CHANNEL_NAME,
  FAIL_OPEN_CHANNEL_NAME,
  OPERATION_CHANNEL_NAME,
  type OperationOutcome,
} from "./core/channels.js";
export type { Clock } from "./core/clock.js";
export { systemClock } from "./core/clock.js";
export * from "./core/errors.js";
export { createKeyvCache, KeyvBackend, type KeyvCacheOptions } from "./integrations/keyv/backend.js";
export {
  KeyvAdapterError,
  KeyvStoreAdapter,
  type KeyvStoreAdapterOptions,
} from "./integrations/keyv/store-adapter.js";
export {
  createPrometheusExporter,
  LATENCY_BUCKETS_SECONDS,
  type PrometheusExporter,
  type PrometheusExporterOptions,
} from "./integrations/prometheus/index.js";
export { CacheManager, type CacheManagerOptions } from "./manager/cache-manager.js";
export { type CreateCacheOptions, createCache } from "./manager/create-cache.js";
export type { NamedCacheConfigKey, SupersetCacheConfig } from "./manager/superset-config.js";
export { type CacheKeyRow, type CacheKeysTable, openCacheKeysTable } from "./ops/cache-keys-table.js";
export {
  DatasourceKeyIndex,
  type DatasourceKeyIndexOptions,
  DEFAULT_INDEX_PREFIX,
} from "./ops/datasource-key-index.js";
export { doctor, redisTargetsOf } from "./ops/doctor.js";
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
} from "./ops/doctor-types.js";
export {
  type InvalidateOptions,
  type InvalidateRequest,
  type InvalidateResult,
  invalidate,
} from "./ops/invalidate.js";
export {
  type CacheInvalidationRequest,
  SupersetRestClient,
  type SupersetRestClientOptions,
  SupersetRestError,
} from "./ops/superset-rest.js";
export * from "./python/values.js";
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
} from "./superset/chart-data.js";
export {
  type HashFromDictOptions,
  type HashFromStrOptions,
  hashFromDict,
  hashFromStr,
  hashInputJson,
} from "./superset/hashing.js";
export {
  type AwareDatetimeRule,
  dateToEpochMillis,
  datetimeToEpochMillis,
  formatTimedelta,
  type JsonHookOptions,
  makeBaseJsonConv,
  makeJsonIntDttmSer,
  makeJsonIsoDttmSer,
} from "./superset/json-hooks.js";
export {
  applyRowLimit,
  EXPLORE_JSON_KEY_PREFIX,
  generateCacheKey,
  type KeyVersionOptions,
  QUERY_CONTEXT_KEY_PREFIX,
  type QueryObjectInput,
  type QueryObjectKeyOptions,
  queryContextCacheKey,
  queryObjectCacheDict,
  queryObjectCacheKey,
  type RowLimitConfig,
  type TimeOffsetOptions,
  timeOffsetQueryCacheKey,
} from "./superset/query-object-key.js";
export * from "./superset/results/index.js";
export * from "./superset/temporary/index.js";
export * from "./superset/thumbnails/index.js";
export {
  DEFAULT_SUPERSET_VERSION,
  type HashAlgorithm,
  type HashJsonMode,
  SUPERSET_VERSIONS,
  type SupersetVersion,
  type SupersetVersionProfile,
  versionProfile,
} from "./superset/versions.js";
