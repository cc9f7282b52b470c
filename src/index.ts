/**
 * `superset-cache`: what a service needs to share Superset's caches. `CacheManager` and
 * `createCache`, the `Cache` API and its option types, the Python value model, the error
 * classes, the backend and serializer contracts, the diagnostics channels, and `pickle`.
 * Backends, codecs, Superset's key and value helpers, operations tools and integrations have
 * their own entries (`superset-cache/backends`, `/codecs`, `/superset`, `/ops`, …).
 */
export type { BackendEntry, CacheBackend, DistributedLock } from "./backends/backend.js";
export { Cache } from "./cache/cache.js";
export { RESULTS_BACKEND_NOT_CONFIGURED } from "./cache/cache-errors.js";
export type { CacheMapping, CacheOptions, DeleteManyStrategy } from "./cache/cache-options.js";
export type { BackendErrorPolicy, CacheWarningLogger, CacheWarnings } from "./cache/error-policy.js";
export { DEFAULT_CACHE_WARNINGS } from "./cache/error-policy.js";
export type { LatencySummary } from "./cache/latency-histogram.js";
export {
  type CachedOptions,
  type Memoized,
  MemoizeError,
  type MemoizeOptions,
  type MemoizeStampedeOptions,
} from "./cache/memoize.js";
export {
  GET_OR_SET_DEFAULTS,
  type GetOrSetFactory,
  type GetOrSetOptions,
  type GetOrSetStats,
  GetOrSetTimeoutError,
} from "./cache/stampede/get-or-set.js";
export type { CacheStatsOptions, CacheStatsSnapshot } from "./cache/stats.js";
export * as pickle from "./codecs/pickle/namespace.js";
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
export { type Clock, systemClock } from "./core/clock.js";
export type {
  ArgumentErrorCode,
  BackendErrorCode,
  ConfigErrorCode,
  DecodeErrorCode,
  EncodeErrorCode,
  MemoizeErrorCode,
  OperationErrorCode,
  SupersetCacheErrorCode,
} from "./core/error-codes/index.js";
export {
  CacheArgumentError,
  CacheBackendError,
  CacheConfigError,
  CacheDecodeError,
  CacheEncodeError,
  SupersetCacheError,
} from "./core/errors.js";
export {
  CacheManager,
  CacheManagerCloseError,
  type CacheManagerOptions,
  type ReadyOptions,
} from "./manager/cache-manager.js";
export { type CreateCacheOptions, createCache } from "./manager/create-cache.js";
export type { NamedCacheConfigKey, SupersetCacheConfig } from "./manager/superset-config.js";
export {
  PyBytearray,
  PyComplex,
  PyDate,
  PyDatetime,
  PyDatetime64,
  PyDecimal,
  PyEnum,
  PyFloat,
  PyFrozenSet,
  PyObject,
  PyOrderedDict,
  PySentinel,
  PyStr,
  PyTime,
  PyTimedelta,
  PyTuple,
  PyTzInfo,
  PyUUID,
  type PyValue,
  type Storable,
} from "./python/values.js";
