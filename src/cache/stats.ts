/**
 * Per-cache statistics: hits, misses, sets, deletes, errors by code, bytes read and written,
 * and latency percentiles per operation. Every update is O(1) (counters and a fixed-size
 * histogram); `snapshot()` does the percentile work. Durations come from an injectable clock.
 */
import type { Clock } from "../core/clock.js";
import { LatencyHistogram, type LatencySummary } from "./latency-histogram.js";

/** Monotonic, sub-millisecond clock used for latency by default (MILLISECONDS). */
export const monotonicClock: Clock = { now: () => performance.now() };

export interface CacheStatsOptions {
  /** Clock for latency, in MILLISECONDS (fractions allowed). Default {@link monotonicClock}. */
  clock?: Clock;
  /**
   * Time one call in this many (per cache) for the latency histograms; counters are always exact.
   * Reading a clock costs more than the rest of the bookkeeping, so the default samples. Calls with a `superset-cache:operation` subscriber are always timed.
   * Default {@link DEFAULT_TIME_EVERY}; 1 = time every call.
   */
  timeEvery?: number;
}

/** Default latency sampling: one call in 8 is timed. */
export const DEFAULT_TIME_EVERY = 8;
/** `start()` result for a call that is not timed. */
const NOT_TIMED = Number.NaN;

/** Point-in-time copy of one cache's statistics. */
export interface CacheStatsSnapshot {
  cache: string;
  /** Keys found (get, getRaw, each key of getMany; an undecodable entry is a miss). */
  hits: number;
  /** Keys not found or unreadable. */
  misses: number;
  /** hits / (hits + misses); 0 before any read. */
  hitRatio: number;
  /** Entries stored (set, add that stored, setRaw, each stored entry of setMany). */
  sets: number;
  /** Keys the backend reported deleted. */
  deletes: number;
  /** Failed operations by stable error code (fail-open and throw alike). */
  errors: Record<string, number>;
  /** Value bytes returned by the backend. */
  bytesRead: number;
  /** Value bytes handed to the backend. */
  bytesWritten: number;
  /** Latency per operation name, in MILLISECONDS, over the timed (sampled) calls; `count` = calls timed. */
  latency: Record<string, LatencySummary>;
  /** Clock time (MILLISECONDS) of the last reset or creation, from the stats clock. */
  sinceMs: number;
}

export class CacheStats {
  readonly clock: Clock;
  private readonly timeEvery: number;
  private untimed = 0;
  private hits = 0;
  private misses = 0;
  private sets = 0;
  private deletes = 0;
  private bytesIn = 0;
  private bytesOut = 0;
  private errorCounts = new Map<string, number>();
  private readonly latency = new Map<string, LatencyHistogram>();
  private since: number;

  constructor(
    readonly cache: string,
    options: CacheStatsOptions = {},
  ) {
    this.clock = options.clock ?? monotonicClock;
    this.timeEvery = Math.max(1, Math.floor(options.timeEvery ?? DEFAULT_TIME_EVERY));
    this.since = this.clock.now();
  }

  /**
   * Clock reading in MILLISECONDS to pass back to `succeeded`/`failed`, or NaN when this call is
   * not sampled for latency. `force` times it regardless (an event subscriber wants the duration).
   */
  start(force = false): number {
    if (!force && ++this.untimed < this.timeEvery) return NOT_TIMED;
    this.untimed = 0;
    return this.clock.now();
  }

  /** Duration since `startedMs` (recorded in the histogram), or 0 for an untimed call. */
  private elapsed(operation: string, startedMs: number): number {
    if (Number.isNaN(startedMs)) return 0;
    const duration = this.clock.now() - startedMs;
    this.histogram(operation).record(duration);
    return duration;
  }

  /** Record a completed operation and classify its result. @returns the duration in MILLISECONDS (0 when untimed) */
  succeeded(operation: string, startedMs: number, result: unknown): number {
    const duration = Number.isNaN(startedMs) ? 0 : this.elapsed(operation, startedMs);
    // A switch on the operation name: cheaper than Set lookups on the hot path.
    switch (operation) {
      case "get":
      case "getRaw":
        if (result === undefined) this.misses++;
        else this.hits++;
        break;
      case "set":
      case "add":
      case "setRaw":
        if (result === true) this.sets++;
        break;
      case "delete":
        if (result === true) this.deletes++;
        break;
      case "getMany":
        if (Array.isArray(result))
          for (const v of result) {
            if (v === undefined) this.misses++;
            else this.hits++;
          }
        break;
      case "setMany":
      case "deleteMany":
        if (Array.isArray(result)) {
          let n = 0;
          for (const ok of result) if (ok === true) n++;
          if (operation === "setMany") this.sets += n;
          else this.deletes += n;
        }
        break;
    }
    return duration;
  }

  /** Record a failed operation under its error code. @returns the duration in MILLISECONDS (0 when untimed) */
  failed(operation: string, startedMs: number, code: string, keys = 1): number {
    const duration = this.elapsed(operation, startedMs);
    this.errorCounts.set(code, (this.errorCounts.get(code) ?? 0) + 1);
    // A read that failed is a miss for the caller, as fail-open returns one.
    if (operation === "get" || operation === "getRaw") this.misses++;
    else if (operation === "getMany") this.misses += keys;
    return duration;
  }

  /** Count a stored value that could not be decoded (read as a miss under fail-open). */
  undecodable(code: string): void {
    this.errorCounts.set(code, (this.errorCounts.get(code) ?? 0) + 1);
  }

  /** Count value bytes returned by the backend. */
  read(bytes: number): void {
    this.bytesIn += bytes;
  }

  /** Count value bytes handed to the backend. */
  written(bytes: number): void {
    this.bytesOut += bytes;
  }

  private histogram(operation: string): LatencyHistogram {
    let h = this.latency.get(operation);
    if (!h) {
      h = new LatencyHistogram();
      this.latency.set(operation, h);
    }
    return h;
  }

  snapshot(): CacheStatsSnapshot {
    const reads = this.hits + this.misses;
    const latency: Record<string, LatencySummary> = {};
    for (const [op, h] of this.latency) latency[op] = h.summary();
    return {
      cache: this.cache,
      hits: this.hits,
      misses: this.misses,
      hitRatio: reads === 0 ? 0 : this.hits / reads,
      sets: this.sets,
      deletes: this.deletes,
      errors: Object.fromEntries(this.errorCounts),
      bytesRead: this.bytesIn,
      bytesWritten: this.bytesOut,
      latency,
      sinceMs: this.since,
    };
  }

  /** Zero every counter and histogram. */
  reset(): void {
    this.hits = 0;
    this.misses = 0;
    this.sets = 0;
    this.deletes = 0;
    this.bytesIn = 0;
    this.bytesOut = 0;
    this.errorCounts = new Map();
    for (const h of this.latency.values()) h.reset();
    this.since = this.clock.now();
  }
}
