/** CLI commands that read or write Redis: inspect, keys, get, set, delete, stats. */
import { parseInfo } from "../backends/redis/info.js";
import { parseRedisUrl } from "../backends/redis/url.js";
import type { Cache } from "../cache/cache.js";
import type { FlaskCacheConfig } from "../config/config-types.js";
import { createCache } from "../manager/create-cache.js";
import type { SupersetCacheConfig } from "../manager/superset-config.js";
import { type DecodedEntry, decodeEntry } from "../ops/decode-entry.js";
import { BUILTIN_PREFIXES, classify } from "../ops/doctor-collect.js";
import type { KnownPrefix } from "../ops/doctor-types.js";
import type { PyValue } from "../python/values.js";
import { type CliSettings, redisTargetOf, requireUrl } from "./cli-config.js";
import { DEFAULT_JSON_LIMITS, DEFAULT_TEXT_LIMITS, toDisplay } from "./display-value.js";
import { CliError, EXIT } from "./exit-codes.js";
import { toCliError, withRedis } from "./redis-connection.js";
import { escapeControl, renderText, textTable } from "./render.js";

/** What a command prints: the JSON form (for --json) and the text form (either may be a lazy getter). */
export interface CommandOutput {
  json: unknown;
  text: string;
  exitCode?: number;
}

const SCAN_COUNT = 1000;
const PROGRESS_EVERY_KEYS = 10_000;
const PROGRESS_BAR_WIDTH = 30;
/** Flask-Caching's prefix when a cache dict sets none. */
const FLASK_CACHING_DEFAULT_PREFIX = "flask_cache_";
/** Decimal places of ratios in `stats`. */
const RATIO_DECIMALS = 4;

/** `[#######.......]  45%  45000/100000 keys` (DBSIZE is the total; SCAN may return a key twice). */
function progressBar(scanned: number, total: number): string {
  const share = total > 0 ? Math.min(1, scanned / total) : 1;
  const filled = Math.round(share * PROGRESS_BAR_WIDTH);
  return `[${"#".repeat(filled)}${".".repeat(PROGRESS_BAR_WIDTH - filled)}] ${String(Math.round(share * 100)).padStart(3)}%  ${scanned}/${total} keys`;
}

function decodeOrFail(key: string, stored: Buffer | null): DecodedEntry {
  if (stored === null) throw new CliError(EXIT.NOT_FOUND, `no such key: ${key}`);
  try {
    return decodeEntry(stored);
  } catch (err) {
    throw new CliError(EXIT.DECODE, `cannot decode ${key}: ${(err as Error).message}`, { cause: err });
  }
}

/** Render lazily (only the form printed), bounded, and with render failures as decode failures (exit 4). */
function rendered<T>(key: string, render: () => T): T {
  try {
    return render();
  } catch (err) {
    throw new CliError(EXIT.DECODE, `cannot render ${key}: ${(err as Error).message}`, { cause: err });
  }
}

function entryOutput(key: string, entry: DecodedEntry, ttl: number | undefined): CommandOutput {
  return {
    get json() {
      return rendered(key, () => ({
        key,
        format: entry.format,
        kind: entry.kind,
        bytes: entry.bytes,
        ...(ttl !== undefined ? { ttlSeconds: ttl } : {}),
        ...(entry.image ? { image: entry.image } : {}),
        value: toDisplay(entry.value, DEFAULT_JSON_LIMITS),
      }));
    },
    get text() {
      return rendered(key, () => {
        const head = `${escapeControl(key)}  ${entry.kind} (${entry.format}, ${entry.bytes} bytes${ttl !== undefined ? `, ttl ${ttl} s` : ""})`;
        const body = entry.image
          ? `image ${entry.image.type}${entry.image.width ? ` ${entry.image.width}×${entry.image.height}` : ""}`
          : renderText(toDisplay(entry.value, DEFAULT_TEXT_LIMITS), entry.kind);
        return `${head}\n${body}`;
      });
    },
  };
}

/** `inspect KEY`: decode the entry stored under the exact Redis key. */
export async function inspectCommand(s: CliSettings, key: string): Promise<CommandOutput> {
  return withRedis(redisTargetOf(s), s.commandTimeoutSeconds, "inspect", async (r) => {
    const [stored, ttl] = await Promise.all([r.getBuffer(key), r.ttl(key)]);
    return entryOutput(key, decodeOrFail(key, stored), ttl >= 0 ? ttl : undefined);
  });
}

/**
 * Prefixes of the config file's named caches (`CACHE_KEY_PREFIX`, or Flask-Caching's default
 * `flask_cache_` for a Redis cache that sets none) and `--prefix`, labelled by cache name; the
 * built-in Superset/Celery/session prefixes label the rest.
 */
export function prefixesOf(s: CliSettings): KnownPrefix[] {
  const out: KnownPrefix[] = [];
  for (const [name, dict] of Object.entries(s.supersetConfig ?? {})) {
    const d = dict as FlaskCacheConfig | null;
    if (!d || typeof d !== "object" || Array.isArray(d)) continue;
    const prefix =
      typeof d.CACHE_KEY_PREFIX === "string"
        ? d.CACHE_KEY_PREFIX
        : /redis/i.test(String(d.CACHE_TYPE ?? ""))
          ? FLASK_CACHING_DEFAULT_PREFIX
          : "";
    if (prefix !== "")
      out.push({ prefix, role: name === "RESULTS_BACKEND" ? "results" : "cache", cacheName: name });
  }
  if (s.prefix && !out.some((p) => p.prefix === s.prefix))
    out.push({ prefix: s.prefix, role: "cache", cacheName: s.cacheName });
  return [...out, ...BUILTIN_PREFIXES];
}

/** `keys`: SCAN the database, count keys and MEMORY USAGE bytes per known prefix. */
export async function keysCommand(
  s: CliSettings,
  match: string | undefined,
  progress: boolean,
): Promise<CommandOutput> {
  const prefixes = prefixesOf(s);
  return withRedis(redisTargetOf(s), s.commandTimeoutSeconds, "keys", async (r, db) => {
    const groups = new Map<string, { name: string; prefix: string; keys: number; bytes: number }>();
    const total = progress ? await r.dbsize() : 0;
    let cursor = "0";
    let scanned = 0;
    do {
      const [next, keys] = await r.scanBuffer(cursor, "MATCH", match ?? "*", "COUNT", SCAN_COUNT);
      cursor = next.toString();
      const sizes = await Promise.all(
        keys.map((k) => r.call("MEMORY", "USAGE", k, "SAMPLES", "0").catch(() => 0) as Promise<number>),
      );
      keys.forEach((raw, i) => {
        const p = classify(raw.toString("latin1"), db, prefixes);
        const id = p?.prefix ?? "";
        const g = groups.get(id) ?? {
          name: p?.cacheName ?? p?.role ?? "other",
          prefix: id,
          keys: 0,
          bytes: 0,
        };
        g.keys++;
        g.bytes += Number(sizes[i] ?? 0);
        groups.set(id, g);
      });
      const before = scanned;
      scanned += keys.length;
      if (progress && Math.floor(scanned / PROGRESS_EVERY_KEYS) > Math.floor(before / PROGRESS_EVERY_KEYS))
        process.stderr.write(`\r${progressBar(scanned, total)}`);
    } while (cursor !== "0");
    if (progress && scanned >= PROGRESS_EVERY_KEYS) process.stderr.write("\n");
    const list = [...groups.values()].sort((a, b) => b.bytes - a.bytes);
    const text = textTable(
      ["cache", "prefix", "keys", "bytes"],
      list.map((g) => [g.name, g.prefix === "" ? "(none)" : g.prefix, String(g.keys), String(g.bytes)]),
    );
    return { json: { db, scanned, groups: list }, text: `${text}\n${scanned} keys in db ${db}` };
  });
}

/**
 * A Cache over the configured Redis with the named cache's settings (prefix, timeout), and the
 * command timeout as its socket timeouts unless the config sets its own.
 */
function cacheFor(s: CliSettings): { cache: Cache; secrets: string[] } {
  const named = (s.supersetConfig?.[s.cacheName as keyof SupersetCacheConfig] ?? {}) as FlaskCacheConfig;
  const url = requireUrl(s);
  const options = (named.CACHE_OPTIONS ?? {}) as Record<string, unknown>;
  const dict: FlaskCacheConfig = {
    ...named,
    CACHE_TYPE: "RedisCache",
    CACHE_REDIS_URL: url,
    CACHE_OPTIONS: {
      socket_timeout: s.commandTimeoutSeconds,
      socket_connect_timeout: s.commandTimeoutSeconds,
      ...options,
    },
    ...(s.prefix !== undefined ? { CACHE_KEY_PREFIX: s.prefix } : {}),
  };
  const secrets = [
    parseRedisUrl(url, s.urlSource, 0).secrets,
    typeof named.CACHE_REDIS_PASSWORD === "string" ? [named.CACHE_REDIS_PASSWORD] : [],
  ].flat();
  try {
    return { cache: createCache(dict, { path: s.cacheName, onBackendError: "throw" }), secrets };
  } catch (err) {
    throw toCliError(err, secrets);
  }
}

async function usingCache<T>(s: CliSettings, run: (c: Cache) => Promise<T>): Promise<T> {
  const { cache, secrets } = cacheFor(s);
  try {
    return await run(cache);
  } catch (err) {
    throw toCliError(err, secrets, s.commandTimeoutSeconds);
  } finally {
    await cache.close();
  }
}

/** `get KEY`: the entry under the named cache's prefix + KEY. */
export async function getCommand(s: CliSettings, key: string): Promise<CommandOutput> {
  return usingCache(s, async (c) => {
    const raw = await c.getRaw(key);
    const stored = raw === undefined ? null : Buffer.from(raw);
    return entryOutput(c.storageKey(key), decodeOrFail(c.storageKey(key), stored), undefined);
  });
}

/** `set KEY JSON [--timeout S]`: store a JSON value through the named cache (pickled as Flask-Caching does). */
export async function setCommand(
  s: CliSettings,
  key: string,
  json: string,
  timeout: number | undefined,
): Promise<CommandOutput> {
  let value: PyValue;
  try {
    value = JSON.parse(json) as PyValue;
  } catch (err) {
    throw new CliError(EXIT.USAGE, `VALUE must be JSON: ${(err as Error).message}`);
  }
  return usingCache(s, async (c) => {
    const ok = await c.set(key, value, timeout);
    return {
      json: { key: c.storageKey(key), stored: ok },
      text: ok ? `stored ${c.storageKey(key)}` : "not stored",
      exitCode: ok ? EXIT.OK : EXIT.BACKEND,
    };
  });
}

/** `delete KEY`. */
export async function deleteCommand(s: CliSettings, key: string): Promise<CommandOutput> {
  return usingCache(s, async (c) => {
    const ok = await c.delete(key);
    return {
      json: { key: c.storageKey(key), deleted: ok },
      text: ok ? `deleted ${c.storageKey(key)}` : `no such key: ${c.storageKey(key)}`,
      exitCode: ok ? EXIT.OK : EXIT.NOT_FOUND,
    };
  });
}

/** `stats`: the server's cache numbers from INFO (hits, misses, ratio, memory, evictions, clients). */
export async function statsCommand(s: CliSettings): Promise<CommandOutput> {
  return withRedis(redisTargetOf(s), s.commandTimeoutSeconds, "stats", async (r) => {
    const info = parseInfo(await r.info());
    const n = (k: string) => Number(info[k] ?? 0);
    const hits = n("keyspace_hits");
    const misses = n("keyspace_misses");
    const json = {
      keyspaceHits: hits,
      keyspaceMisses: misses,
      hitRatio: hits + misses === 0 ? null : Number((hits / (hits + misses)).toFixed(RATIO_DECIMALS)),
      usedMemoryBytes: n("used_memory"),
      maxMemoryBytes: n("maxmemory"),
      maxMemoryPolicy: info.maxmemory_policy ?? null,
      evictedKeys: n("evicted_keys"),
      expiredKeys: n("expired_keys"),
      connectedClients: n("connected_clients"),
    };
    const percent = json.hitRatio === null ? "n/a" : `${(json.hitRatio * 100).toFixed(1)}%`;
    const text = textTable(
      ["metric", "value"],
      Object.entries(json).map(([k, v]) => [k, k === "hitRatio" ? percent : String(v)]),
    );
    return { json, text };
  });
}
