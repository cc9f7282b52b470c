/**
 * Flask-Caching's MemcachedCache, SASLMemcachedCache and SpreadSASLMemcachedCache
 * (flask_caching/backends/memcache.py over cachelib/memcached.py) on a small pipelined
 * binary-protocol client (connection.ts).
 *
 * cachelib's rules: keys are checked against `[^\x00-\x21\xff]{1,250}` (and memcached's
 * 250-byte limit); a key that fails reads as a miss and is never written. A timeout t > 0 is
 * sent as the absolute time `now + t` (seconds), 0 as "never"; a negative timeout stores
 * nothing and deletes the key (memcached expires such an item at once). `has` is an empty
 * `append`, `clear` is `flush_all` on every server (whatever the prefix, as cachelib does).
 *
 * Values reach this backend in the flagged layout of value-flags.ts (bare bytes mean flag 0)
 * and are stored as their payload under those client flags. The spread kind instead stores the
 * pickle (protocol 2, as cachelib writes it) as bytes (flag 0) cut into 1,048,448-byte chunks
 * `key.0 … key.31`.
 */
import type { ResolvedCacheConfig } from "../../config/config-types.js";
import { type Clock, systemClock, unixSeconds } from "../../core/clock.js";
import { type InspectFunction, inspectCustom } from "../../core/redact.js";
import { type CacheBackend, type ReadMapping, thenMapped } from "../backend.js";
import type { BackendContext } from "../backend-module.js";
import { Opcode } from "./binary-protocol.js";
import { MemcachedConnection, type ReplyReader } from "./connection.js";
import { MemcachedBackendError, MemcachedErrorCode } from "./errors.js";
import {
  DEFAULT_MEMCACHED_SERVERS,
  MEMCACHED_BACKEND_DEFAULTS,
  type MemcachedBackendOptions,
  type MemcachedServerAddress,
  parseServers,
} from "./options.js";
import { APPEND, DELETE, FLUSH, GET, MAPPED_GET, STORE } from "./replies.js";
import { type KeyDistribution, serverIndex } from "./server-placement.js";
import { FLAGGED_HEADER_LENGTH, Flag, flagsOf, isFlagged, payloadOf } from "./value-flags.js";

/** Which of the three Flask-Caching classes a backend behaves as. */
export type MemcachedKind = "memcached" | "sasl-memcached" | "spread-sasl-memcached";

/** SpreadSASLMemcachedCache's `chunksize` and `maxchunk` defaults. */
export const SPREAD_CHUNK_BYTES = 1_048_448;
export const SPREAD_MAX_CHUNKS = 32;
/** The pickle protocol SpreadSASLMemcachedCache writes before cutting (`pickle.dumps(value, 2)`). */
export const SPREAD_PICKLE_PROTOCOL = 2;

/** memcached's key length limit, in bytes. */
const MAX_KEY_BYTES = 250;
// cachelib's _test_memcached_key, applied to the prefixed key (Python counts code points).
// biome-ignore lint/suspicious/noControlCharactersInRegex: the rule is about control characters
const VALID_KEY = /^[^\x00-\x21\xff]{1,250}$/u;

/** Everything a backend needs, resolved. */
export interface MemcachedBackendSettings extends MemcachedBackendOptions {
  kind: MemcachedKind;
  servers: readonly MemcachedServerAddress[];
  username?: string | undefined;
  password?: string | undefined;
  clock?: Clock;
}

/** Keys of at most this many UTF-16 units are at most 250 bytes in UTF-8 (3 bytes a unit at most). */
const SHORT_KEY_UNITS = Math.floor(MAX_KEY_BYTES / 3);

/** `true` when cachelib would send `key` to memcached (its key rule and memcached's 250 bytes). */
function isValidKey(key: string): boolean {
  return (
    VALID_KEY.test(key) && (key.length <= SHORT_KEY_UNITS || Buffer.byteLength(key, "utf8") <= MAX_KEY_BYTES)
  );
}

/** The key's UTF-8 bytes when cachelib would send it to memcached, else `undefined`. */
export function memcachedKeyBytes(key: string): Buffer | undefined {
  return isValidKey(key) ? Buffer.from(key, "utf8") : undefined;
}

/** A Memcached backend; see the module comment. */
export class MemcachedBackend implements CacheBackend {
  readonly kind: MemcachedKind;
  readonly #connections: readonly MemcachedConnection[];
  readonly #distribution: KeyDistribution;
  readonly #clock: Clock;

  constructor(settings: MemcachedBackendSettings) {
    this.kind = settings.kind;
    this.#distribution = settings.distribution ?? MEMCACHED_BACKEND_DEFAULTS.distribution;
    this.#clock = settings.clock ?? systemClock;
    const sasl = settings.kind !== "memcached" && settings.username !== undefined;
    this.#connections = settings.servers.map(
      (server) =>
        new MemcachedConnection({
          host: server.host,
          port: server.port,
          username: sasl ? settings.username : undefined,
          password: sasl ? settings.password : undefined,
          connectTimeoutMs: settings.connectTimeoutMs ?? MEMCACHED_BACKEND_DEFAULTS.connectTimeoutMs,
          commandTimeoutMs: settings.commandTimeoutMs ?? MEMCACHED_BACKEND_DEFAULTS.commandTimeoutMs,
          retryTimeoutSeconds: settings.retryTimeoutSeconds ?? MEMCACHED_BACKEND_DEFAULTS.retryTimeoutSeconds,
        }),
    );
  }

  /**
   * Registry adapter: servers and credentials from the cache dict, options from
   * `backendOptions.memcached`.
   * @throws CacheConfigError `CONFIG_INVALID_VALUE` for a server entry that does not parse
   */
  static fromFlaskConfig(
    config: ResolvedCacheConfig,
    context: BackendContext<MemcachedBackendOptions>,
    kind: MemcachedKind,
  ): MemcachedBackend {
    const path = context.options?.path ?? context.path;
    const servers = parseServers(config.CACHE_MEMCACHED_SERVERS ?? DEFAULT_MEMCACHED_SERVERS, path);
    return new MemcachedBackend({
      ...context.options,
      kind,
      servers,
      username: config.CACHE_MEMCACHED_USERNAME,
      password: config.CACHE_MEMCACHED_PASSWORD,
      clock: context.clock,
    });
  }

  /** What logs and `JSON.stringify` show: the kind and the servers (never the SASL password). */
  toJSON(): { kind: MemcachedKind; servers: readonly string[] } {
    return { kind: this.kind, servers: this.servers };
  }

  /** `util.inspect`/`console.log`: the `toJSON` view. */
  [inspectCustom](_depth: number, options: object, inspect: InspectFunction): string {
    return `MemcachedBackend ${inspect(this.toJSON(), options)}`;
  }

  /** Server addresses in listed order, e.g. `127.0.0.1:11211`. */
  get servers(): readonly string[] {
    return this.#connections.map((c) => c.address);
  }

  /** Index (in `servers`) of the server that holds `key` (a full, prefixed key). */
  serverFor(key: string): number {
    return serverIndex(Buffer.from(key, "utf8"), this.#connections.length, this.#distribution);
  }

  /** The connection of the server that holds `key` (a valid key). */
  #connectionFor(key: string): MemcachedConnection {
    const connections = this.#connections;
    if (connections.length === 1) return connections[0] as MemcachedConnection;
    const index = serverIndex(Buffer.from(key, "utf8"), connections.length, this.#distribution);
    return connections[index] as MemcachedConnection;
  }

  /** Memcached's expiry field for a timeout in seconds (`undefined`: negative, store nothing). */
  #expiry(timeout: number): number | undefined {
    if (timeout < 0) return undefined;
    return timeout > 0 ? unixSeconds(this.#clock) + Math.trunc(timeout) : 0;
  }

  #getOne(key: string, raw: boolean): Promise<Uint8Array | undefined> {
    return this.#connectionFor(key).request(Opcode.get, key, undefined, GET, raw);
  }

  /**
   * set/add of `payload` under `flags`.
   * @param expiry memcached's expiry field: 0 = never, else Unix seconds
   */
  #store(opcode: number, key: string, flags: number, payload: Uint8Array, expiry: number): Promise<boolean> {
    const op = opcode === Opcode.add ? "add" : "set";
    return this.#connectionFor(key).store(opcode, key, flags, expiry, payload, STORE, op);
  }

  #deleteOne(key: string): Promise<boolean> {
    return this.#connectionFor(key).request(Opcode.delete, key, undefined, DELETE, undefined);
  }

  /** Spread chunk keys `key.0 … key.31` (the valid ones), or `undefined` when `key.0` is not a valid key. */
  #chunkKeys(key: string): string[] | undefined {
    const keys: string[] = [];
    for (let i = 0; i < SPREAD_MAX_CHUNKS; i++) {
      const chunkKey = `${key}.${i}`;
      if (!isValidKey(chunkKey)) return i === 0 ? undefined : keys;
      keys.push(chunkKey);
    }
    return keys;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    if (this.kind === "spread-sasl-memcached") {
      const keys = this.#chunkKeys(key);
      if (!keys) return undefined;
      const chunks = await Promise.all(keys.map((k) => this.#getOne(k, true)));
      if (chunks[0] === undefined) return undefined;
      const joined = Buffer.concat(chunks.filter((c): c is Uint8Array => c !== undefined));
      return new Uint8Array(joined.buffer, joined.byteOffset, joined.length);
    }
    return isValidKey(key) ? this.#getOne(key, false) : undefined;
  }

  /**
   * `get` settling with `mapping.map(bytes)` (or `mapping.onError(err)`) as the reply is parsed:
   * one promise per read (the `CacheBackend.getMapped` contract).
   */
  getMapped<T>(key: string, mapping: ReadMapping<T>): Promise<T> {
    if (this.kind === "spread-sasl-memcached" || !isValidKey(key)) {
      return thenMapped(this.get(key), mapping);
    }
    const reader = MAPPED_GET as ReplyReader<ReadMapping<unknown>, T>;
    return this.#connectionFor(key).request(Opcode.get, key, undefined, reader, mapping);
  }

  getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    return Promise.all(keys.map((k) => this.get(k)));
  }

  set(key: string, value: Uint8Array, timeout: number): Promise<boolean> {
    return this.#write(Opcode.set, key, value, timeout);
  }

  /**
   * `set` of a value given as parts (`MemcachedValueSerializer.dumpsParts`: a flagged header, then
   * the payload), written without joining them.
   */
  setParts(key: string, parts: readonly Uint8Array[], timeout: number): Promise<boolean> {
    const head = parts[0];
    const expiry = this.#expiry(timeout);
    const simple = head !== undefined && head.length === FLAGGED_HEADER_LENGTH && isFlagged(head);
    if (!simple || expiry === undefined || !isValidKey(key) || this.kind === "spread-sasl-memcached") {
      return this.set(key, Buffer.concat(parts), timeout);
    }
    const payload = parts.length === 2 ? (parts[1] as Uint8Array) : Buffer.concat(parts.slice(1));
    return this.#store(Opcode.set, key, flagsOf(head), payload, expiry);
  }

  setMany(entries: readonly { key: string; value: Uint8Array; timeout: number }[]): Promise<boolean[]> {
    return Promise.all(entries.map((e) => this.set(e.key, e.value, e.timeout)));
  }

  add(key: string, value: Uint8Array, timeout: number): Promise<boolean> {
    return this.#write(Opcode.add, key, value, timeout);
  }

  async #write(opcode: number, key: string, value: Uint8Array, timeout: number): Promise<boolean> {
    const expiry = this.#expiry(timeout);
    if (this.kind === "spread-sasl-memcached") return this.#writeSpread(opcode, key, value, expiry);
    if (!isValidKey(key)) return false;
    if (expiry === undefined) {
      if (opcode === Opcode.add && (await this.has(key))) return false;
      await this.#deleteOne(key);
      return true;
    }
    return this.#store(opcode, key, flagsOf(value), payloadOf(value), expiry);
  }

  /**
   * SpreadSASLMemcachedCache.set: the pickle cut into chunks stored as bytes. `add` adds chunk
   * 0 (so it fails when the key is held) and then sets the rest.
   * @throws MemcachedBackendError `MEMCACHED_VALUE_TOO_LARGE` past 32 chunks (cachelib's ValueError)
   */
  async #writeSpread(
    opcode: number,
    key: string,
    value: Uint8Array,
    expiry: number | undefined,
  ): Promise<boolean> {
    const keys = this.#chunkKeys(key);
    if (!keys) return false;
    const count = Math.max(1, Math.ceil(value.length / SPREAD_CHUNK_BYTES));
    if (count > SPREAD_MAX_CHUNKS) {
      throw new MemcachedBackendError(
        MemcachedErrorCode.valueTooLarge,
        `Cannot store value in less than ${SPREAD_MAX_CHUNKS} keys (${value.length} bytes)`,
        false,
      );
    }
    if (keys.length < count) return false;
    if (expiry === undefined) {
      await this.delete(key);
      return true;
    }
    const chunk = (i: number) => value.subarray(i * SPREAD_CHUNK_BYTES, (i + 1) * SPREAD_CHUNK_BYTES);
    if (
      opcode === Opcode.add &&
      !(await this.#store(Opcode.add, keys[0] as string, Flag.bytes, chunk(0), expiry))
    ) {
      return false;
    }
    const first = opcode === Opcode.add ? 1 : 0;
    const stored = await Promise.all(
      keys
        .slice(first, count)
        .map((k, i) => this.#store(Opcode.set, k, Flag.bytes, chunk(i + first), expiry)),
    );
    return stored.every(Boolean);
  }

  async delete(key: string): Promise<boolean> {
    if (this.kind === "spread-sasl-memcached") {
      const keys = this.#chunkKeys(key);
      if (!keys) return false;
      const deleted = await Promise.all(keys.map((k) => this.#deleteOne(k)));
      return deleted[0] === true;
    }
    return isValidKey(key) ? this.#deleteOne(key) : false;
  }

  async deleteMany(keys: readonly string[]): Promise<boolean[]> {
    return Promise.all(keys.map((k) => this.delete(k)));
  }

  /** cachelib's `has`: an empty `append`, which succeeds only on a live key (spread: on `key.0`). */
  async has(key: string): Promise<boolean> {
    const held = this.kind === "spread-sasl-memcached" ? `${key}.0` : key;
    if (!isValidKey(held)) return false;
    return this.#connectionFor(held).request(Opcode.append, held, undefined, APPEND, undefined);
  }

  /** `flush_all` on every server: memcached cannot select keys, so the prefix is not used. */
  async clear(_prefix: string): Promise<boolean> {
    const results = await Promise.all(
      this.#connections.map((c) => c.request(Opcode.flush, "", undefined, FLUSH, undefined)),
    );
    return results.every(Boolean);
  }

  async close(): Promise<void> {
    for (const connection of this.#connections) connection.close();
  }

  toString(): string {
    return `MemcachedBackend(${this.kind} ${this.servers.join(",")})`;
  }
}
