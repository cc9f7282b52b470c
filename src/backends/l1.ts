/**
 * `L1Backend`: an in-process lru-cache of stored bytes in front of any backend, bounded by
 * entry count and by total bytes, each entry living at most `ttlSeconds` (and never past the
 * entry's own timeout). With `invalidation`, every set/add/delete/inc/clear is published on a
 * Redis channel and other processes drop their L1 copy of that key, so an L1 is stale for at
 * most one pub/sub delivery (or `ttlSeconds` if a message is lost: pub/sub is fire-and-forget).
 * Bytes, not decoded values, are kept, as private copies: every hit returns a fresh copy and
 * every write keeps a copy, so no caller can change another's value (decoded `bytes` are views
 * of the bytes read), and the byte bound is exact (a kept view could pin a larger buffer).
 */
import { randomBytes } from "node:crypto";
import type { Cluster, Redis } from "ioredis";
import { LRUCache } from "lru-cache";
import type { BackendEntry, CacheBackend } from "./backend.js";

/** Defaults of `L1Options`. */
export const L1_DEFAULTS = {
  maxEntries: 10_000,
  /** 64 MiB. */
  maxBytes: 64 * 1024 * 1024,
  /** SECONDS an L1 copy may live. */
  ttlSeconds: 60,
  channel: "superset-cache:l1-invalidate",
} as const;

const MS = 1000;
/** Message body for "drop everything under this prefix" (keys never start with NUL). */
const CLEAR_MARK = "\u0000clear\u0000";
const SEPARATOR = "\n";

export interface L1Invalidation {
  /** Client that publishes (may be the one the backend uses). */
  publisher: Redis | Cluster;
  /** A dedicated client in subscriber mode (owned by the caller, never closed here). */
  subscriber: Redis;
  /** Channel name. Default `superset-cache:l1-invalidate`. */
  channel?: string;
}

export interface L1Options {
  /** Most entries kept. Default 10,000. */
  maxEntries?: number;
  /** Most bytes kept (sum of value lengths). Default 64 MiB. */
  maxBytes?: number;
  /** SECONDS an L1 copy may live (bounds staleness without pub/sub). Default 60. */
  ttlSeconds?: number;
  /** Cross-process invalidation through Redis pub/sub; without it only `ttlSeconds` bounds staleness. */
  invalidation?: L1Invalidation;
}

/** Counters since construction. */
export interface L1Stats {
  hits: number;
  misses: number;
  invalidationsSent: number;
  invalidationsReceived: number;
  /** Publish calls that failed (the write itself succeeded; other L1s expire by ttl). */
  publishErrors: number;
}

export class L1Backend implements CacheBackend {
  readonly kind: string;
  private readonly lru: LRUCache<string, Uint8Array>;
  private readonly ttlMs: number;
  private readonly id = randomBytes(8).toString("hex");
  private readonly channel: string;
  // Hits and misses as own fields: one property write on the hot path, not two loads and a write.
  private hits = 0;
  private misses = 0;
  private readonly counters: Omit<L1Stats, "hits" | "misses"> = {
    invalidationsSent: 0,
    invalidationsReceived: 0,
    publishErrors: 0,
  };
  private readonly onMessage = (channel: string, message: string) => {
    if (channel !== this.channel) return;
    const cut = message.indexOf(SEPARATOR);
    if (cut < 0 || message.slice(0, cut) === this.id) return;
    this.counters.invalidationsReceived++;
    const body = message.slice(cut + 1);
    if (body.startsWith(CLEAR_MARK)) {
      const prefix = body.slice(CLEAR_MARK.length);
      for (const key of this.lru.keys()) if (key.startsWith(prefix)) this.lru.delete(key);
    } else this.lru.delete(body);
  };
  private subscribed: Promise<unknown> | undefined;

  constructor(
    private readonly inner: CacheBackend,
    private readonly options: L1Options = {},
  ) {
    this.kind = inner.kind;
    this.ttlMs = (options.ttlSeconds ?? L1_DEFAULTS.ttlSeconds) * MS;
    this.channel = options.invalidation?.channel ?? L1_DEFAULTS.channel;
    this.lru = new LRUCache<string, Uint8Array>({
      max: options.maxEntries ?? L1_DEFAULTS.maxEntries,
      maxSize: options.maxBytes ?? L1_DEFAULTS.maxBytes,
      // lru-cache requires a positive size; empty values count as one byte.
      sizeCalculation: (v) => Math.max(1, v.byteLength),
      ttl: this.ttlMs,
    });
    const inv = options.invalidation;
    if (inv) {
      inv.subscriber.on("message", this.onMessage);
      this.subscribed = inv.subscriber.subscribe(this.channel);
    }
  }

  /** Resolves once the invalidation subscription is active (immediately without one). */
  async ready(): Promise<void> {
    await this.subscribed;
  }

  stats(): L1Stats {
    return { hits: this.hits, misses: this.misses, ...this.counters };
  }

  private keep(key: string, value: Uint8Array, timeout: number): void {
    if (timeout < 0) return;
    const ttl = timeout === 0 ? this.ttlMs : Math.min(this.ttlMs, timeout * MS);
    this.lru.set(key, new Uint8Array(value), { ttl });
  }

  private publish(body: string): void {
    const inv = this.options.invalidation;
    if (!inv) return;
    this.counters.invalidationsSent++;
    inv.publisher
      .publish(this.channel, this.id + SEPARATOR + body)
      .catch(() => this.counters.publishErrors++);
  }

  /**
   * Synchronous L1 read: the bytes when this process's L1 holds a live copy (counted as a hit),
   * else `undefined` (counted as a miss) without asking the inner backend.
   */
  peek(key: string): Uint8Array | undefined {
    const hit = this.lru.get(key);
    if (hit === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return new Uint8Array(hit);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const hit = this.lru.get(key);
    if (hit !== undefined) {
      this.hits++;
      return new Uint8Array(hit);
    }
    this.misses++;
    const value = await this.inner.get(key);
    // The entry's remaining TTL is unknown here; the L1 ttl bounds how long the copy lives.
    if (value !== undefined) this.lru.set(key, new Uint8Array(value));
    return value;
  }

  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    const out: (Uint8Array | undefined)[] = keys.map((k) => {
      const hit = this.lru.get(k);
      return hit && new Uint8Array(hit);
    });
    const missing = keys.filter((_, i) => out[i] === undefined);
    if (missing.length === 0) return out;
    const fetched = await this.inner.getMany(missing);
    let j = 0;
    keys.forEach((k, i) => {
      if (out[i] !== undefined) return;
      const v = fetched[j++];
      out[i] = v;
      if (v !== undefined) this.lru.set(k, new Uint8Array(v));
    });
    return out;
  }

  async set(key: string, value: Uint8Array, timeout: number): Promise<boolean> {
    this.lru.delete(key);
    const ok = await this.inner.set(key, value, timeout);
    if (ok) this.keep(key, value, timeout);
    this.publish(key);
    return ok;
  }

  async setMany(entries: readonly BackendEntry[]): Promise<boolean[]> {
    for (const e of entries) this.lru.delete(e.key);
    const results = await this.inner.setMany(entries);
    entries.forEach((e, i) => {
      if (results[i]) this.keep(e.key, e.value, e.timeout);
      this.publish(e.key);
    });
    return results;
  }

  async add(key: string, value: Uint8Array, timeout: number): Promise<boolean> {
    const ok = await this.inner.add(key, value, timeout);
    if (ok) {
      this.keep(key, value, timeout);
      this.publish(key);
    }
    return ok;
  }

  async delete(key: string): Promise<boolean> {
    this.lru.delete(key);
    const ok = await this.inner.delete(key);
    this.publish(key);
    return ok;
  }

  async deleteMany(keys: readonly string[]): Promise<boolean[]> {
    for (const k of keys) this.lru.delete(k);
    const results = await this.inner.deleteMany(keys);
    for (const k of keys) this.publish(k);
    return results;
  }

  async has(key: string): Promise<boolean> {
    return this.lru.has(key) || this.inner.has(key);
  }

  async clear(prefix: string): Promise<boolean> {
    for (const key of this.lru.keys()) if (key.startsWith(prefix)) this.lru.delete(key);
    const ok = await this.inner.clear(prefix);
    this.publish(CLEAR_MARK + prefix);
    return ok;
  }

  /** Present only when the inner backend has it (Cache then uses the atomic path). */
  get incr(): ((key: string, delta: number) => Promise<number | bigint>) | undefined {
    const innerIncr = this.inner.incr;
    if (!innerIncr) return undefined;
    return async (key: string, delta: number) => {
      this.lru.delete(key);
      const result = await innerIncr.call(this.inner, key, delta);
      this.publish(key);
      return result;
    };
  }

  /** The inner backend's reachability check, when it has one. */
  async ping(): Promise<void> {
    await this.inner.ping?.();
  }

  /** Stops listening (the caller's clients stay open) and closes the inner backend. */
  async close(): Promise<void> {
    const inv = this.options.invalidation;
    if (inv) {
      inv.subscriber.off("message", this.onMessage);
      await inv.subscriber.unsubscribe(this.channel).catch(() => undefined);
    }
    this.lru.clear();
    await this.inner.close();
  }
}
