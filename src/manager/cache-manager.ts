/**
 * `CacheManager`: Superset's `cache_manager` — six named caches built from a Superset-style
 * config with Superset's defaults and init rules.
 */
import { type BackendOptions, isImplemented, resolveBackendKind } from "../backends/registry.js";
import { Cache } from "../cache/cache.js";
import { RESULTS_BACKEND_NOT_CONFIGURED } from "../cache/cache-errors.js";
import type { BackendErrorPolicy, CacheWarnings } from "../cache/error-policy.js";
import type { CacheStatsOptions, CacheStatsSnapshot } from "../cache/stats.js";
import { SUPERSET_KEYS } from "../config/config-schema.js";
import type { FlaskCacheConfig } from "../config/config-types.js";
import {
  isSupersetVersion,
  SUPERSET_VERSION_NAMES,
  type SupersetVersion,
} from "../config/superset-versions.js";
import { validateKeys } from "../config/validate-config.js";
import { type Clock, systemClock } from "../core/clock.js";
import { CacheConfigError, SupersetCacheError } from "../core/errors.js";
import { createCache } from "./create-cache.js";
import type { NamedCacheConfigKey, SupersetCacheConfig } from "./superset-config.js";
import {
  applySupersetInitRules,
  METASTORE_CACHE_PATH,
  REQUIRED_CACHES,
  SUPERSET_CACHE_DEFAULTS,
  SUPERSET_DEFAULT_TIMEOUT,
} from "./superset-defaults.js";

export interface CacheManagerOptions {
  /** Time source for every cache (milliseconds). Default the system clock; tests pass a FakeClock. */
  clock?: Clock;
  /** Error policy of every cache. Default `fail-open`. */
  onBackendError?: BackendErrorPolicy;
  /** Read integral Python floats as `PyFloat` in pickle-based caches. Default false. */
  exactNumbers?: boolean;
  /** Exact mode in pickle-based caches (see `CreateCacheOptions.exact`). Default false. */
  exact?: boolean;
  /**
   * Backend options for every cache, per family (`{ redis: { commandTimeoutMs: 500 } }`).
   * Default none: each backend's own defaults.
   */
  backendOptions?: BackendOptions;
  /**
   * Backend options for one named cache, by config key (`{ DATA_CACHE_CONFIG: { redis: {
   * client } } }`). Merged over `backendOptions` family by family, option by option.
   */
  backends?: Partial<Record<NamedCacheConfigKey, BackendOptions>>;
  /** Statistics options of every cache (latency clock, `timeEvery`), or `false` for none. Default on. */
  stats?: CacheStatsOptions | false;
  /**
   * Where each cache reports the first fail-open failure of each error code: a pino- or
   * console-shaped logger, `"process"` (`process.emitWarning`) or `false` (silent).
   * Default `DEFAULT_CACHE_WARNINGS` (`"process"`).
   */
  logger?: CacheWarnings;
  /**
   * The Superset release the caches are shared with (`"6.0"`, `"6.1"`, …): used by
   * `QueryCacheManager.forManager`, `keyOptions` (for the key functions) and the CLI. Default
   * none: each consumer's default (6.1, sha256 keys), with a one-time process warning.
   */
  supersetVersion?: SupersetVersion;
}

/** Options of `CacheManager.ready()`. */
export interface ReadyOptions {
  /**
   * Check only these caches. Default: every configured cache, except the two metastore caches
   * Superset requires while they are left at their default without SQLALCHEMY_DATABASE_URI.
   */
  caches?: readonly NamedCacheConfigKey[];
}

/**
 * `backendOptions` with the named cache's own entries laid over it, family by family (for each
 * family the cache's entry names), option by option.
 */
function backendOptionsFor(options: CacheManagerOptions, key: NamedCacheConfigKey): BackendOptions {
  const shared = options.backendOptions ?? {};
  const own = options.backends?.[key];
  if (!own) return shared;
  const merged: BackendOptions = { ...shared };
  for (const family of Object.keys(own) as (keyof BackendOptions)[]) layFamily(merged, family, own);
  return merged;
}

/** `own[family]` laid over `into[family]`, option by option. */
function layFamily<F extends keyof BackendOptions>(
  into: BackendOptions,
  family: F,
  own: BackendOptions,
): void {
  into[family] = { ...into[family], ...own[family] } as BackendOptions[F];
}

/** cachelib's default timeout for a RESULTS_BACKEND dict (it is a cachelib object in Superset), SECONDS. */
const CACHELIB_DEFAULT_TIMEOUT = 300;

/** Superset's RESULTS_BACKEND_NOT_CONFIGURED_ERROR text. */
const RESULTS_BACKEND_NOT_CONFIGURED_MESSAGE = "Results backend is not configured.";

type FlaskCacheKey = Exclude<NamedCacheConfigKey, "RESULTS_BACKEND">;

/** Closing caches failed (code `CLOSE_FAILED`); `errors` holds each cache's failure, the first is the `cause`. */
export class CacheManagerCloseError extends SupersetCacheError {
  declare readonly code: "CLOSE_FAILED";
  constructor(readonly errors: readonly unknown[]) {
    const reasons = errors.map((e) => (e instanceof Error ? e.message : String(e)));
    super("CLOSE_FAILED", `closing caches failed: ${reasons.join("; ")}`, { cause: errors[0] });
  }
}

export class CacheManager {
  /** `cache_manager.cache` (CACHE_CONFIG). */
  readonly cache: Cache;
  /** `cache_manager.data_cache` (DATA_CACHE_CONFIG): chart data. */
  readonly dataCache: Cache;
  /** `cache_manager.thumbnail_cache` (THUMBNAIL_CACHE_CONFIG). */
  readonly thumbnailCache: Cache;
  /** `cache_manager.filter_state_cache` (FILTER_STATE_CACHE_CONFIG). */
  readonly filterStateCache: Cache;
  /** `cache_manager.explore_form_data_cache` (EXPLORE_FORM_DATA_CACHE_CONFIG). */
  readonly exploreFormDataCache: Cache;
  /** RESULTS_BACKEND_USE_MSGPACK (Superset default true). */
  readonly resultsBackendUseMsgpack: boolean;
  /** HASH_ALGORITHM as configured (undefined = each consumer's version default). */
  readonly hashAlgorithm: "md5" | "sha256" | undefined;
  /** Top-level CACHE_DEFAULT_TIMEOUT in SECONDS (Superset default 86400). */
  readonly defaultTimeout: number;
  /** The `supersetVersion` option (undefined = each consumer's default, 6.1). */
  readonly supersetVersion: SupersetVersion | undefined;
  /** The clock every cache uses (the `clock` option, else the system clock). */
  readonly clock: Clock;
  /**
   * `{ supersetVersion, algorithm }` as set on this manager (`HASH_ALGORITHM`), to spread into the
   * key functions: `queryObjectCacheKey(qo, { ...manager.keyOptions, … })`.
   */
  readonly keyOptions: { readonly supersetVersion?: SupersetVersion; readonly algorithm?: "md5" | "sha256" };
  private readonly results: Cache | undefined;
  private readonly owned: Cache[] = [];
  /** Cache keys the caller configured (as opposed to Superset defaults). */
  private readonly explicit: ReadonlySet<string>;
  /** Defaulted metastore caches without a database: they fail on use, `ready()` skips them. */
  private readonly unusableDefaults = new Set<NamedCacheConfigKey>();

  /**
   * Validates the whole config and builds every cache. Nothing connects until a cache is used;
   * await `ready()` to connect to every server now and surface connection errors early. A
   * metastore cache without SQLALCHEMY_DATABASE_URI is no error here: using it throws
   * `CONFIG_METASTORE_NO_DATABASE` (a service reading chart data needs no metadata database).
   * @throws CacheConfigError naming the key path: unknown/misspelt keys (with a suggestion), wrong
   *   types, negative thresholds, unknown CACHE_TYPE (with a suggestion), a bad Redis URL, a
   *   backend not implemented in this build, an unknown `supersetVersion`
   */
  constructor(config: SupersetCacheConfig = {}, options: CacheManagerOptions = {}) {
    const { RESULTS_BACKEND, ...rest } = config;
    validateKeys(rest, SUPERSET_KEYS, "");
    if (options.supersetVersion !== undefined && !isSupersetVersion(options.supersetVersion)) {
      throw new CacheConfigError(
        "UNSUPPORTED_SUPERSET_VERSION",
        "supersetVersion",
        `unsupported Superset version ${JSON.stringify(options.supersetVersion)}; expected one of ${SUPERSET_VERSION_NAMES.join(", ")}`,
      );
    }
    this.supersetVersion = options.supersetVersion;
    this.clock = options.clock ?? systemClock;
    this.explicit = new Set(
      Object.keys(config).filter((k) => config[k as keyof SupersetCacheConfig] != null),
    );
    this.defaultTimeout = config.CACHE_DEFAULT_TIMEOUT ?? SUPERSET_DEFAULT_TIMEOUT;
    this.resultsBackendUseMsgpack = config.RESULTS_BACKEND_USE_MSGPACK ?? true;
    this.hashAlgorithm = config.HASH_ALGORITHM;
    this.keyOptions = Object.freeze({
      ...(this.supersetVersion ? { supersetVersion: this.supersetVersion } : {}),
      ...(this.hashAlgorithm ? { algorithm: this.hashAlgorithm } : {}),
    });
    const settings = {
      HASH_ALGORITHM: config.HASH_ALGORITHM,
      HASH_ALGORITHM_FALLBACKS: config.HASH_ALGORITHM_FALLBACKS,
      SQLALCHEMY_DATABASE_URI: config.SQLALCHEMY_DATABASE_URI,
    };
    const build = (key: FlaskCacheKey): Cache => {
      const dict = applySupersetInitRules(
        key,
        config[key] ?? SUPERSET_CACHE_DEFAULTS[key],
        this.defaultTimeout,
      );
      const unusable = this.requireMetastoreIfChosen(key, dict, config.SQLALCHEMY_DATABASE_URI);
      if (unusable && !this.explicit.has(key)) this.unusableDefaults.add(key);
      const backendOptions = backendOptionsFor(options, key);
      const cache = createCache(dict, {
        ...options,
        clock: this.clock,
        path: key,
        settings,
        backendOptions,
        unusable,
      });
      this.owned.push(cache);
      return cache;
    };
    this.cache = build("CACHE_CONFIG");
    this.dataCache = build("DATA_CACHE_CONFIG");
    this.thumbnailCache = build("THUMBNAIL_CACHE_CONFIG");
    this.filterStateCache = build("FILTER_STATE_CACHE_CONFIG");
    this.exploreFormDataCache = build("EXPLORE_FORM_DATA_CACHE_CONFIG");
    this.results = this.buildResultsBackend(RESULTS_BACKEND, options, settings);
  }

  /**
   * The metastore cache needs Superset's metadata database. Without one, the error its first use
   * throws (naming the key and the ways out), so that services which never use it need none.
   * @throws CacheConfigError `CONFIG_BACKEND_NOT_IMPLEMENTED` when the build has no metastore backend
   */
  private requireMetastoreIfChosen(
    key: FlaskCacheKey,
    dict: FlaskCacheConfig,
    databaseUri: unknown,
  ): CacheConfigError | undefined {
    if (dict.CACHE_TYPE !== METASTORE_CACHE_PATH) return undefined;
    const why = REQUIRED_CACHES.has(key) && !this.explicit.has(key) ? "is required and defaults to" : "is";
    const alternatives =
      'set its CACHE_TYPE to "RedisCache", "FileSystemCache" or "SimpleCache", or to "NullCache" if this service does not use it';
    if (!isImplemented(resolveBackendKind(METASTORE_CACHE_PATH, `${key}.CACHE_TYPE`))) {
      throw new CacheConfigError(
        "CONFIG_BACKEND_NOT_IMPLEMENTED",
        `${key}.CACHE_TYPE`,
        `${key} ${why} SupersetMetastoreCache, which this build does not implement; ${alternatives}`,
      );
    }
    if (databaseUri) return undefined;
    return new CacheConfigError(
      "CONFIG_METASTORE_NO_DATABASE",
      `${key}.CACHE_TYPE`,
      `${key} ${why} SupersetMetastoreCache, which needs SQLALCHEMY_DATABASE_URI (Superset's metadata database); set SQLALCHEMY_DATABASE_URI or ${alternatives}`,
    );
  }

  private buildResultsBackend(
    value: SupersetCacheConfig["RESULTS_BACKEND"],
    options: CacheManagerOptions,
    settings: Record<string, unknown>,
  ): Cache | undefined {
    if (value === undefined || value === null) return undefined;
    if (value instanceof Cache) return value;
    const dict: FlaskCacheConfig = { CACHE_DEFAULT_TIMEOUT: CACHELIB_DEFAULT_TIMEOUT, ...value };
    const cache = createCache(dict, {
      ...options,
      clock: this.clock,
      backendOptions: backendOptionsFor(options, "RESULTS_BACKEND"),
      path: "RESULTS_BACKEND",
      settings,
      defaults: { keyPrefix: "" },
    });
    this.owned.push(cache);
    return cache;
  }

  /** `true` when RESULTS_BACKEND is configured. */
  get hasResultsBackend(): boolean {
    return this.results !== undefined;
  }

  /**
   * SQL Lab's results backend.
   * @throws CacheConfigError `RESULTS_BACKEND_NOT_CONFIGURED` when RESULTS_BACKEND is unset (Superset's
   *   RESULTS_BACKEND_NOT_CONFIGURED_ERROR)
   */
  get resultsBackend(): Cache {
    if (!this.results) {
      throw new CacheConfigError(
        RESULTS_BACKEND_NOT_CONFIGURED,
        "RESULTS_BACKEND",
        RESULTS_BACKEND_NOT_CONFIGURED_MESSAGE,
      );
    }
    return this.results;
  }

  /**
   * Every configured cache with its config key, in Superset's order (RESULTS_BACKEND last, only
   * when configured). For tools that walk all caches (stats, doctor, invalidation).
   */
  entries(): [NamedCacheConfigKey, Cache][] {
    const out: [NamedCacheConfigKey, Cache][] = [
      ["CACHE_CONFIG", this.cache],
      ["DATA_CACHE_CONFIG", this.dataCache],
      ["THUMBNAIL_CACHE_CONFIG", this.thumbnailCache],
      ["FILTER_STATE_CACHE_CONFIG", this.filterStateCache],
      ["EXPLORE_FORM_DATA_CACHE_CONFIG", this.exploreFormDataCache],
    ];
    if (this.results) out.push(["RESULTS_BACKEND", this.results]);
    return out;
  }

  /**
   * Statistics of every cache this manager built, keyed by config name (`CACHE_CONFIG`,
   * `DATA_CACHE_CONFIG`, …, `RESULTS_BACKEND`); caches with stats off are left out.
   */
  stats(): Record<string, CacheStatsSnapshot> {
    const out: Record<string, CacheStatsSnapshot> = {};
    for (const c of this.owned) {
      const s = c.stats();
      if (s) out[c.name] = s;
    }
    return out;
  }

  /** Zero the statistics of every cache this manager built. */
  resetStats(): void {
    for (const c of this.owned) c.resetStats();
  }

  /** Every cache this manager built, keyed by config name (for ops tools: doctor, exporter, CLI). */
  namedCaches(): Record<string, Cache> {
    return Object.fromEntries(this.owned.map((c) => [c.name, c]));
  }

  /**
   * Create every backend and reach every server now: connect and PING each Redis (after AUTH
   * and SELECT), open each metastore database and check its table, check each cache directory.
   * Every cache is checked, in parallel; the first failure in Superset's cache order is thrown.
   * Skipped by default: the two metastore caches Superset requires while they are left at their
   * default without SQLALCHEMY_DATABASE_URI (their first use throws `CONFIG_METASTORE_NO_DATABASE`).
   * @throws the failing cache's own error, naming the cache, the address (never a password) and
   *   the cause: RedisBackendError (`REDIS_CONNECTION`, `REDIS_AUTH_FAILED`, …), CacheConfigError
   *   (`CONFIG_REDIS_DB`, `CONFIG_METASTORE_NO_DATABASE`, …), CacheBackendError (`METASTORE_*`, `FS_*`)
   */
  async ready(options: ReadyOptions = {}): Promise<void> {
    const only = options.caches ? new Set(options.caches) : undefined;
    const chosen = this.entries().filter(([key]) => (only ? only.has(key) : !this.unusableDefaults.has(key)));
    const results = await Promise.allSettled(
      chosen.map(async ([, cache]) => {
        await (await cache.backend()).ping?.();
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }

  /**
   * Close every cache this manager built (a RESULTS_BACKEND passed in as a `Cache` is left open). Idempotent.
   * @throws CacheManagerCloseError `CLOSE_FAILED` when any cache failed to close (the others are closed)
   */
  async close(): Promise<void> {
    const results = await Promise.allSettled(this.owned.map((c) => c.close()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed.length > 0) throw new CacheManagerCloseError(failed.map((f) => f.reason));
  }
}
