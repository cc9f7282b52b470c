/** Options of `Cache` and the argument types of its API. */
import type { CacheBackend } from "../backends/backend.js";
import type { Serializer } from "../codecs/serializer.js";
import type { ResolvedCacheConfig } from "../config/config-types.js";
import type { PyValue } from "../python/values.js";
import type { BackendErrorPolicy, CacheWarnings } from "./error-policy.js";
import type { CacheStatsOptions } from "./stats.js";

/** How `deleteMany` talks to the backend. */
export type DeleteManyStrategy = "flask-caching-loop" | "backend-batch";

export interface CacheOptions {
  /**
   * The backend, a promise of it, or a function creating it. A function is called on first use
   * (or `whenReady()`), so no client connects before the cache is used.
   */
  backend: Lazy<CacheBackend>;
  /** Value codec, a promise of it, or a function creating it (called with the backend's). */
  serializer: Lazy<Serializer>;
  /** The resolved config dict this cache was built from (for inspection). */
  config?: ResolvedCacheConfig;
  /** Prepended to every key before it reaches the backend. Default `""`. */
  keyPrefix?: string;
  /** Timeout in SECONDS used when a call passes none; 0 = never expire. Default 300. */
  defaultTimeout?: number;
  /** `deleteMany` continues after a key that was not deleted (`CACHE_IGNORE_ERRORS`). Default false. */
  ignoreErrors?: boolean;
  /** Default `fail-open`: failed reads are misses, failed writes return false (counted). */
  onBackendError?: BackendErrorPolicy;
  /**
   * Where the first fail-open failure of each error code goes (once per code): a pino- or
   * console-shaped logger (`warn(details, message)`), `"process"` (`process.emitWarning`, type
   * `SupersetCacheWarning`) or `false` to stay silent. Default `DEFAULT_CACHE_WARNINGS` (`"process"`).
   */
  logger?: CacheWarnings;
  /**
   * `flask-caching-loop` (default): one `delete` per key, stopping at the first key not deleted
   * unless `ignoreErrors`, as Flask-Caching ≤ 2.4's BaseCache. `backend-batch`: one
   * `backend.deleteMany` call, every key attempted.
   */
  deleteManyStrategy?: DeleteManyStrategy;
  /** Name used in errors and diagnostics, e.g. `DATA_CACHE_CONFIG`. Default `cache`. */
  name?: string;
  /** Statistics (`stats()`): options such as the latency clock, or `false` to collect none. Default on. */
  stats?: CacheStatsOptions | false;
}

/** A value, a promise of it, or a function producing either (called once, on first use). */
export type Lazy<T> = T | Promise<T> | (() => T | Promise<T>);

/** The value of a `Lazy`: its function called (once, by the caller), else as given. */
export function force<T>(v: Lazy<T>): T | Promise<T> {
  return typeof v === "function" ? (v as () => T | Promise<T>)() : v;
}

/** Entries for `setMany`: a plain object, a `Map`, or `[key, value]` pairs. */
export type CacheMapping =
  | Record<string, PyValue>
  | Map<string, PyValue>
  | Iterable<readonly [string, PyValue]>;

/** `setMany`'s entries as `[key, value]` pairs, in the mapping's order. */
export function mappingPairs(mapping: CacheMapping): (readonly [string, PyValue])[] {
  return mapping instanceof Map || Symbol.iterator in mapping
    ? [...(mapping as Iterable<readonly [string, PyValue]>)]
    : Object.entries(mapping as Record<string, PyValue>);
}
