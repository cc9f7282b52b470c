/**
 * SimpleCache: cachelib 0.9.0's process-local cache, exactly (cachelib/simple.py).
 * Entries are `(expires, bytes)`; `expires` is 0 (never), `floor(now) + timeout` for a positive
 * timeout, or the negative timeout itself (never readable). Pruning on every `set`/`add` when over
 * the threshold: first every entry with `expires < now` (which includes every never-expiring entry,
 * since 0 < now, as cachelib does), then by ascending `expires` until at the threshold.
 * Bytes are copied both ways: `set`/`add` store a copy of the caller's bytes and every read returns
 * a fresh copy, so neither a caller writing into the bytes it passed nor one writing into a value
 * decoded from a read (decoded `bytes` are views of the bytes read) changes the cache for others.
 */
import type { ResolvedCacheConfig } from "../config/config-types.js";
import { type Clock, systemClock } from "../core/clock.js";
import { CacheConfigError } from "../core/errors.js";
import type { BackendEntry, CacheBackend } from "./backend.js";
import type { BackendContext, BackendModule } from "./backend-module.js";

/** cachelib's default threshold; a threshold of 0 also means this. */
export const DEFAULT_SIMPLE_THRESHOLD = 500;

export interface SimpleBackendOptions {
  /** Maximum entries before pruning; 0 or undefined = 500 (cachelib's `threshold or 500`). */
  threshold?: number;
  /** Time source (milliseconds); default the system clock. */
  clock?: Clock;
}

/** @throws CacheConfigError `CONFIG_INVALID_VALUE` at `path` for a negative or non-integer threshold. */
function checkThreshold(threshold: number, path: string): void {
  if (!Number.isInteger(threshold) || threshold < 0) {
    throw new CacheConfigError("CONFIG_INVALID_VALUE", path, `must be an integer >= 0, got ${threshold}`);
  }
}

interface SimpleEntry {
  /** Absolute Unix SECONDS, 0 = never, negative = never readable. */
  expires: number;
  value: Uint8Array;
}

/** In-memory backend with cachelib SimpleCache semantics. */
export class SimpleBackend implements CacheBackend {
  readonly kind = "simple";
  readonly threshold: number;
  private readonly clock: Clock;
  private readonly entries = new Map<string, SimpleEntry>();

  /** @throws CacheConfigError `CONFIG_INVALID_VALUE` for a negative or non-integer threshold. */
  constructor(options: SimpleBackendOptions = {}) {
    const t = options.threshold ?? 0;
    checkThreshold(t, "CACHE_THRESHOLD");
    this.threshold = t || DEFAULT_SIMPLE_THRESHOLD;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Registry adapter: `CACHE_THRESHOLD` (0 → 500) and the context's clock.
   * @throws CacheConfigError `CONFIG_INVALID_VALUE` at `<path>.CACHE_THRESHOLD`
   */
  static fromFlaskConfig(config: ResolvedCacheConfig, context: BackendContext): SimpleBackend {
    checkThreshold(config.CACHE_THRESHOLD, `${context.path}.CACHE_THRESHOLD`);
    return new SimpleBackend({ threshold: config.CACHE_THRESHOLD, clock: context.clock });
  }

  /** Number of stored entries, expired ones included (as `len(cache._cache)`). */
  get size(): number {
    return this.entries.size;
  }

  private nowSeconds(): number {
    return this.clock.now() / 1000;
  }

  private expiresFor(timeout: number): number {
    return timeout > 0 ? Math.floor(this.nowSeconds()) + timeout : timeout;
  }

  private isLive(e: SimpleEntry): boolean {
    return e.expires === 0 || e.expires > this.nowSeconds();
  }

  private prune(): void {
    if (this.entries.size > this.threshold) {
      const now = this.nowSeconds();
      for (const [k, e] of this.entries) if (e.expires < now) this.entries.delete(k);
    }
    if (this.entries.size > this.threshold) {
      // Stable sort on expires keeps insertion order among ties, as Python's sorted() does.
      const ordered = [...this.entries].sort((a, b) => a[1].expires - b[1].expires);
      for (const [k] of ordered) {
        this.entries.delete(k);
        if (this.entries.size <= this.threshold) break;
      }
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.peek(key);
  }

  /** Synchronous `get`: a copy of the live bytes under `key` (the caller's to change), or `undefined`. */
  peek(key: string): Uint8Array | undefined {
    const e = this.entries.get(key);
    // new Uint8Array(view) copies; Buffer#slice would not.
    return e && this.isLive(e) ? new Uint8Array(e.value) : undefined;
  }

  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    return keys.map((k) => this.peek(k));
  }

  async set(key: string, value: Uint8Array, timeout: number): Promise<boolean> {
    this.setSync(key, value, timeout);
    return true;
  }

  private setSync(key: string, value: Uint8Array, timeout: number): void {
    const expires = this.expiresFor(timeout);
    this.prune();
    // Python dict assignment keeps an existing key's position; Map.set does the same.
    this.entries.set(key, { expires, value: new Uint8Array(value) });
  }

  async setMany(entries: readonly BackendEntry[]): Promise<boolean[]> {
    return entries.map((e) => {
      this.setSync(e.key, e.value, e.timeout);
      return true;
    });
  }

  async add(key: string, value: Uint8Array, timeout: number): Promise<boolean> {
    const expires = this.expiresFor(timeout);
    this.prune();
    // cachelib 0.9.0 refuses any present key, even an expired one (fixed in 0.14).
    if (this.entries.has(key)) return false;
    this.entries.set(key, { expires, value: new Uint8Array(value) });
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return this.entries.delete(key);
  }

  async deleteMany(keys: readonly string[]): Promise<boolean[]> {
    return keys.map((k) => this.entries.delete(k));
  }

  async has(key: string): Promise<boolean> {
    const e = this.entries.get(key);
    return e !== undefined && this.isLive(e);
  }

  /** Entries whose key starts with `prefix` (all of them for `""`, as cachelib's clear). */
  async clear(prefix: string): Promise<boolean> {
    if (prefix === "") this.entries.clear();
    else for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
    return true;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}

/** The simple family's registry module (`BACKENDS.simple`); it takes no `backendOptions`. */
export const backendModule: BackendModule = {
  createBackend: (config, context) => SimpleBackend.fromFlaskConfig(config, context),
};
