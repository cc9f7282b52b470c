/**
 * NullCache: caches nothing, as Flask-Caching's `NullCache` (cachelib `BaseCache` methods):
 * reads miss, writes/deletes/clear report success, `has` is false. `Cache.inc` on it returns
 * `delta` every time (generic read-modify-write over a cache that forgets).
 */
import type { ResolvedCacheConfig } from "../config/config-types.js";
import type { BackendEntry, CacheBackend } from "./backend.js";
import type { BackendContext, BackendModule } from "./backend-module.js";

/** A backend that stores nothing. It has no options. */
export class NullBackend implements CacheBackend {
  readonly kind = "null";

  /** Registry adapter: NullCache takes no settings, so the cache dict is not read. */
  static fromFlaskConfig(_config: ResolvedCacheConfig, _context: BackendContext): NullBackend {
    return new NullBackend();
  }

  async get(_key: string): Promise<Uint8Array | undefined> {
    return undefined;
  }
  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    return keys.map(() => undefined);
  }
  async set(_key: string, _value: Uint8Array, _timeout: number): Promise<boolean> {
    return true;
  }
  async setMany(entries: readonly BackendEntry[]): Promise<boolean[]> {
    return entries.map(() => true);
  }
  async add(_key: string, _value: Uint8Array, _timeout: number): Promise<boolean> {
    return true;
  }
  async delete(_key: string): Promise<boolean> {
    return true;
  }
  async deleteMany(keys: readonly string[]): Promise<boolean[]> {
    return keys.map(() => true);
  }
  async has(_key: string): Promise<boolean> {
    return false;
  }
  async clear(_prefix: string): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {}
}

/** The null family's registry module (`BACKENDS.null`); it takes no `backendOptions`. */
export const backendModule: BackendModule = {
  createBackend: (config, context) => NullBackend.fromFlaskConfig(config, context),
};
