/**
 * The backend registry: one row per backend family, holding the `CACHE_TYPE` spellings of its
 * kinds, a lazy import of its module and the rules `Cache` applies around it (value format, key
 * prefix, `deleteMany`, `CACHE_IGNORE_ERRORS`). `createCache`, `CacheManager` and `BackendOptions`
 * take everything from the row, so adding a backend is one folder exporting `backendModule` (a
 * `BackendModule`) plus one row here.
 *
 * Every spelling Flask-Caching 2.0–2.4 accepts (flask_caching/backends/__init__.py) is listed: short
 * class names, deprecated lowercase factory names, dotted paths through `flask_caching.backends`
 * and its submodules, plus Superset's metastore cache. Family modules are imported only when a
 * cache of that kind is built, so optional clients (ioredis, pg, …) are never loaded by users
 * who do not need them.
 */
import { closestKey } from "../config/closest-key.js";
import type { ResolvedCacheConfig } from "../config/config-types.js";
import { CacheConfigError } from "../core/errors.js";
import type { BackendModule } from "./backend-module.js";
import { validateRedisConfig } from "./redis/validate.js";

export type { BackendContext, BackendModule, BackendSettings } from "./backend-module.js";

/** How `CACHE_TYPE` may name one backend kind. */
export interface CacheTypeNames {
  /**
   * `[submodule, Class]` in `flask_caching.backends`, accepted as `Class`,
   * `flask_caching.backends.Class` and `flask_caching.backends.<submodule>.Class`.
   */
  flaskCachingClass?: readonly [submodule: string, className: string];
  /** Deprecated lowercase factory, accepted as `name` and `flask_caching.backends.name` (removed in 2.5). */
  factory?: string;
  /** Further spellings accepted verbatim (Superset's metastore cache). */
  names?: readonly string[];
}

/**
 * Value format Flask-Caching uses for a family: `pickle` = plain protocol-5 pickle (Simple,
 * FileSystem; the FS backend adds its own expiry header), `redis` = `!` + pickle with cachelib's
 * int/raw-bytes read fallbacks, `backend` = chosen by the family module's `createSerializer`
 * (the metastore's `CODEC`).
 */
export type SerializerKind = "pickle" | "redis" | "backend";

/**
 * How `CACHE_KEY_PREFIX` reaches storage: `prepend` = `Cache` prepends it to every key (Redis
 * family, as cachelib does); `ignored` = Flask-Caching does not use it (Simple, FileSystem, Null);
 * `backend` = the backend consumes it itself (metastore: UUID namespace seed) and `Cache` must
 * not touch keys.
 */
export type KeyPrefixUse = "prepend" | "ignored" | "backend";

/** One family's row in `BACKENDS`. */
export interface BackendRegistration {
  /**
   * The kinds this family serves, each with its `CACHE_TYPE` spellings. One module builds them
   * all (the Redis module tells standalone, Sentinel and Cluster apart by `CACHE_TYPE`).
   */
  kinds: Readonly<Record<string, CacheTypeNames>>;
  /**
   * Lazy import of the family module, which exports `backendModule`; `null` = known to
   * Flask-Caching, not implemented in this build (selecting it is `CONFIG_BACKEND_NOT_IMPLEMENTED`).
   */
  load: (() => Promise<{ readonly backendModule: BackendModule<object> }>) | null;
  serializer: SerializerKind;
  keyPrefix: KeyPrefixUse;
  /**
   * How `Cache.deleteMany` reaches this backend: `flask-caching-loop` (default; Flask-Caching
   * ≤ 2.4's per-key loop that stops at the first miss) or `backend-batch` (one
   * `backend.deleteMany`, every key attempted). A backend choosing batch must document it.
   */
  deleteMany?: "flask-caching-loop" | "backend-batch";
  /**
   * `true` when Flask-Caching's factory passes `CACHE_IGNORE_ERRORS` to this family (its `factory`), so
   * `Cache.deleteMany` keeps going past a key that was not deleted when it is set. Default false.
   */
  readsIgnoreErrors?: boolean;
  /**
   * Optional check of the cache dict run when the cache is built, without importing the family
   * module or any client (a Redis URL that does not parse fails then, not on first use).
   * `options` is the family's `backendOptions` entry.
   * @throws CacheConfigError naming the key under `path`
   */
  validate?: (config: ResolvedCacheConfig, path: string, options: object | undefined) => void;
}

/** The backend table, one row per family. */
export const BACKENDS = {
  null: {
    kinds: { null: { flaskCachingClass: ["nullcache", "NullCache"], factory: "null" } },
    load: () => import("./null.js"),
    serializer: "pickle",
    keyPrefix: "ignored",
  },
  simple: {
    kinds: { simple: { flaskCachingClass: ["simplecache", "SimpleCache"], factory: "simple" } },
    load: () => import("./simple.js"),
    serializer: "pickle",
    keyPrefix: "ignored",
    readsIgnoreErrors: true,
  },
  filesystem: {
    kinds: {
      filesystem: { flaskCachingClass: ["filesystemcache", "FileSystemCache"], factory: "filesystem" },
    },
    load: () => import("./filesystem/module.js"),
    serializer: "pickle",
    keyPrefix: "ignored",
    readsIgnoreErrors: true,
  },
  redis: {
    kinds: {
      redis: { flaskCachingClass: ["rediscache", "RedisCache"], factory: "redis" },
      "redis-sentinel": { flaskCachingClass: ["rediscache", "RedisSentinelCache"], factory: "redissentinel" },
      "redis-cluster": { flaskCachingClass: ["rediscache", "RedisClusterCache"], factory: "rediscluster" },
    },
    load: () => import("./redis/module.js"),
    serializer: "redis",
    keyPrefix: "prepend",
    validate: validateRedisConfig,
  },
  metastore: {
    kinds: {
      metastore: {
        names: ["SupersetMetastoreCache", "superset.extensions.metastore_cache.SupersetMetastoreCache"],
      },
    },
    load: () => import("./metastore/module.js"),
    serializer: "backend",
    keyPrefix: "backend",
  },
  memcached: {
    kinds: {
      memcached: { flaskCachingClass: ["memcache", "MemcachedCache"], factory: "memcached" },
      "sasl-memcached": { flaskCachingClass: ["memcache", "SASLMemcachedCache"], factory: "saslmemcached" },
      "spread-sasl-memcached": {
        flaskCachingClass: ["memcache", "SpreadSASLMemcachedCache"],
        factory: "spreadsaslmemcached",
      },
    },
    load: () => import("./memcached/module.js"),
    // Value flags (pylibmc / python-memcached) or the spread pickle, chosen by the module.
    serializer: "backend",
    keyPrefix: "prepend",
  },
  // Known to Flask-Caching, not planned here.
  "gae-memcached": {
    kinds: { "gae-memcached": { factory: "gaememcached" } },
    load: null,
    serializer: "pickle",
    keyPrefix: "prepend",
  },
  uwsgi: {
    kinds: { uwsgi: { flaskCachingClass: ["uwsgicache", "UWSGICache"], factory: "uwsgi" } },
    load: null,
    serializer: "pickle",
    keyPrefix: "ignored",
  },
} satisfies Readonly<Record<string, BackendRegistration>>;

/** Backend families: one row each in `BACKENDS`. */
export type BackendFamily = keyof typeof BACKENDS;

/** Backend kinds, what a `CACHE_TYPE` selects: `redis`, `redis-sentinel`, `filesystem`, … */
export type BackendKind = {
  [F in BackendFamily]: keyof (typeof BACKENDS)[F]["kinds"] & string;
}[BackendFamily];

/** The `backendModule` type a family's row loads (`never` when not implemented). */
type FamilyModule<F extends BackendFamily> = (typeof BACKENDS)[F]["load"] extends () => Promise<{
  readonly backendModule: infer M;
}>
  ? M
  : never;

/** The options type a family module declares (`never`: it takes none). */
type FamilyOptions<F extends BackendFamily> = FamilyModule<F> extends BackendModule<infer O> ? O : never;

/**
 * Options for backend objects that a Flask-Caching config dict cannot express (client objects,
 * callbacks, fault-handling knobs), one entry per family that takes any, typed by that family's
 * module: `redis` (`RedisBackendOptions`), `filesystem` (`FileSystemFamilyOptions`), `metastore`
 * (`MetastoreFamilyOptions`), `memcached` (`MemcachedBackendOptions`). A cache reads only its own family's entry, so one object can serve
 * caches of different kinds.
 */
export type BackendOptions = {
  [F in BackendFamily as [FamilyOptions<F>] extends [never] ? never : F]?: FamilyOptions<F>;
};

interface KindRow {
  family: BackendFamily;
  registration: BackendRegistration;
  /** The spelling suggested for a near miss: the class name where there is one. */
  canonical: string;
}

function buildTables(): {
  kinds: ReadonlyMap<BackendKind, KindRow>;
  spellings: ReadonlyMap<string, BackendKind>;
  /** Class names, then the other undotted names (for the unknown-type message). */
  shortNames: readonly string[];
} {
  const kinds = new Map<BackendKind, KindRow>();
  const spellings = new Map<string, BackendKind>();
  const classNames: string[] = [];
  const shortNames: string[] = [];
  for (const [family, registration] of Object.entries(BACKENDS) as [BackendFamily, BackendRegistration][]) {
    for (const [kind, names] of Object.entries(registration.kinds) as [BackendKind, CacheTypeNames][]) {
      const spelt: string[] = [];
      if (names.flaskCachingClass) {
        const [submodule, cls] = names.flaskCachingClass;
        spelt.push(cls, `flask_caching.backends.${cls}`, `flask_caching.backends.${submodule}.${cls}`);
        classNames.push(cls);
      }
      if (names.factory) spelt.push(names.factory, `flask_caching.backends.${names.factory}`);
      for (const name of names.names ?? []) {
        spelt.push(name);
        if (!name.includes(".")) shortNames.push(name);
      }
      for (const spelling of spelt) spellings.set(spelling, kind);
      kinds.set(kind, { family, registration, canonical: spelt[0] ?? kind });
    }
  }
  return { kinds, spellings, shortNames: [...classNames, ...shortNames] };
}

const TABLES = buildTables();

/** Every accepted `CACHE_TYPE` string (for docs and tests). */
export function knownCacheTypes(): string[] {
  return [...TABLES.spellings.keys()];
}

/**
 * Map a `CACHE_TYPE` to a backend kind.
 * @throws CacheConfigError `CONFIG_UNKNOWN_CACHE_TYPE` for a name Flask-Caching would not import
 *   (with the closest accepted name when one is near); `CONFIG_CACHE_TYPE_UNSUPPORTED` for
 *   `cachelib.*` classes (broken through Flask-Caching ≤ 2.4).
 */
export function resolveBackendKind(cacheType: string, path: string): BackendKind {
  const kind = TABLES.spellings.get(cacheType);
  if (kind) return kind;
  if (cacheType.startsWith("cachelib.")) {
    throw new CacheConfigError(
      "CONFIG_CACHE_TYPE_UNSUPPORTED",
      path,
      `"${cacheType}" is a bare cachelib class; Flask-Caching ≤ 2.4 constructs it with the Flask app as host and it fails on first use. Use the flask_caching.backends class of the same name.`,
    );
  }
  const near = nearestKind(cacheType);
  const hint = near === undefined ? "." : `; did you mean "${kindRow(near).canonical}"?`;
  throw new CacheConfigError(
    "CONFIG_UNKNOWN_CACHE_TYPE",
    path,
    `unknown CACHE_TYPE "${cacheType}"${hint} Accepted: ${TABLES.shortNames.join(", ")}, their flask_caching.backends.* paths, or the lowercase factory names.`,
  );
}

/**
 * The kind a misspelt `CACHE_TYPE` most likely means. Only the last dotted part is compared, so a
 * wrong module path (`flask_caching.RedisClusterCache`) still finds its class.
 */
function nearestKind(cacheType: string): BackendKind | undefined {
  const name = cacheType.slice(cacheType.lastIndexOf(".") + 1);
  const near = TABLES.spellings.has(name) ? name : closestKey(name, knownCacheTypes());
  return near === undefined ? undefined : TABLES.spellings.get(near);
}

function kindRow(kind: BackendKind): KindRow {
  return TABLES.kinds.get(kind)!;
}

/** `true` when this build can create backends of `kind`. */
export function isImplemented(kind: BackendKind): boolean {
  return kindRow(kind).registration.load !== null;
}

/** Kinds this build can create, in table order. */
export function implementedKinds(): BackendKind[] {
  return [...TABLES.kinds.keys()].filter(isImplemented);
}

/** A family's row, checked to be implemented, with the family's name (its `backendOptions` key). */
export type ImplementedBackend = BackendRegistration & {
  family: BackendFamily;
  load: () => Promise<{ readonly backendModule: BackendModule<object> }>;
};

/**
 * The registration of the family serving `kind`, checked to be implemented.
 * @param path config path of the cache dict, e.g. `DATA_CACHE_CONFIG`
 * @throws CacheConfigError `CONFIG_BACKEND_NOT_IMPLEMENTED` at `<path>.CACHE_TYPE`, naming the kind
 *   and the kinds available.
 */
export function requireBackend(kind: BackendKind, path: string): ImplementedBackend {
  const { family, registration } = kindRow(kind);
  const load = registration.load;
  if (load === null) {
    throw new CacheConfigError(
      "CONFIG_BACKEND_NOT_IMPLEMENTED",
      `${path}.CACHE_TYPE`,
      `backend "${kind}" is known to Flask-Caching but not implemented by superset-cache yet; available: ${implementedKinds().join(", ")}`,
    );
  }
  return { ...registration, family, load };
}
