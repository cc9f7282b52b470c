/**
 * `Cache`: Flask-Caching's cache object, async. It owns the key prefix (applied here and
 * nowhere else), the default timeout, the serializer and the error policy; the backend only
 * moves bytes. Return values follow Flask-Caching: booleans for writes, lists of keys for the
 * batch writes, `undefined` for a missing key and `null` for a stored Python `None`.
 */
import type { CacheBackend } from "../backends/backend.js";
import type { ResolvedCacheConfig } from "../config/config-types.js";
import { FLASK_CACHING_DEFAULT_TIMEOUT } from "../config/flask-config.js";
import { type InspectFunction, inspectCustom, redactConfig } from "../core/redact.js";
import type { PyFloat, PyValue, Storable } from "../python/values.js";
import { BackendCalls, type Ready } from "./backend-calls.js";
import { CacheArgumentError } from "./cache-errors.js";
import {
  type CacheMapping,
  type CacheOptions,
  type DeleteManyStrategy,
  mappingPairs,
} from "./cache-options.js";
import { type BackendErrorPolicy, ErrorRecorder } from "./error-policy.js";
import { type CachedOptions, cached, type Memoized, type MemoizeOptions, memoize } from "./memoize.js";
import { OperationOutcomes } from "./operation-outcomes.js";
import { pythonIncrement } from "./python-increment.js";
import {
  coordinatorFor,
  type GetOrSetFactory,
  type GetOrSetOptions,
  type GetOrSetStats,
} from "./stampede/get-or-set.js";
import { CacheStats, type CacheStatsSnapshot } from "./stats.js";
import { storageKeyOf } from "./storage-key.js";
import { resolveTimeout } from "./timeouts.js";

export { FLASK_CACHING_DEFAULT_TIMEOUT } from "../config/flask-config.js";
export type {
  CacheMapping,
  CacheOptions,
  DeleteManyStrategy,
  Lazy,
} from "./cache-options.js";

export class Cache {
  /** Prefix prepended to keys (Redis family: `CACHE_KEY_PREFIX`; others: `""`). */
  readonly keyPrefix: string;
  /** Default timeout in SECONDS. */
  readonly defaultTimeout: number;
  readonly name: string;
  readonly policy: BackendErrorPolicy;
  private readonly ignoreErrors: boolean;
  private readonly deleteManyStrategy: DeleteManyStrategy;
  /** The resolved config dict, when built by `createCache`/`CacheManager`. */
  readonly config: ResolvedCacheConfig | undefined;
  /** The backend, created on first use, and the policy each call to it runs under. */
  private readonly calls: BackendCalls;
  private readonly errors: ErrorRecorder;
  /** Undefined when stats are off (`stats: false`). */
  private readonly statsRecorder: CacheStats | undefined;
  private readonly outcomes: OperationOutcomes;
  private closed = false;

  /** @throws CacheArgumentError `INVALID_TIMEOUT` when `options.defaultTimeout` is not whole SECONDS */
  constructor(options: CacheOptions) {
    this.keyPrefix = options.keyPrefix ?? "";
    // Same rule as a per-call timeout: whole SECONDS (createCache validated the config already).
    this.defaultTimeout = resolveTimeout(options.defaultTimeout, FLASK_CACHING_DEFAULT_TIMEOUT);
    this.name = options.name ?? "cache";
    this.policy = options.onBackendError ?? "fail-open";
    this.ignoreErrors = options.ignoreErrors ?? false;
    this.deleteManyStrategy = options.deleteManyStrategy ?? "flask-caching-loop";
    this.errors = new ErrorRecorder(
      this.name,
      () => this.calls.ready?.backend.kind ?? "unknown",
      options.logger,
    );
    this.config = options.config;
    this.statsRecorder = options.stats === false ? undefined : new CacheStats(this.name, options.stats);
    this.outcomes = new OperationOutcomes(this.name, this.policy, this.errors, this.statsRecorder);
    this.calls = new BackendCalls(options.backend, options.serializer, this.outcomes, this.statsRecorder);
  }

  /** Wait until the backend exists. @throws CacheConfigError or the backend's creation error. */
  async whenReady(): Promise<void> {
    await this.calls.use();
  }

  /** The backend, once created (for inspection tools). */
  async backend(): Promise<CacheBackend> {
    return (await this.calls.use()).backend;
  }

  /** What logs and `JSON.stringify` show: name, prefix, policy, config with secrets masked (`redactConfig`). */
  toJSON(): Record<string, unknown> {
    const { name, keyPrefix, defaultTimeout, policy } = this;
    return { name, keyPrefix, defaultTimeout, policy, config: this.config && redactConfig(this.config) };
  }

  /** `util.inspect`/`console.log`: the same view as `toJSON`, never a password or a full URI. */
  [inspectCustom](_depth: number, options: object, inspect: InspectFunction): string {
    return `Cache ${inspect(this.toJSON(), options)}`;
  }

  /** The storage key of `key`: prefix + key. @throws CacheArgumentError `KEY_NOT_UTF8` for a lone surrogate (see `storageKeyOf`) */
  storageKey(key: string): string {
    return storageKeyOf(this.keyPrefix, key);
  }

  /** Counts of errors swallowed by the fail-open policy, by code. */
  errorCounts(): Record<string, number> {
    return this.errors.snapshot();
  }

  /** Hits, misses, sets, deletes, errors, bytes and latency (MILLISECONDS) since creation or `resetStats()`; undefined when stats are off. */
  stats(): CacheStatsSnapshot | undefined {
    return this.statsRecorder?.snapshot();
  }

  /** Zero this cache's statistics. */
  resetStats(): void {
    this.statsRecorder?.reset();
  }

  /**
   * The value under `key`; `undefined` when missing, expired or undecodable (fail-open).
   * `T` (default `PyValue`) is the type the caller expects; it is not checked at run time: what
   * is stored is whatever the writer (Python or Node) stored.
   */
  get<T = PyValue>(key: string): Promise<T | undefined> {
    try {
      return this.calls.get(this.storageKey(key)) as Promise<T | undefined>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Synchronous read from the backend's in-process store only (an `L1Backend` tier, or
   * SimpleCache): the decoded value when held there, else `undefined` — also before the backend
   * exists and for backends without one (Redis, file system: use `get`). Counted like `get`;
   * undecodable bytes follow the error policy like `get`.
   * @throws CacheBackendError for undecodable bytes under the `throw` policy
   */
  peek(key: string): PyValue | undefined {
    return this.calls.peek(this.storageKey(key));
  }

  /** Values in the order of `keys`, `undefined` for each miss. */
  async getMany(keys: readonly string[]): Promise<(PyValue | undefined)[]> {
    const misses = keys.map(() => undefined);
    if (keys.length === 0) return [];
    return this.calls.guard("getMany", misses, async (r) => {
      const raw = await r.backend.getMany(keys.map((k) => this.storageKey(k)));
      return raw.map((b) => this.calls.decode(r, "getMany", b));
    });
  }

  /** Like `getMany`, as an object keyed by the caller's keys (Flask-Caching's `get_dict`). */
  async getDict(keys: readonly string[]): Promise<Record<string, PyValue | undefined>> {
    const values = await this.getMany(keys);
    const out: Record<string, PyValue | undefined> = Object.create(null);
    keys.forEach((k, i) => {
      out[k] = values[i];
    });
    return out;
  }

  /**
   * Store `value` under `key`. A `Uint8Array` value (Python `bytes`) is written without a copy on
   * backends that support it (Redis, FileSystemCache): do not modify it until the promise settles.
   * Plain JS values map as JSON would, for the pickle serializers (every Flask-Caching backend):
   * a `Date` becomes an aware UTC `datetime.datetime` (millisecond precision), an object member
   * whose value is `undefined` is left out, and `undefined` inside an array (or tuple, set, Map
   * value) becomes `None`. A top-level `undefined` is refused (store `null` for `None`).
   * Objects typed by an interface are accepted (see {@link Storable}).
   * @param timeout SECONDS; undefined = the default, 0 = never expire, negative as the backend's cachelib class
   * @returns true when stored; false on a backend failure (fail-open)
   * @throws CacheEncodeError for values the serializer cannot encode (`PICKLE_ENCODE_*`, e.g. an
   *   invalid `Date`); CacheArgumentError for a bad timeout
   */
  set<T>(key: string, value: T & Storable<T>, timeout?: number | null): Promise<boolean> {
    return this.encodeAndWrite("set", key, value as PyValue, timeout);
  }

  /** Store only when `key` is absent; values as `set`. @param timeout SECONDS. @returns true when this call stored it. */
  add<T>(key: string, value: T & Storable<T>, timeout?: number | null): Promise<boolean> {
    return this.encodeAndWrite("add", key, value as PyValue, timeout);
  }

  /** Shared body of `set`/`add`: argument and encode errors reject, backend errors follow the policy. */
  private encodeAndWrite(
    operation: "set" | "add",
    key: string,
    value: PyValue,
    timeout: number | null | undefined,
  ): Promise<boolean> {
    let t: number;
    try {
      t = resolveTimeout(timeout, this.defaultTimeout);
    } catch (err) {
      return Promise.reject(err);
    }
    const r = this.calls.ready;
    if (r === undefined) {
      return this.calls.use().then((ready) => this.encodeAndWriteReady(operation, ready, key, value, t));
    }
    return this.encodeAndWriteReady(operation, r, key, value, t);
  }

  private encodeAndWriteReady(
    operation: "set" | "add",
    r: Ready,
    key: string,
    value: PyValue,
    t: number,
  ): Promise<boolean> {
    let bytes: Uint8Array | readonly Uint8Array[];
    try {
      // A `bytes` value goes to the backend as parts around the caller's array (no pickle copy).
      const parts = operation === "set" && r.backend.setParts ? r.serializer.dumpsParts?.(value) : undefined;
      bytes = parts ?? r.serializer.dumps(value);
    } catch (err) {
      return Promise.reject(err);
    }
    this.statsRecorder?.written(byteLength(bytes));
    try {
      return this.calls.write(operation, r.backend, this.storageKey(key), bytes, t);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Store several entries. @param timeout SECONDS. @returns the keys that were stored, in order. */
  async setMany(mapping: CacheMapping, timeout?: number | null): Promise<string[]> {
    const t = resolveTimeout(timeout, this.defaultTimeout);
    const r = await this.calls.use();
    const pairs = mappingPairs(mapping);
    const entries = pairs.map(([key, value]) => ({
      key: this.storageKey(key),
      value: r.serializer.dumps(value),
      timeout: t,
    }));
    if (entries.length === 0) return [];
    for (const e of entries) this.statsRecorder?.written(e.value.length);
    const results = await this.calls.guard(
      "setMany",
      entries.map(() => false),
      () => r.backend.setMany(entries),
    );
    return pairs.filter((_, i) => results[i]).map(([key]) => key);
  }

  /** Delete `key`. @returns the backend's report (Simple/Redis: false when the key did not exist). */
  async delete(key: string): Promise<boolean> {
    return this.calls.guard("delete", false, (r) => r.backend.delete(this.storageKey(key)));
  }

  /**
   * Delete several keys. Default strategy: Flask-Caching's loop, which stops at the first key
   * not deleted unless `ignoreErrors` (`CACHE_IGNORE_ERRORS`).
   * @returns the keys deleted, in order
   */
  async deleteMany(keys: readonly string[]): Promise<string[]> {
    if (this.deleteManyStrategy === "backend-batch") {
      const results = await this.calls.guard(
        "deleteMany",
        keys.map(() => false),
        (r) => r.backend.deleteMany(keys.map((k) => this.storageKey(k))),
      );
      return keys.filter((_, i) => results[i]);
    }
    const deleted: string[] = [];
    for (const key of keys) {
      if (await this.delete(key)) deleted.push(key);
      else if (!this.ignoreErrors) break;
    }
    return deleted;
  }

  /** `true` when `key` exists and has not expired. */
  async has(key: string): Promise<boolean> {
    return this.calls.guard("has", false, (r) => r.backend.has(this.storageKey(key)));
  }

  /**
   * Remove every entry of this cache (Redis family: keys starting with the prefix).
   * With `subPrefix` (e.g. a Keyv namespace), only entries whose key starts with it — on backends
   * that keep keys literally (Redis family, SimpleCache); the file system and metastore backends
   * cannot select by key and clear everything they own.
   */
  async clear(subPrefix = ""): Promise<boolean> {
    return this.calls.guard("clear", false, (r) => r.backend.clear(this.keyPrefix + subPrefix));
  }

  /**
   * Add `delta` to the number under `key` (missing → 0). Uses the backend's atomic `incr` when it
   * has one (Redis INCRBY, no TTL on create); otherwise cachelib's `(get(key) or 0) + delta` then
   * `set(key, value)` with the DEFAULT timeout.
   * @returns the new value, or null when the backend failed (fail-open; cachelib returns None)
   * @throws CacheArgumentError `INC_NOT_A_NUMBER` when the stored value is not a number
   */
  async inc(key: string, delta: number | bigint = 1): Promise<number | bigint | PyFloat | null> {
    if (typeof delta === "number" && !Number.isFinite(delta)) {
      throw new CacheArgumentError("INVALID_DELTA", `delta must be a finite number, got ${delta}`);
    }
    const r = await this.calls.use();
    const incr = r.backend.incr;
    if (incr) {
      return this.calls.guard("inc", null, () => incr.call(r.backend, this.storageKey(key), Number(delta)));
    }
    const current = await this.get(key);
    const next = pythonIncrement(current, delta);
    return (await this.set(key, next)) ? next : null;
  }

  /** Subtract `delta`; see `inc`. */
  async dec(key: string, delta: number | bigint = 1): Promise<number | bigint | PyFloat | null> {
    return this.inc(key, -delta);
  }

  /**
   * A copy of the value bytes the backend returns for `key`, undecoded (Redis: the whole stored
   * value; FileSystem: the pickle after the file's expiry header).
   */
  async getRaw(key: string): Promise<Uint8Array | undefined> {
    // Copied so callers cannot mutate what an in-memory backend holds.
    return this.calls.guard("getRaw", undefined, async (r) => {
      const stored = await r.backend.get(this.storageKey(key));
      if (stored !== undefined) this.statsRecorder?.read(stored.length);
      // new Uint8Array(view) copies; Buffer#slice would not.
      return stored === undefined ? undefined : new Uint8Array(stored);
    });
  }

  /** Store `bytes` as they are (no encoding). @param timeout SECONDS, undefined = default. */
  async setRaw(key: string, bytes: Uint8Array, timeout?: number | null): Promise<boolean> {
    const t = resolveTimeout(timeout, this.defaultTimeout);
    const copy = new Uint8Array(bytes);
    this.statsRecorder?.written(copy.length);
    return this.calls.guard("setRaw", false, (r) => r.backend.set(this.storageKey(key), copy, t));
  }

  /**
   * Read `key`; on a miss run `factory` once per key in this process (and, with `options.lock`,
   * once across processes), store its value with `options.timeout` SECONDS and return it.
   * Soft/hard timeouts and the grace period are in SECONDS; see docs/stampede.md.
   * `T` is the factory's value type (values as `set`); a hit is returned as `T` unchecked, as `get<T>`.
   * @throws the factory's error, or GetOrSetTimeoutError (`GET_OR_SET_HARD_TIMEOUT`), when no stale copy can be served
   */
  getOrSet<T = PyValue>(
    key: string,
    factory: GetOrSetFactory<T & Storable<T>>,
    options?: GetOrSetOptions,
  ): Promise<T> {
    return coordinatorFor(this).getOrSet(key, factory as GetOrSetFactory, options) as Promise<T>;
  }

  /**
   * Cache `fn`'s results per argument list (key: name + stable JSON digest + version); misses go
   * through `getOrSet`. `options.timeout` is in SECONDS. See docs/stampede.md.
   * @throws MemoizeError `MEMOIZE_NAME_REQUIRED` for an anonymous function without `options.name`
   */
  memoize<A extends unknown[], R>(
    fn: (...args: A) => (R & Storable<R>) | Promise<R & Storable<R>>,
    options?: MemoizeOptions<A>,
  ): Memoized<A, R> {
    return memoize(this, fn, options);
  }

  /** A wrapper caching a function's result under one key (Flask-Caching `@cached`); timeout in SECONDS. */
  cached<A extends unknown[]>(options?: CachedOptions<A>) {
    return cached(this, options);
  }

  /** Counters of `getOrSet` on this cache (hits, factory runs, lock waits, stale answers, …). */
  getOrSetStats(): GetOrSetStats {
    return coordinatorFor(this).stats();
  }

  /** Release the backend's clients. Idempotent; a cache whose setup failed closes quietly. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.calls.close();
  }
}

/** Bytes in a value or in all its parts. */
function byteLength(bytes: Uint8Array | readonly Uint8Array[]): number {
  if (bytes instanceof Uint8Array) return bytes.length;
  let n = 0;
  for (const part of bytes) n += part.length;
  return n;
}
