/**
 * The Redis backend (standalone, Sentinel, Cluster; TLS and ACL users through the config):
 * bytes in, bytes out, with the commands Flask-Caching/cachelib send (cachelib/redis.py), except where
 * docs/redis.md says we differ on purpose (atomic `add`, SCAN+UNLINK `clear`, per-key
 * `deleteMany`). Values stay Buffers end to end (getBuffer/mgetBuffer). Keys arrive already
 * prefixed by `Cache`; this layer never rewrites them.
 */
import type { ChainableCommander, Cluster, Redis } from "ioredis";
import type { ResolvedCacheConfig } from "../../config/config-types.js";
import { CacheConfigError } from "../../core/errors.js";
import { pyIntValue } from "../../python/numbers.js";
import { type BackendEntry, type CacheBackend, type ReadMapping, thenMapped } from "../backend.js";
import type { BackendContext } from "../backend-module.js";
import { CommandAdmission, READY } from "./admission.js";
import { clearKeys } from "./clear.js";
import {
  createRedisClients,
  isClusterClient,
  REDIS_CONNECTION_DEFAULTS,
  rejectIoredisKeyPrefix,
} from "./client.js";
import { mgetPerSlot, runPipelined } from "./cluster-slots.js";
import {
  type FlaskRedisConfig,
  type RedisTopology,
  type ResolvedRedisConfig,
  resolveRedisConfig,
} from "./config.js";
import { clientAddress, RedisConnectionWatch } from "./connection-watch.js";
import { RedisBackendError, RedisErrorCode } from "./errors.js";
import { REDIS_BACKEND_DEFAULTS, type RedisBackendOptions, type RedisBackendStats } from "./options.js";
import { WriteCoalescer } from "./wire/coalesce.js";
import { DirectGetCommand, type GetErrorMapper } from "./wire/direct-get.js";
import { argumentBytes, DirectSetCommand, plainSet } from "./wire/direct-set.js";
import { checkTimeout, invalidTimeout, isOk, isPositive, toUndefined, toValues } from "./wire/replies.js";
import { ioredisSeams } from "./wire/seams.js";
import { WriteBufferPool } from "./wire/write-buffers.js";

export { RedisBackendError, RedisErrorCode } from "./errors.js";
export { REDIS_BACKEND_DEFAULTS, type RedisBackendOptions, type RedisBackendStats } from "./options.js";

/** A Flask-Caching-compatible Redis backend over ioredis. */
export class RedisBackend implements CacheBackend {
  readonly kind = "redis";
  readonly topology: RedisTopology;
  readonly #writer: Redis | Cluster;
  readonly #reader: Redis | Cluster;
  readonly #owned: boolean;
  /** SET / GET through `DirectSetCommand` / `DirectGetCommand`: our own client, and the installed ioredis matches (wire/seams.ts). */
  readonly #directSet: boolean;
  readonly #directGet: boolean;
  readonly #getError: GetErrorMapper;
  readonly #describe: string;
  readonly #secrets: readonly string[];
  readonly #options: RedisBackendOptions;
  readonly #path: string;
  /** Cluster calls always take the slow path (per-call deadline, see CommandAdmission.queued). */
  readonly #cluster: boolean;
  readonly #coalesce: WriteCoalescer | undefined;
  /** `options.zeroCopyWrites`: send the caller's bytes uncopied (see RedisBackendOptions). */
  readonly #zeroCopy: boolean;
  /** Reused command buffers for copied `set`s (`options.writeBufferPoolBytes`). */
  readonly #pool: WriteBufferPool;
  readonly #watch: RedisConnectionWatch;
  readonly #gate: CommandAdmission;
  #connectionErrors = 0;
  readonly #fail: Readonly<Record<string, (e: unknown) => never>>;

  /**
   * Build from a resolved config (see `resolveRedisConfig`) or around `options.client`.
   * Nothing connects until the first command.
   * @throws CacheConfigError `CONFIG_REDIS_KEY_PREFIX` when the client or `options.ioredis` has a `keyPrefix`;
   *   `CONFIG_MISSING_VALUE` with neither a resolved config nor `options.client`
   */
  constructor(resolved: ResolvedRedisConfig | undefined, options: RedisBackendOptions = {}) {
    this.#options = options;
    this.#path = options.path ?? "CACHE_CONFIG";
    this.#secrets = resolved?.secrets ?? [];
    rejectIoredisKeyPrefix(options, this.#path);
    if (options.client) {
      this.#writer = options.client;
      this.#reader = options.client;
      this.#owned = false;
      this.topology = isClusterClient(options.client) ? "cluster" : "standalone";
      this.#describe = `${this.topology} (caller's client)`;
    } else {
      if (!resolved)
        throw new CacheConfigError(
          "CONFIG_MISSING_VALUE",
          this.#path,
          "RedisBackend needs a resolved config or options.client",
        );
      const clients = createRedisClients(resolved, options);
      this.#writer = clients.writer;
      this.#reader = clients.reader;
      this.#owned = true;
      this.topology = resolved.topology;
      this.#describe = resolved.describe;
    }
    const where = options.client ? { address: clientAddress(options.client) } : resolved!;
    this.#watch = new RedisConnectionWatch({ ...where, path: this.#path, secrets: this.#secrets });
    this.#cluster = isClusterClient(this.#writer);
    this.#coalesce =
      options.autoPipelining === false || !WriteCoalescer.supports(this.#writer)
        ? undefined
        : new WriteCoalescer();
    this.#directSet = this.#owned && ioredisSeams().directSet;
    this.#directGet = this.#owned && !this.#cluster && ioredisSeams().directGet;
    this.#zeroCopy = options.zeroCopyWrites ?? REDIS_BACKEND_DEFAULTS.zeroCopyWrites;
    this.#pool = new WriteBufferPool(options.writeBufferPoolBytes);
    this.#gate = new CommandAdmission({
      maxOffline: options.maxOfflineQueue ?? REDIS_BACKEND_DEFAULTS.maxOfflineQueue,
      commandTimeoutMs:
        options.commandTimeoutMs ??
        resolved?.redisOptions.commandTimeout ??
        REDIS_CONNECTION_DEFAULTS.commandTimeoutMs,
      describe: this.#describe,
      watch: this.#watch,
      coalesce: this.#coalesce,
    });
    // ioredis emits 'error' for every failed (re)connect; without a listener Node would throw.
    const onError = (e: RedisBackendError) => {
      this.#connectionErrors++;
      this.#options.onConnectionError?.(e);
    };
    this.#watch.attach(this.#writer, onError);
    if (this.#reader !== this.#writer) this.#watch.attach(this.#reader, onError);
    this.#fail = this.#watch.failures();
    this.#getError = (e) => this.#watch.error(e, "GET");
  }

  /**
   * Build from a Flask-Caching cache dict (`CACHE_TYPE` RedisCache / RedisSentinelCache /
   * RedisClusterCache and the `CACHE_REDIS_*` keys). `CACHE_REDIS_HOST` may be an ioredis client.
   * @throws CacheConfigError for invalid or unknown keys
   */
  static fromConfig(
    config: FlaskRedisConfig,
    options: RedisBackendOptions = {},
    base = "CACHE_CONFIG",
  ): RedisBackend {
    const host = config.CACHE_REDIS_HOST;
    // Any ioredis client, also one from another copy of ioredis (config validation has already
    // checked its shape), is used as is: never fall back to localhost for an object host.
    if (!options.client && host !== null && typeof host === "object") {
      return new RedisBackend(undefined, { ...options, client: host as Redis | Cluster });
    }
    return new RedisBackend(resolveRedisConfig(config, base), { ...options, path: options.path ?? base });
  }

  /**
   * Registry adapter: `fromConfig` with `backendOptions.redis`, error paths under the context's
   * path (e.g. `DATA_CACHE_CONFIG`) unless the options name their own `path`.
   * @throws CacheConfigError for invalid or unknown keys
   */
  static fromFlaskConfig(
    config: ResolvedCacheConfig,
    context: BackendContext<RedisBackendOptions>,
  ): RedisBackend {
    const path = context.options?.path ?? context.path;
    return RedisBackend.fromConfig(config, { ...context.options, path }, path);
  }

  /** Counters since construction. */
  stats(): RedisBackendStats {
    const fastPathsOff = Object.values(ioredisSeams()).filter((on) => on === false).length;
    return {
      connectionErrors: this.#connectionErrors,
      offlineQueueRejections: this.#gate.rejections,
      offlineQueued: this.#gate.offline,
      fastPathsOff,
    };
  }

  /** Redacted target, e.g. `RedisBackend(redis://alice:***@127.0.0.1:6380/0)`. Never contains a password. */
  toString(): string {
    return `RedisBackend(${this.#describe})`;
  }

  toJSON(): { kind: string; target: string } {
    return { kind: this.kind, target: this.#describe };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** The replica client when it is ready (Sentinel `sentinelReadFrom: "replica"`), else the writer. */
  #readClient(): Redis | Cluster {
    const r = this.#reader;
    return r === this.#writer || r.status === READY ? r : this.#writer;
  }

  /** Stored bytes, or `undefined` when missing. @throws RedisBackendError */
  get(key: string): Promise<Uint8Array | undefined> {
    const c = this.#readClient();
    if (!this.#cluster && c.status === READY && !this.#gate.closed) {
      this.#coalesce?.cork(c as Redis); // no async/await: at most one hop on top of ioredis's promise
      if (this.#directGet) return new DirectGetCommand(key, this.#getError).sendOn(c as Redis);
      return c.getBuffer(key).then(toUndefined, this.#fail.GET);
    }
    const refused = this.#gate.refuse(c);
    if (refused) return Promise.reject(refused);
    return this.#gate.queued(c, c.getBuffer(key)).then(toUndefined, this.#fail.GET);
  }

  /** `get(key).then(mapping.map, mapping.onError)` in one promise on the direct path. @throws as `get` */
  getMapped<T>(key: string, mapping: ReadMapping<T>): Promise<T> {
    const c = this.#readClient();
    if (this.#directGet && c.status === READY && !this.#gate.closed) {
      this.#coalesce?.cork(c as Redis);
      return new DirectGetCommand(key, this.#getError, mapping).sendOn<T>(c as Redis);
    }
    return thenMapped(this.get(key), mapping);
  }

  /** One MGET (on a cluster: one MGET per hash slot, in parallel), results in the caller's order. @throws RedisBackendError */
  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    if (keys.length === 0) return [];
    const c = this.#readClient();
    this.#gate.admit(c);
    if (!isClusterClient(c)) {
      const values = await this.#gate.queued(c, c.mgetBuffer(...keys)).catch(this.#fail.MGET);
      return toValues(values, keys.length);
    }
    return this.#gate.queued(c, mgetPerSlot(c, keys, this.#fail.MGET!));
  }

  /**
   * `SET key value EX timeout` for timeout > 0 SECONDS; plain `SET` (clears any TTL) for 0 and -1.
   * @throws RedisBackendError `REDIS_INVALID_EXPIRE_TIME` for other timeouts (Redis rejects them too)
   */
  set(key: string, value: Uint8Array, timeout: number): Promise<boolean> {
    return this.#set(key, value, timeout);
  }

  /**
   * `set` of a value given as parts, concatenated in order (written without a copy on the
   * clients this backend owns). @param timeout SECONDS, as `set`. @throws as `set`
   */
  setParts(key: string, parts: readonly Uint8Array[], timeout: number): Promise<boolean> {
    return this.#set(key, parts, timeout);
  }

  #set(key: string, value: Uint8Array | readonly Uint8Array[], timeout: number): Promise<boolean> {
    if (!(Number.isInteger(timeout) && timeout >= -1)) return Promise.reject(invalidTimeout(timeout));
    const c = this.#writer;
    if (!this.#cluster && c.status === READY && !this.#gate.closed) {
      this.#coalesce?.cork(c as Redis);
      const p = this.#directSet
        ? new DirectSetCommand(key, value, timeout, this.#zeroCopy, this.#pool).sendOn(c as Redis)
        : plainSet(c, key, value, timeout, this.#zeroCopy);
      return p.then(isOk, this.#fail.SET);
    }
    const refused = this.#gate.refuse(c);
    if (refused) return Promise.reject(refused);
    return this.#gate.queued(c, plainSet(c, key, value, timeout, this.#zeroCopy)).then(isOk, this.#fail.SET);
  }

  /** Entries as a pipeline without MULTI (per hash slot on a cluster); `true` per entry stored. @throws RedisBackendError */
  async setMany(entries: readonly BackendEntry[]): Promise<boolean[]> {
    if (entries.length === 0) return [];
    for (const e of entries) checkTimeout(e.timeout);
    return this.#pipelined(
      entries,
      (e) => e.key,
      (pipe, e) => {
        const bytes = argumentBytes(e.value, this.#zeroCopy);
        if (e.timeout > 0) pipe.set(e.key, bytes, "EX", e.timeout);
        else pipe.set(e.key, bytes);
      },
      isOk,
    );
  }

  /**
   * Store only when absent, atomically: `SET key value NX [EX timeout]` (Flask-Caching sends
   * SETNX then EXPIRE). A timeout below -1 stores nothing and reports whether the key was
   * absent, which is what Python's SETNX + EXPIRE(negative) leaves behind.
   * @throws RedisBackendError
   */
  async add(key: string, value: Uint8Array, timeout: number): Promise<boolean> {
    const c = this.#writer;
    if (!Number.isInteger(timeout)) checkTimeout(timeout);
    this.#gate.admit(c);
    if (timeout < -1) return this.#gate.queued(c, c.exists(key)).then((n) => n === 0, this.#fail.EXISTS);
    const bytes = argumentBytes(value, this.#zeroCopy);
    const p = timeout > 0 ? c.set(key, bytes, "EX", timeout, "NX") : c.set(key, bytes, "NX");
    return this.#gate.queued(c, p).then(isOk, this.#fail["SET NX"]);
  }

  /** `DEL key`; `true` when a key was deleted. @throws RedisBackendError */
  async delete(key: string): Promise<boolean> {
    const c = this.#writer;
    this.#gate.admit(c);
    return this.#gate.queued(c, c.del(key)).then(isPositive, this.#fail.DEL);
  }

  /**
   * One `DEL` per key in a single pipeline, so every key is attempted and reported (`true` =
   * deleted). Flask-Caching's stop-at-first-missing loop is the Cache layer's business.
   * @throws RedisBackendError
   */
  async deleteMany(keys: readonly string[]): Promise<boolean[]> {
    if (keys.length === 0) return [];
    return this.#pipelined(
      keys,
      (k) => k,
      (pipe, k) => pipe.del(k),
      isPositive,
    );
  }

  /** `EXISTS key`. @throws RedisBackendError */
  async has(key: string): Promise<boolean> {
    const c = this.#readClient();
    this.#gate.admit(c);
    return this.#gate.queued(c, c.exists(key)).then(isPositive, this.#fail.EXISTS);
  }

  /**
   * `INCRBY key delta` (a missing key starts at 0 and gets no TTL, as in Python). Results
   * outside ±2^53 are re-read as text and returned as bigint.
   * @throws RedisBackendError (`REDIS_REPLY_ERROR` when the value is not an integer, e.g. a pickle)
   */
  async incr(key: string, delta: number): Promise<number | bigint> {
    const c = this.#writer;
    if (!Number.isSafeInteger(delta)) {
      throw new RedisBackendError(RedisErrorCode.reply, "redis INCRBY needs a safe integer delta", false);
    }
    this.#gate.admit(c);
    const n = await this.#gate.queued(c, c.incrby(key, delta)).catch(this.#fail.INCRBY);
    if (Number.isSafeInteger(n)) return n;
    const text = await c.get(key).catch(this.#fail.GET);
    return pyIntValue(BigInt(text ?? "0"));
  }

  /**
   * Delete every key starting with `prefix` (literally; glob characters escaped) with SCAN +
   * UNLINK on every master. Returns `true` when something was deleted (cachelib's rule). An
   * empty prefix means the whole database: FLUSHDB (every master) only with `allowFlushDb`.
   * @throws CacheConfigError `REDIS_CLEAR_REFUSED` for an empty prefix without `allowFlushDb`
   */
  async clear(prefix: string): Promise<boolean> {
    const c = this.#writer;
    this.#gate.admit(c);
    if (prefix === "" && !this.#options.allowFlushDb) {
      throw new CacheConfigError(
        RedisErrorCode.clearRefused,
        `${this.#path}.CACHE_KEY_PREFIX`,
        "refusing to clear a Redis cache without a key prefix (it would FLUSHDB); set the backend option allowFlushDb to allow it",
      );
    }
    return clearKeys(c, prefix, {
      scanCount: this.#options.scanCount ?? REDIS_BACKEND_DEFAULTS.scanCount,
      unlinkBatchSize: this.#options.unlinkBatchSize ?? REDIS_BACKEND_DEFAULTS.unlinkBatchSize,
    }).catch(this.#fail.CLEAR);
  }

  /**
   * Connect if needed and PING, after AUTH and SELECT (`CacheManager.ready()`).
   * @throws RedisBackendError naming the address and cause; CacheConfigError `CONFIG_REDIS_DB`
   */
  async ping(): Promise<void> {
    const c = this.#writer;
    this.#gate.admit(c);
    await this.#gate.queued(c, c.ping()).catch(this.#fail.PING);
  }

  /** Close the connections this backend opened (never a caller's client). Idempotent. */
  async close(): Promise<void> {
    if (this.#gate.closed) return;
    this.#gate.closed = true;
    if (!this.#owned) return;
    const clients = this.#reader === this.#writer ? [this.#writer] : [this.#writer, this.#reader];
    await Promise.all(clients.map((c) => c.quit().then(undefined, () => c.disconnect())));
  }

  /** Run one command per item in a non-transactional pipeline (one per hash slot on a cluster). */
  async #pipelined<T>(
    items: readonly T[],
    keyOf: (item: T) => string,
    add: (pipe: ChainableCommander, item: T) => unknown,
    ok: (reply: unknown) => boolean,
  ): Promise<boolean[]> {
    const c = this.#writer;
    this.#gate.admit(c);
    const exec = (pipe: ChainableCommander) => this.#gate.queued(c, pipe.exec()).catch(this.#fail.PIPELINE);
    return runPipelined(c, items, { keyOf, add, ok }, exec, this.#secrets);
  }
}
