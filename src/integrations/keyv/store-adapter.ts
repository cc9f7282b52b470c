/**
 * `KeyvStoreAdapter`: one of our `Cache`s as a Keyv store, so `new Keyv({ store })`,
 * cache-manager 7 and cacheable sit on a Superset-compatible cache. Keys from Keyv reach
 * `Cache` unchanged (Keyv may have added its namespace); `Cache` adds its own prefix.
 *
 * Two modes, matching how the Keyv instance is built:
 * - `serialized: false` (default, for Superset interop): build Keyv with
 *   `serialize: undefined, deserialize: undefined`. Keyv hands us `{ value, expires }`; we store
 *   `value` itself through the cache's serializer (`!`+pickle in Redis), so Python
 *   Flask-Caching reads a normal entry. Values must be `PyValue`s.
 * - `serialized: true`: Keyv's default JSON envelope string is stored as a Python str.
 */
import { EventEmitter } from "node:events";
import type { Cache } from "../../cache/cache.js";
import { CacheArgumentError } from "../../core/errors.js";
import type { PyValue } from "../../python/values.js";

const MS_PER_SECOND = 1000;

export interface KeyvStoreAdapterOptions {
  /** Keyv passes JSON envelope strings (its default serializer). Default false: see the module doc. */
  serialized?: boolean;
  /** `disconnect()` closes the cache. Default false: the caller owns it. */
  ownsCache?: boolean;
}

/** A Keyv value our cache cannot store. Code `KEYV_VALUE_UNSUPPORTED`. */
export class KeyvAdapterError extends CacheArgumentError {
  declare readonly code: "KEYV_VALUE_UNSUPPORTED";
  constructor(code: "KEYV_VALUE_UNSUPPORTED", message: string) {
    super(code, message);
  }
}

/** Keyv's millisecond TTL as cache SECONDS: rounded up (a 1 ms TTL must not mean "never"); none = 0 = never. */
function ttlSeconds(ttlMs: number | undefined): number {
  return typeof ttlMs === "number" && ttlMs > 0 ? Math.ceil(ttlMs / MS_PER_SECOND) : 0;
}

export class KeyvStoreAdapter extends EventEmitter {
  /** Keyv reads this (as it reads every store's options). */
  readonly opts: { dialect: string; url?: string };
  /** Set by Keyv (it already puts it in the keys); scopes `clear`. */
  namespace: string | undefined;
  private readonly serialized: boolean;
  private readonly ownsCache: boolean;

  constructor(
    readonly cache: Cache,
    options: KeyvStoreAdapterOptions = {},
  ) {
    super();
    this.opts = { dialect: "superset-cache" };
    this.serialized = options.serialized ?? false;
    this.ownsCache = options.ownsCache ?? false;
  }

  private toStored(data: unknown): PyValue {
    if (this.serialized) {
      if (typeof data !== "string") {
        throw new KeyvAdapterError(
          "KEYV_VALUE_UNSUPPORTED",
          "serialized mode expects Keyv's string envelope",
        );
      }
      return data;
    }
    if (data === null || typeof data !== "object" || !("value" in data)) {
      throw new KeyvAdapterError(
        "KEYV_VALUE_UNSUPPORTED",
        "expected Keyv's { value, expires } object: build Keyv with serialize: undefined, deserialize: undefined",
      );
    }
    return (data as { value: PyValue }).value;
  }

  private fromStored(value: PyValue | undefined): unknown {
    if (value === undefined) return undefined;
    return this.serialized ? value : { value, expires: undefined };
  }

  /** Keyv's stored data for `key`, or undefined. */
  async get(key: string): Promise<unknown> {
    return this.fromStored(await this.cache.get(key));
  }

  async getMany(keys: string[]): Promise<unknown[]> {
    return (await this.cache.getMany(keys)).map((v) => this.fromStored(v));
  }

  /** @param ttl MILLISECONDS (Keyv's unit), stored as whole SECONDS rounded up; none = never expire. */
  async set(key: string, data: unknown, ttl?: number): Promise<boolean> {
    return this.cache.set(key, this.toStored(data), ttlSeconds(ttl));
  }

  async setMany(entries: Array<{ key: string; value: unknown; ttl?: number }>): Promise<void> {
    await Promise.all(entries.map((e) => this.set(e.key, e.value, e.ttl)));
  }

  async delete(key: string): Promise<boolean> {
    return this.cache.delete(key);
  }

  /** @returns true when every key was deleted */
  async deleteMany(keys: string[]): Promise<boolean> {
    const results = await Promise.all(keys.map((k) => this.cache.delete(k)));
    return results.every(Boolean);
  }

  async has(key: string): Promise<boolean> {
    return this.cache.has(key);
  }

  async hasMany(keys: string[]): Promise<boolean[]> {
    return Promise.all(keys.map((k) => this.cache.has(k)));
  }

  /**
   * Clears Keyv's namespace only (keys `namespace:*`) on backends that keep keys literally (Redis
   * family, SimpleCache); the file system and metastore backends clear the whole cache. Without a
   * namespace: the whole cache.
   */
  async clear(): Promise<void> {
    await this.cache.clear(this.namespace ? `${this.namespace}:` : "");
  }

  async disconnect(): Promise<void> {
    if (this.ownsCache) await this.cache.close();
  }
}
