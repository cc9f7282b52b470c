/**
 * Does each configured `CACHE_KEY_PREFIX` match the keys in Redis? A prefix that is one separator
 * off (`superset_data_` configured, `superset_data…` stored, or the reverse) reads and writes
 * nothing Superset shares: every read misses, and nothing fails loudly. While the doctor scans,
 * each key is counted against each configured prefix and its near variants.
 */
import type { Finding, KnownPrefix, PrefixMatch, RedisFacts } from "./doctor-types.js";

/** Characters that end a prefix (`superset_`, `session:`, `app-`, `cache.`). */
const SEPARATORS = ["_", ":", "-", "."];

/** The prefixes one separator away from `prefix`: without its trailing separator, or with another one. */
export function nearPrefixes(prefix: string): string[] {
  const last = prefix.at(-1) ?? "";
  if (!SEPARATORS.includes(last)) return [];
  const stem = prefix.slice(0, -1);
  return [stem, ...SEPARATORS.filter((s) => s !== last).map((s) => stem + s)].filter((p) => p !== "");
}

interface Counter {
  known: KnownPrefix;
  keys: number;
  near: Map<string, number>;
  /** Separator after the prefix in every matching key so far (undefined once they differ or none follows). */
  next: string | undefined | null;
}

/** Counts keys per configured (named) prefix while the doctor scans. */
export class PrefixProbe {
  readonly #counters: Counter[];
  readonly #configured: Set<string>;

  /** @param prefixes the known prefixes; only those of named caches are probed */
  constructor(prefixes: readonly KnownPrefix[]) {
    const named = prefixes.filter((p) => p.cacheName !== undefined && p.prefix !== "");
    this.#configured = new Set(named.map((p) => p.prefix));
    this.#counters = named.map((known) => ({ known, keys: 0, near: new Map(), next: null }));
  }

  /** Count one scanned key of database `db`. */
  note(db: number, key: string): void {
    for (const c of this.#counters) {
      if (c.known.db !== undefined && c.known.db !== db) continue;
      const p = c.known.prefix;
      if (key.startsWith(p)) {
        c.keys++;
        const after = key.charAt(p.length);
        const sep = SEPARATORS.includes(after) ? after : undefined;
        c.next = c.next === null ? sep : c.next === sep ? sep : undefined;
        continue;
      }
      for (const near of nearPrefixes(p))
        if (key.startsWith(near)) c.near.set(near, (c.near.get(near) ?? 0) + 1);
    }
  }

  /** What was found per configured prefix. */
  get matches(): PrefixMatch[] {
    return this.#counters.map((c) => {
      let near: PrefixMatch["near"];
      if (c.keys === 0) {
        const best = [...c.near].filter(([p]) => !this.#configured.has(p)).sort((a, b) => b[1] - a[1])[0];
        if (best) near = { prefix: best[0], keys: best[1] };
      } else if (typeof c.next === "string" && !this.#configured.has(c.known.prefix + c.next)) {
        // Every key under the prefix continues with the same separator: that is the prefix in use.
        near = { prefix: c.known.prefix + c.next, keys: c.keys };
      }
      return {
        prefix: c.known.prefix,
        cacheName: c.known.cacheName ?? "",
        ...(c.known.db !== undefined ? { db: c.known.db } : {}),
        keys: c.keys,
        ...(near ? { near } : {}),
      };
    });
  }
}

/** `PREFIX_NEAR_MISS` warnings: a configured prefix that matches no keys while a near one does. */
export function checkPrefixMatches(facts: RedisFacts, f: Finding[]): void {
  for (const m of facts.prefixMatches ?? []) {
    if (!m.near) continue;
    const where = m.db !== undefined ? ` in db ${m.db}` : "";
    const seen =
      m.keys === 0
        ? `matches no keys${where}, while ${m.near.keys} keys start with "${m.near.prefix}"`
        : `matches ${m.keys} keys${where}, and every one continues with "${m.near.prefix.slice(m.prefix.length)}" (as if the prefix were "${m.near.prefix}")`;
    f.push({
      id: "PREFIX_NEAR_MISS",
      severity: "warning",
      title: `${m.cacheName}.CACHE_KEY_PREFIX "${m.prefix}" looks one separator off`,
      detail: `The prefix ${seen}: this side and the one that wrote those keys compute different keys, so every read misses.`,
      fix: `Set ${m.cacheName}.CACHE_KEY_PREFIX to the prefix Superset uses (probably "${m.near.prefix}"), the same on every process sharing this cache.`,
    });
  }
}
