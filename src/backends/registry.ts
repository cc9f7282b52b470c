/**
 * CACHE_TYPE → backend kind, and backend kind → lazily imported backend module.
 *
 * Every spelling Flask-Caching 2.0–2.4 accepts (flask-caching-format.md §3.2) is listed:
 * short class names, deprecated lowercase factory names, dotted paths through
 * `flask_caching.backends` and its submodules, plus Superset's metastore cache. Backend modules
 * are imported only when a cache of that kind is built, so optional clients (ioredis, pg, …)
 * are never loaded by users who do not need them.
 */
import type { Serializer } from "../codecs/serializer.js";
import type { ResolvedCacheConfig } from "../config/config-types.js";
import type { Clock } from "../core/clock.js";
import { CacheConfigError } from "../core/errors.js";
import type { CacheBackend } from "./backend.js";
import type { FileSystemFamilyOptions } from "./filesystem/backend.js";
import type { RedisBackendOptions } from "./redis/options.js";

/** Backend families. `implemented` below says which ones this build can create. */
export type BackendKind =
  | "null"
  | "simple"
  | "filesystem"
  | "redis"
  | "redis-sentinel"
  | "redis-cluster"
  | "metastore"
  | "memcached"
  | "sasl-memcached"
  | "spread-sasl-memcached"
  | "gae-memcached"
  | "uwsgi";

/** Manager-level settings a backend may need besides its own cache dict. */
export interface BackendSettings {
  /** Superset `HASH_ALGORITHM` (metastore UUID namespace). */
  HASH_ALGORITHM?: "md5" | "sha256";
  HASH_ALGORITHM_FALLBACKS?: ("md5" | "sha256")[];
  /** Superset metadata database URL (metastore backend). */
  SQLALCHEMY_DATABASE_URI?: string;
}

/**
 * Options for backend objects that a Flask-Caching config dict cannot express (client objects,
 * callbacks, fault-handling knobs), one entry per backend family. A family ignores the others'
 * entries, so one object can serve caches of different kinds.
 */
export interface BackendOptions {
  /**
   * Redis family (RedisCache, RedisSentinelCache, RedisClusterCache): connection/command
   * timeouts in MILLISECONDS, circuit breaker, offline queue bound, `allowFlushDb`, or an existing
   * ioredis `client` (never closed by the cache). See `RedisBackendOptions` for defaults.
   */
  redis?: RedisBackendOptions;
  /**
   * FileSystemCache: `onDecodeError`/`onWarning` callbacks and defaults for the Node-only
   * switches (`fsync`, `syncReads`, `syncWrites`, `atomicReplace`, `readMemoBytes`); the cache
   * dict's `CACHE_OPTIONS` win. See `FileSystemBackendOptions`.
   */
  filesystem?: FileSystemFamilyOptions;
}

/** What a backend factory receives besides its config. */
export interface BackendContext extends BackendOptions {
  /** Time source for expiry decisions. */
  clock: Clock;
  /** Config path for error messages, e.g. `DATA_CACHE_CONFIG`. */
  path: string;
  settings: BackendSettings;
}

/** A backend module (`src/backends/<kind>.ts`) exports this factory. */
export interface BackendModule {
  /** Build the backend; throw `CacheConfigError` (with `ctx.path`) for bad settings. */
  createBackend(config: ResolvedCacheConfig, ctx: BackendContext): CacheBackend | Promise<CacheBackend>;
  /**
   * Optional: the serializer this backend's values use, when it depends on the config (the
   * metastore's `CODEC`). Without it, `Cache` uses the registry row's `serializer` kind.
   */
  createSerializer?(config: ResolvedCacheConfig, ctx: BackendContext): Serializer | Promise<Serializer>;
}

/**
 * Value format Flask-Caching uses for a backend: `pickle` = plain protocol-5 pickle (Simple,
 * FileSystem; the FS backend adds its own expiry header), `redis` = `!` + pickle with cachelib's
 * int/raw-bytes read fallbacks, `metastore` = the Superset key_value codec chosen by `CODEC`
 * (the metastore module must export `createSerializer`).
 */
export type SerializerKind = "pickle" | "redis" | "metastore";

/**
 * How `CACHE_KEY_PREFIX` reaches storage: `prepend` = `Cache` prepends it to every key (Redis
 * family, as cachelib does); `ignored` = Flask-Caching does not use it (Simple, FileSystem, Null);
 * `backend` = the backend consumes it itself (metastore: UUID namespace seed) and `Cache` must
 * not touch keys.
 */
export type KeyPrefixUse = "prepend" | "ignored" | "backend";

export interface BackendRegistration {
  /** Lazy import of the module; `null` = known kind, not implemented in this build. */
  load: (() => Promise<BackendModule>) | null;
  serializer: SerializerKind;
  keyPrefix: KeyPrefixUse;
  /**
   * How `Cache.deleteMany` reaches this backend: `flask-caching-loop` (default; Flask-Caching
   * ≤ 2.4's per-key loop that stops at the first miss) or `backend-batch` (one
   * `backend.deleteMany`, every key attempted). A backend choosing batch must document it.
   */
  deleteMany?: "flask-caching-loop" | "backend-batch";
}

/**
 * The backend table. Engineers adding a backend: create `src/backends/<kind>.ts` exporting
 * `createBackend` and replace `load: null` on its row with `() => import("./<kind>.js")`.
 */
export const BACKENDS: Readonly<Record<BackendKind, BackendRegistration>> = {
  null: { load: () => import("./null.js"), serializer: "pickle", keyPrefix: "ignored" },
  simple: { load: () => import("./simple.js"), serializer: "pickle", keyPrefix: "ignored" },
  filesystem: { load: () => import("./filesystem/backend.js"), serializer: "pickle", keyPrefix: "ignored" },
  // One module serves all three; the topology comes from CACHE_TYPE.
  redis: { load: () => import("./redis/backend.js"), serializer: "redis", keyPrefix: "prepend" },
  "redis-sentinel": { load: () => import("./redis/backend.js"), serializer: "redis", keyPrefix: "prepend" },
  "redis-cluster": { load: () => import("./redis/backend.js"), serializer: "redis", keyPrefix: "prepend" },
  metastore: { load: () => import("./metastore/backend.js"), serializer: "metastore", keyPrefix: "backend" },
  // Known to Flask-Caching, not planned here: selecting them gives CONFIG_BACKEND_NOT_IMPLEMENTED.
  memcached: { load: null, serializer: "pickle", keyPrefix: "prepend" },
  "sasl-memcached": { load: null, serializer: "pickle", keyPrefix: "prepend" },
  "spread-sasl-memcached": { load: null, serializer: "pickle", keyPrefix: "prepend" },
  "gae-memcached": { load: null, serializer: "pickle", keyPrefix: "prepend" },
  uwsgi: { load: null, serializer: "pickle", keyPrefix: "ignored" },
};

/** Class names in `flask_caching.backends` and the submodule that defines each. */
const CLASS_NAMES: Readonly<Record<string, readonly [module: string, kind: BackendKind]>> = {
  NullCache: ["nullcache", "null"],
  SimpleCache: ["simplecache", "simple"],
  FileSystemCache: ["filesystemcache", "filesystem"],
  RedisCache: ["rediscache", "redis"],
  RedisSentinelCache: ["rediscache", "redis-sentinel"],
  RedisClusterCache: ["rediscache", "redis-cluster"],
  MemcachedCache: ["memcache", "memcached"],
  SASLMemcachedCache: ["memcache", "sasl-memcached"],
  SpreadSASLMemcachedCache: ["memcache", "spread-sasl-memcached"],
  UWSGICache: ["uwsgicache", "uwsgi"],
};

/** Deprecated factory functions of `flask_caching.backends` (DeprecationWarning in 2.x, removed in 2.5). */
const FACTORY_NAMES: Readonly<Record<string, BackendKind>> = {
  null: "null",
  simple: "simple",
  filesystem: "filesystem",
  redis: "redis",
  redissentinel: "redis-sentinel",
  rediscluster: "redis-cluster",
  uwsgi: "uwsgi",
  memcached: "memcached",
  gaememcached: "gae-memcached",
  saslmemcached: "sasl-memcached",
  spreadsaslmemcached: "spread-sasl-memcached",
};

const METASTORE_NAMES = [
  "SupersetMetastoreCache",
  "superset.extensions.metastore_cache.SupersetMetastoreCache",
] as const;

function buildSpellings(): ReadonlyMap<string, BackendKind> {
  const map = new Map<string, BackendKind>();
  for (const [cls, [module, kind]] of Object.entries(CLASS_NAMES)) {
    map.set(cls, kind);
    map.set(`flask_caching.backends.${cls}`, kind);
    map.set(`flask_caching.backends.${module}.${cls}`, kind);
  }
  for (const [fn, kind] of Object.entries(FACTORY_NAMES)) {
    map.set(fn, kind);
    map.set(`flask_caching.backends.${fn}`, kind);
  }
  for (const name of METASTORE_NAMES) map.set(name, "metastore");
  return map;
}

const SPELLINGS = buildSpellings();

/** Every accepted `CACHE_TYPE` string (for docs and tests). */
export function knownCacheTypes(): string[] {
  return [...SPELLINGS.keys()];
}

/**
 * Map a `CACHE_TYPE` to a backend kind.
 * @throws CacheConfigError `CONFIG_UNKNOWN_CACHE_TYPE` for a name Flask-Caching would not import;
 *   `CONFIG_CACHE_TYPE_UNSUPPORTED` for `cachelib.*` classes (broken through Flask-Caching ≤ 2.4).
 */
export function resolveBackendKind(cacheType: string, path: string): BackendKind {
  const kind = SPELLINGS.get(cacheType);
  if (kind) return kind;
  if (cacheType.startsWith("cachelib.")) {
    throw new CacheConfigError(
      "CONFIG_CACHE_TYPE_UNSUPPORTED",
      path,
      `"${cacheType}" is a bare cachelib class; Flask-Caching ≤ 2.4 constructs it with the Flask app as host and it fails on first use. Use the flask_caching.backends class of the same name.`,
    );
  }
  throw new CacheConfigError(
    "CONFIG_UNKNOWN_CACHE_TYPE",
    path,
    `unknown CACHE_TYPE "${cacheType}". Accepted: ${Object.keys(CLASS_NAMES).join(", ")}, SupersetMetastoreCache, their flask_caching.backends.* paths, or the lowercase factory names.`,
  );
}

/** `true` when this build can create backends of `kind`. */
export function isImplemented(kind: BackendKind): boolean {
  return BACKENDS[kind].load !== null;
}

/** Kinds this build can create. */
export function implementedKinds(): BackendKind[] {
  return (Object.keys(BACKENDS) as BackendKind[]).filter(isImplemented);
}

/**
 * The registration of `kind`, checked to be implemented.
 * @throws CacheConfigError `CONFIG_BACKEND_NOT_IMPLEMENTED` naming the kind and the kinds available.
 */
export function requireBackend(
  kind: BackendKind,
  path: string,
): BackendRegistration & {
  load: () => Promise<BackendModule>;
} {
  const reg = BACKENDS[kind];
  if (reg.load === null) {
    throw new CacheConfigError(
      "CONFIG_BACKEND_NOT_IMPLEMENTED",
      `${path}.CACHE_TYPE`,
      `backend "${kind}" is known to Flask-Caching but not implemented by superset-cache yet; available: ${implementedKinds().join(", ")}`,
    );
  }
  return { ...reg, load: reg.load };
}
