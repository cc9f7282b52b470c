/**
 * `doctor(redisUrl | manager)`: read-only health check of the Redis behind Superset's caches.
 * Reads INFO, CONFIG GET (when permitted), COMMAND INFO and a bounded key sample, and reports
 * findings with a severity and the fix. Never writes, never changes config. For a manager, the
 * report of the Redis holding CACHE_CONFIG also carries the Superset config lint.
 */
import { RedisBackendError, toRedisError } from "../backends/redis/errors.js";
import { parseRedisUrl } from "../backends/redis/url.js";
import { redactUrl } from "../core/redact.js";
import type { CacheManager } from "../manager/cache-manager.js";
import { diagnose } from "./doctor-checks.js";
import { collectRedisFacts } from "./doctor-collect.js";
import { lintSupersetConfig } from "./doctor-superset-checks.js";
import type { DoctorOptions, DoctorReport, Finding, KnownPrefix, RedisRole } from "./doctor-types.js";

function roleOf(cacheName: string): RedisRole {
  return cacheName === "RESULTS_BACKEND" ? "results" : "cache";
}

/** Redis URLs and key prefixes of a manager's Redis-backed caches. */
export function redisTargetsOf(manager: CacheManager): Map<string, KnownPrefix[]> {
  const out = new Map<string, KnownPrefix[]>();
  for (const [name, cache] of Object.entries(manager.namedCaches())) {
    const c = cache.config as Record<string, unknown> | undefined;
    if (!c || !/redis/i.test(String(c.CACHE_TYPE ?? ""))) continue;
    let url = typeof c.CACHE_REDIS_URL === "string" ? c.CACHE_REDIS_URL : undefined;
    const db = typeof c.CACHE_REDIS_DB === "number" ? c.CACHE_REDIS_DB : undefined;
    if (!url && typeof c.CACHE_REDIS_HOST === "string") {
      const auth =
        typeof c.CACHE_REDIS_PASSWORD === "string" ? `:${encodeURIComponent(c.CACHE_REDIS_PASSWORD)}@` : "";
      url = `redis://${auth}${c.CACHE_REDIS_HOST}:${c.CACHE_REDIS_PORT ?? 6379}/${db ?? 0}`;
    }
    if (!url) continue; // Sentinel/Cluster: pass their node URLs to doctor() directly
    const base = new URL(url);
    const dbFromUrl = Number(base.pathname.replace("/", "") || db || 0);
    base.pathname = "";
    const list = out.get(base.toString()) ?? [];
    list.push({ prefix: cache.keyPrefix, role: roleOf(name), cacheName: name, db: dbFromUrl });
    out.set(base.toString(), list);
  }
  return out;
}

/**
 * Diagnose one Redis URL, or every Redis a manager's caches use (one report per server).
 * @throws CacheConfigError `CONFIG_INVALID_URL` for a URL that does not parse; RedisBackendError
 *   (`REDIS_CONNECTION`, `REDIS_AUTH_FAILED`, …) when a server cannot be reached or refuses INFO.
 *   Messages carry the URL with its password masked (`redactUrl`), never the password.
 */
export async function doctor(target: string, options?: DoctorOptions): Promise<DoctorReport>;
export async function doctor(target: CacheManager, options?: DoctorOptions): Promise<DoctorReport[]>;
export async function doctor(
  target: string | CacheManager,
  options: DoctorOptions = {},
): Promise<DoctorReport | DoctorReport[]> {
  if (typeof target === "string") return doctorUrl(target, options);
  const reports: DoctorReport[] = [];
  // The config lint reports with the Redis that holds CACHE_CONFIG.
  const lint = lintSupersetConfig(
    Object.fromEntries(Object.entries(target.namedCaches()).map(([name, c]) => [name, c.config ?? {}])),
  );
  for (const [url, prefixes] of redisTargetsOf(target)) {
    const extra = prefixes.some((p) => p.cacheName === "CACHE_CONFIG") ? lint : [];
    reports.push(
      await doctorUrl(url, { ...options, prefixes: [...prefixes, ...(options.prefixes ?? [])] }, extra),
    );
  }
  return reports;
}

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

async function doctorUrl(url: string, options: DoctorOptions, extra: Finding[] = []): Promise<DoctorReport> {
  // Typed error without echoing the URL (it may hold a password); the secrets scrub failures below.
  const { secrets } = parseRedisUrl(url, "url", 0);
  let facts: Awaited<ReturnType<typeof collectRedisFacts>>;
  try {
    facts = await collectRedisFacts(url, options);
  } catch (err) {
    const e = toRedisError(err, "doctor", secrets);
    throw new RedisBackendError(e.code, `${redactUrl(url)}: ${e.message}`, e.transient);
  }
  const findings = [...diagnose(facts, options), ...extra].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
  const worst = findings.find((x) => x.severity !== "info")?.severity;
  return {
    url: redactUrl(url),
    version: facts.info.redis_version,
    configReadable: facts.config !== undefined,
    findings,
    groups: facts.groups,
    status: worst ?? "ok",
  };
}
