/**
 * NullCache: caches nothing, as Flask-Caching's `NullCache` (cachelib `BaseCache` methods):
 * reads miss, writes/deletes/clear report success, `has` is false. `Cache.inc` on it returns
 * `delta` every time (generic read-modify-write over a cache that forgets).
 */
import type { BackendEntry, CacheBackend } from "./backend.js";
import type { BackendModule } from "./registry.js";

/** A backend that stores nothing. */
export class NullBackend implements CacheBackend {
  readonly kind = "null";

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

/** Registry entry point: NullCache takes no settings (its factory ignores the config). */
export const createBackend: BackendModule["createBackend"] = () => new NullBackend();
