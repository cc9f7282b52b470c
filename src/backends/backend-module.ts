/**
 * What a backend family gives the registry: a module object that turns a resolved Flask-Caching
 * cache dict into a backend. Each family declares the options users may pass it through
 * `backendOptions.<family>`; the registry derives `BackendOptions` from these declarations.
 */
import type { Serializer } from "../codecs/serializer.js";
import type { ResolvedCacheConfig } from "../config/config-types.js";
import type { Clock } from "../core/clock.js";
import type { CacheBackend } from "./backend.js";

/** Manager-level settings a backend may need besides its own cache dict. */
export interface BackendSettings {
  /** Superset `HASH_ALGORITHM` (metastore UUID namespace). */
  HASH_ALGORITHM?: "md5" | "sha256";
  HASH_ALGORITHM_FALLBACKS?: ("md5" | "sha256")[];
  /** Superset metadata database URL (metastore backend). */
  SQLALCHEMY_DATABASE_URI?: string;
}

/**
 * What a family's `createBackend` receives besides the cache dict. `Options` is the family's own
 * options type (`never` for a family that takes none).
 */
export interface BackendContext<Options extends object = never> {
  /** Time source for expiry decisions. */
  clock: Clock;
  /** Config path for error messages, e.g. `DATA_CACHE_CONFIG`. */
  path: string;
  settings: BackendSettings;
  /**
   * The caller's options for this family (`backendOptions.redis` for a Redis cache, with
   * `CacheManager`'s per-cache `backends` entry laid over it); `undefined` when none were given.
   */
  options?: Options;
}

/**
 * The object a family module exports as `backendModule`. `Options` is what users pass as
 * `backendOptions.<family>` (`never`: the family takes none).
 */
export interface BackendModule<Options extends object = never> {
  /**
   * Build the backend from the resolved cache dict.
   * @throws CacheConfigError (path under `context.path`) for bad settings
   */
  createBackend(
    config: ResolvedCacheConfig,
    context: BackendContext<Options>,
  ): CacheBackend | Promise<CacheBackend>;
  /**
   * Optional: the serializer this backend's values use, when it depends on the config (the
   * metastore's `CODEC`). Required when the registry row's `serializer` is `"backend"`.
   */
  createSerializer?(
    config: ResolvedCacheConfig,
    context: BackendContext<Options>,
  ): Serializer | Promise<Serializer>;
}
