/**
 * `superset-cache/backends`: the backend contracts, the CACHE_TYPE registry, and the backends
 * that need no server (null, simple), plus the wrappers (circuit breaker, L1). The Redis,
 * file-system and metastore families have their own entries, so importing this one loads none
 * of their clients.
 */
export type { BackendEntry, CacheBackend, DistributedLock } from "./backend.js";
export {
  CIRCUIT_BREAKER_DEFAULTS,
  CIRCUIT_OPEN,
  CircuitBreakerBackend,
  type CircuitBreakerOptions,
  type CircuitBreakerStats,
  type CircuitState,
} from "./circuit-breaker.js";
export { L1_DEFAULTS, L1Backend, type L1Invalidation, type L1Options, type L1Stats } from "./l1.js";
export { NullBackend } from "./null.js";
export {
  type BackendContext,
  type BackendKind,
  type BackendModule,
  type BackendOptions,
  type BackendSettings,
  knownCacheTypes,
  resolveBackendKind,
} from "./registry.js";
export { DEFAULT_SIMPLE_THRESHOLD, SimpleBackend, type SimpleBackendOptions } from "./simple.js";
