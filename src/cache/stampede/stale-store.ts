/**
 * The in-process copy of last good values that `getOrSet` serves during a grace period: bounded
 * by entry count (lru-cache), each entry with its own "stale until" instant in MILLISECONDS.
 * It is what keeps answers flowing when the backend itself is down.
 */
import { LRUCache } from "lru-cache";
import type { PyValue } from "../../python/values.js";

/** Default most keys kept per cache. */
export const DEFAULT_STALE_ENTRIES = 10_000;

interface StaleEntry {
  value: PyValue;
  /** Epoch MILLISECONDS after which the copy must not be served. */
  until: number;
}

/** Boxed so `null` (Python None) is a storable value. */
export class StaleStore {
  private readonly entries: LRUCache<string, StaleEntry>;

  constructor(maxEntries = DEFAULT_STALE_ENTRIES) {
    this.entries = new LRUCache<string, StaleEntry>({ max: maxEntries });
  }

  /** Keep `value` servable until `untilMs` (epoch MILLISECONDS; Infinity = no end). */
  remember(key: string, value: PyValue, untilMs: number): void {
    this.entries.set(key, { value, until: untilMs });
  }

  /** The copy of `key` if still inside its window, else `undefined`. */
  recall(key: string, nowMs: number): { value: PyValue } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until < nowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return { value: entry.value };
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
