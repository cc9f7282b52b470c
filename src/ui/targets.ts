/**
 * The named caches the inspector shows, read from a Superset config: each cache's backend, key
 * prefix and (for Redis) the server URL. Built with the same Superset defaults and init rules as
 * `CacheManager`, one cache at a time, so one unusable cache (a metastore without a database)
 * does not hide the others.
 */
import { DEFAULT_SESSION_KEY_PREFIX } from "../auth/server-session.js";
import { parseRedisUrl } from "../backends/redis/url.js";
import type { Cache } from "../cache/cache.js";
import { ASYNC_EVENTS_DEFAULTS } from "../celery/async-events.js";
import type { FlaskCacheConfig } from "../config/config-types.js";
import type { CacheManager } from "../manager/cache-manager.js";
import { createCache } from "../manager/create-cache.js";
import type { SupersetCacheConfig } from "../manager/superset-config.js";
import {
  applySupersetInitRules,
  SUPERSET_CACHE_DEFAULTS,
  SUPERSET_DEFAULT_TIMEOUT,
} from "../manager/superset-defaults.js";
import { redisTargetsOf } from "../ops/doctor.js";

/** One named cache as the inspector sees it. */
export interface UiCacheTarget {
  /** Config key, e.g. `DATA_CACHE_CONFIG`. */
  name: string;
  /** CACHE_TYPE as resolved, e.g. `RedisCache`; `unavailable` when the cache could not be built. */
  backend: string;
  prefix: string;
  /** Redis server (with credentials; never sent to the page) and database, for Redis caches. */
  redis?: { url: string; db: number };
  /** Why the cache could not be built (config error text). */
  problem?: string;
  /**
   * `cache` (a named cache, the default), or a Redis database the config names for something
   * else: Celery's broker and result backend (`CELERY_CONFIG`), Flask-Session's `SESSION_REDIS`.
   */
  role?: "cache" | "celery-broker" | "celery-results" | "sessions" | "async-events";
}

const NAMED = [
  "CACHE_CONFIG",
  "DATA_CACHE_CONFIG",
  "THUMBNAIL_CACHE_CONFIG",
  "FILTER_STATE_CACHE_CONFIG",
  "EXPLORE_FORM_DATA_CACHE_CONFIG",
] as const;

/** The Superset config keys of the named caches (RESULTS_BACKEND only when configured). */
export function uiTargets(config: SupersetCacheConfig, redisUrlOverride?: string): UiCacheTarget[] {
  const timeout = config.CACHE_DEFAULT_TIMEOUT ?? SUPERSET_DEFAULT_TIMEOUT;
  const dicts: [string, FlaskCacheConfig, Record<string, unknown>][] = NAMED.map((name) => [
    name,
    applySupersetInitRules(
      name,
      (config[name] ?? SUPERSET_CACHE_DEFAULTS[name]) as FlaskCacheConfig,
      timeout,
    ),
    {},
  ]);
  const results = config.RESULTS_BACKEND;
  if (results && typeof results === "object" && !("getRaw" in results))
    dicts.push(["RESULTS_BACKEND", results as FlaskCacheConfig, { keyPrefix: "" }]);
  const out: UiCacheTarget[] = [];
  for (const [name, dict, defaults] of dicts) {
    const withUrl =
      redisUrlOverride && /redis/i.test(String(dict.CACHE_TYPE ?? ""))
        ? { ...dict, CACHE_REDIS_URL: redisUrlOverride }
        : dict;
    let cache: Cache;
    try {
      cache = createCache(withUrl, {
        path: name,
        defaults,
        settings: { SQLALCHEMY_DATABASE_URI: config.SQLALCHEMY_DATABASE_URI },
      });
    } catch (err) {
      out.push({ name, backend: "unavailable", prefix: "", problem: (err as Error).message });
      continue;
    }
    const target: UiCacheTarget = {
      name,
      backend: String(cache.config?.CACHE_TYPE ?? withUrl.CACHE_TYPE ?? "?"),
      prefix: cache.keyPrefix,
    };
    // redisTargetsOf only reads namedCaches(): the URL rules stay in one place.
    const urls = redisTargetsOf({ namedCaches: () => ({ [name]: cache }) } as unknown as CacheManager);
    for (const [url, prefixes] of urls) target.redis = { url, db: prefixes[0]?.db ?? 0 };
    void cache.close();
    out.push(target);
  }
  return [...out, ...otherRedisTargets(config)];
}

/** A Redis URL of the config as a target, or a target saying why it is unusable. */
function urlTarget(
  name: string,
  url: string,
  prefix: string,
  role: NonNullable<UiCacheTarget["role"]>,
  backend: string,
): UiCacheTarget {
  try {
    const db = parseRedisUrl(url, name, 0).options.db ?? 0;
    return { name, backend, prefix, role, redis: { url, db } };
  } catch (err) {
    return { name, backend: "unavailable", prefix, role, problem: (err as Error).message };
  }
}

const isRedisUrl = (v: unknown): v is string => typeof v === "string" && /^(rediss?|unix):\/\//i.test(v);

/**
 * Celery's broker and result backend (`CELERY_CONFIG` `broker_url`/`result_backend`, old
 * upper-case names too), the async-query event streams (`GLOBAL_ASYNC_QUERIES_CACHE_BACKEND`'s
 * `CACHE_REDIS_URL`, streams under `GLOBAL_ASYNC_QUERIES_REDIS_STREAM_PREFIX`) and Flask-Session's
 * `SESSION_REDIS`, each when given as a Redis URL.
 */
function otherRedisTargets(config: SupersetCacheConfig): UiCacheTarget[] {
  const c = config as Record<string, unknown>;
  const celery = (c.CELERY_CONFIG && typeof c.CELERY_CONFIG === "object" ? c.CELERY_CONFIG : {}) as Record<
    string,
    unknown
  >;
  const out: UiCacheTarget[] = [];
  const broker = celery.broker_url ?? celery.BROKER_URL;
  const transport = (celery.broker_transport_options ?? {}) as Record<string, unknown>;
  const brokerPrefix = typeof transport.global_keyprefix === "string" ? transport.global_keyprefix : "";
  if (isRedisUrl(broker))
    out.push(urlTarget("CELERY_BROKER", broker, brokerPrefix, "celery-broker", "Celery broker (kombu)"));
  const results = celery.result_backend ?? celery.CELERY_RESULT_BACKEND;
  if (isRedisUrl(results))
    out.push(urlTarget("CELERY_RESULT_BACKEND", results, "", "celery-results", "Celery results"));
  const gaq = c.GLOBAL_ASYNC_QUERIES_CACHE_BACKEND as Record<string, unknown> | undefined;
  if (gaq && typeof gaq === "object" && isRedisUrl(gaq.CACHE_REDIS_URL)) {
    const prefix = c.GLOBAL_ASYNC_QUERIES_REDIS_STREAM_PREFIX;
    const streams = typeof prefix === "string" ? prefix : ASYNC_EVENTS_DEFAULTS.streamPrefix;
    out.push(
      urlTarget("GLOBAL_ASYNC_QUERIES", gaq.CACHE_REDIS_URL, streams, "async-events", "async-query events"),
    );
  }
  if (isRedisUrl(c.SESSION_REDIS)) {
    const prefix =
      typeof c.SESSION_KEY_PREFIX === "string" ? c.SESSION_KEY_PREFIX : DEFAULT_SESSION_KEY_PREFIX;
    out.push(urlTarget("SESSION_REDIS", c.SESSION_REDIS, prefix, "sessions", "Flask-Session"));
  }
  return out;
}

/** `redis://host:port/db` without user or password, for display. */
export function displayUrl(url: string, db: number): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/${db}`;
  } catch {
    return "(unparsable URL)";
  }
}
