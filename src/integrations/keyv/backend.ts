/**
 * The `keyv` backend: any Keyv instance (over @keyv/redis, @keyv/postgres, a Map, …) backs a
 * named cache. Values are our serializer's bytes (`!`+pickle by default, as Flask-Caching's
 * Redis family writes them), handed to Keyv as a Buffer: a store that keeps binary values
 * (a Map, Keyv with `serialize: undefined`) holds exactly those bytes; stores behind Keyv's JSON
 * serializer hold them inside Keyv's envelope (base64), which Superset cannot read. Keys reach
 * Keyv as `Cache` prefixed them; Keyv may add its namespace. Not registered as a CACHE_TYPE
 * (Flask-Caching has none): build it with `createKeyvCache`.
 */
import type Keyv from "keyv";
import type { BackendEntry, CacheBackend } from "../../backends/backend.js";
import { Cache } from "../../cache/cache.js";
import { RedisSerializer } from "../../codecs/cachelib/redis-serializer.js";
import type { Serializer } from "../../codecs/serializer.js";
import { CacheBackendError } from "../../core/errors.js";

const MS_PER_SECOND = 1000;

function toBytes(value: unknown): Uint8Array | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Uint8Array) return value;
  throw new CacheBackendError(
    "KEYV_VALUE_NOT_BYTES",
    "keyv",
    `the Keyv store returned a ${typeof value}, not bytes (is another writer storing JSON values here?)`,
  );
}

/** Options of `KeyvBackend`; defaults in `KEYV_BACKEND_DEFAULTS`. */
export interface KeyvBackendOptions {
  /** `close()` disconnects the Keyv instance. Default false: the caller keeps it open. */
  ownsKeyv?: boolean;
}

/** Defaults of `KeyvBackendOptions`. */
export const KEYV_BACKEND_DEFAULTS = { ownsKeyv: false } as const satisfies KeyvBackendOptions;

/**
 * `CacheBackend` over a Keyv instance the caller built (closed only when `ownsKeyv`). Not a
 * registered family (Flask-Caching has no CACHE_TYPE for it), so it has no `fromFlaskConfig`.
 */
export class KeyvBackend implements CacheBackend {
  readonly kind = "keyv";
  private readonly ownsKeyv: boolean;

  constructor(
    private readonly keyv: Keyv,
    options: KeyvBackendOptions = {},
  ) {
    this.ownsKeyv = options.ownsKeyv ?? KEYV_BACKEND_DEFAULTS.ownsKeyv;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return toBytes(await this.keyv.get(key));
  }

  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    return Promise.all(keys.map((k) => this.get(k)));
  }

  /** @param timeout SECONDS; 0 = never expire; negative = already expired (the key is deleted). */
  async set(key: string, value: Uint8Array, timeout: number): Promise<boolean> {
    if (timeout < 0) {
      await this.keyv.delete(key);
      return true;
    }
    return this.keyv.set(
      key,
      Buffer.from(value.buffer, value.byteOffset, value.byteLength),
      timeout === 0 ? undefined : timeout * MS_PER_SECOND,
    );
  }

  async setMany(entries: readonly BackendEntry[]): Promise<boolean[]> {
    return Promise.all(entries.map((e) => this.set(e.key, e.value, e.timeout)));
  }

  /** Not atomic (has, then set): Keyv has no set-if-absent. */
  async add(key: string, value: Uint8Array, timeout: number): Promise<boolean> {
    if (await this.keyv.has(key)) return false;
    return this.set(key, value, timeout);
  }

  async delete(key: string): Promise<boolean> {
    return this.keyv.delete(key);
  }

  async deleteMany(keys: readonly string[]): Promise<boolean[]> {
    return Promise.all(keys.map((k) => this.keyv.delete(k)));
  }

  async has(key: string): Promise<boolean> {
    return this.keyv.has(key);
  }

  /** Clears Keyv's whole namespace (Keyv cannot clear by key prefix). */
  async clear(_prefix: string): Promise<boolean> {
    await this.keyv.clear();
    return true;
  }

  async close(): Promise<void> {
    if (this.ownsKeyv) await this.keyv.disconnect();
  }
}

export interface KeyvCacheOptions extends KeyvBackendOptions {
  /** Prefix `Cache` adds to every key. Default `""`. */
  keyPrefix?: string;
  /** Timeout in SECONDS when a call passes none; 0 = never. Default 300 (Flask-Caching's). */
  defaultTimeout?: number;
  /** Value codec. Default `RedisSerializer` (`!`+pickle, ASCII ints read back). */
  serializer?: Serializer;
  /** Name used in errors and diagnostics. Default `KEYV_CACHE`. */
  name?: string;
}

/** A `Cache` (get/set/getOrSet/memoize …) stored in any Keyv instance. */
export function createKeyvCache(keyv: Keyv, options: KeyvCacheOptions = {}): Cache {
  return new Cache({
    backend: new KeyvBackend(keyv, { ownsKeyv: options.ownsKeyv }),
    serializer: options.serializer ?? new RedisSerializer(),
    keyPrefix: options.keyPrefix ?? "",
    defaultTimeout: options.defaultTimeout,
    name: options.name ?? "KEYV_CACHE",
  });
}
