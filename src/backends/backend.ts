/**
 * The backend contract: bytes in, bytes out. Serialization, key prefixes, default
 * timeouts, stats and error policies all live above this layer (in `Cache`), once.
 *
 * Timeouts reaching a backend are already resolved (never `undefined`), in **seconds**,
 * with Flask-Caching's meaning: `0` = never expire; positive = expire after that many
 * seconds; negative values behave as the corresponding cachelib backend does
 * (documented per backend).
 *
 * Bytes ownership: every `Uint8Array` a backend returns is the caller's to change (a fresh
 * buffer or a private copy, never the stored bytes), and a write never reads the caller's bytes
 * after its promise settles; SimpleCache, L1 and Redis (without `zeroCopyWrites`) are done with
 * them when the call returns. docs/security.md.
 */
export interface BackendEntry {
  key: string;
  value: Uint8Array;
  /** Seconds; 0 = never expire. */
  timeout: number;
}

/** What `CacheBackend.getMapped` settles with: the read bytes, or the read's error, mapped. */
export interface ReadMapping<T> {
  map(bytes: Uint8Array | undefined): T;
  onError(err: unknown): T;
}

/** `read.then(mapping.map, mapping.onError)`: a mapped read for a backend without a one-promise path. */
export function thenMapped<T>(read: Promise<Uint8Array | undefined>, mapping: ReadMapping<T>): Promise<T> {
  return read.then(
    (bytes) => mapping.map(bytes),
    (err: unknown) => mapping.onError(err),
  );
}

export interface CacheBackend {
  /** Short backend kind, e.g. `simple`, `redis`, `filesystem`. */
  readonly kind: string;

  /** Stored bytes, or `undefined` when missing or expired. */
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * Optional `get` whose one promise settles with `mapping.map(bytes)`, or `mapping.onError(err)`
   * for a failed read, each called as the reply arrives (a throw from either rejects): what `get`
   * then `.then(map, onError)` gives, one promise hop fewer (Redis, Memcached).
   */
  getMapped?<T>(key: string, mapping: ReadMapping<T>): Promise<T>;
  /**
   * Optional synchronous read from an in-process store (SimpleCache, the L1 tier): the bytes when
   * held there and live, else `undefined` without asking any slower tier. Never throws.
   */
  peek?(key: string): Uint8Array | undefined;
  /** Stored bytes per key, in the caller's order. */
  getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]>;
  /** Store `value`; `true` when stored. */
  set(key: string, value: Uint8Array, timeout: number): Promise<boolean>;
  /**
   * Optional `set` of a value given as parts, concatenated in order (`Serializer.dumpsParts`):
   * the same stored bytes as `set` of the concatenation, copied at most once (Redis with
   * `zeroCopyWrites`: not at all, and then the parts must not change until the promise settles).
   */
  setParts?(key: string, parts: readonly Uint8Array[], timeout: number): Promise<boolean>;
  /** Store several entries; `true` per entry stored, in the caller's order. */
  setMany(entries: readonly BackendEntry[]): Promise<boolean[]>;
  /** Store only when the key is absent; `true` when this call stored it. */
  add(key: string, value: Uint8Array, timeout: number): Promise<boolean>;
  /** `true` when the backend reports the key as deleted (cachelib's per-backend rule). */
  delete(key: string): Promise<boolean>;
  /** `true` per key deleted, in the caller's order. */
  deleteMany(keys: readonly string[]): Promise<boolean[]>;
  /** `true` when the key exists and has not expired. */
  has(key: string): Promise<boolean>;
  /**
   * Remove every entry whose key starts with `prefix` (matched literally). Backends that cannot
   * select by key (filesystem: hashed names; metastore) clear everything they own.
   */
  clear(prefix: string): Promise<boolean>;
  /**
   * Optional native atomic increment (Redis INCRBY). Backends without it get cachelib's
   * generic read-modify-write from `Cache`.
   */
  incr?(key: string, delta: number): Promise<number | bigint>;
  /**
   * Optional reachability check (`CacheManager.ready()`): connect if needed and make one round
   * trip to the server or database.
   * @throws the error a call would fail with, naming the cache, the address (never a password) and the cause
   */
  ping?(): Promise<void>;
  /** Release clients, timers and handles. Idempotent. */
  close(): Promise<void>;
}

/** The lock contract `getOrSet` uses; any implementation (Redlock, a database row) may be passed. */
export interface DistributedLock {
  /**
   * Try to take `key` for `ttlMs` MILLISECONDS.
   * @returns a token to release with, or `undefined` when another holder has it
   * @throws when the lock store is unreachable (getOrSet then runs without the lock, counted)
   */
  acquire(key: string, ttlMs: number): Promise<string | undefined>;
  /** Release `key` if `token` still holds it. @returns true when this call deleted it. */
  release(key: string, token: string): Promise<boolean>;
}
