/**
 * The doctor's rules for Superset's own keys and configuration: Celery results piling up,
 * keys that never expire (memoize versions, metadata lists, qc-/ejr- entries), async-query
 * event streams, one Redis for cache + Celery broker + sessions, and a config lint for a
 * data cache left as NullCache beside a Redis CACHE_CONFIG. Pure functions of collected facts.
 */
import {
  DOCTOR_DEFAULTS,
  type DoctorOptions,
  type Finding,
  type RedisFacts,
  type RedisRole,
} from "./doctor-types.js";

/** Families a Superset deployment writes with its default timeout: no TTL means they stay. */
const FAMILY_WRITER: Record<string, string> = {
  "memoize version": "Flask-Caching memoize (`<function>_memver`, written with the memoize timeout)",
  "metadata list": "Superset's memoized_func database lists (`db:<id>:…_list`, CACHE_DEFAULT_TIMEOUT)",
  "qc-": "async chart-data query contexts (`qc-…`, CACHE_CONFIG default timeout)",
  "ejr-": "async explore_json requests (`ejr-…`, CACHE_CONFIG default timeout)",
};

/** Rules over the Superset key facts, appended to `f`. */
export function checkSupersetKeys(
  facts: RedisFacts,
  roles: ReadonlyMap<RedisRole, ReadonlySet<number>>,
  options: DoctorOptions,
  f: Finding[],
): void {
  const families = facts.keyFamilies ?? [];
  const results = families.filter((k) => k.family === "celery result");
  const resultKeys = results.reduce((n, k) => n + k.keys, 0);
  const resultsForever = results.reduce((n, k) => n + k.withoutTtl, 0);
  const maxResults = options.maxCeleryResults ?? DOCTOR_DEFAULTS.maxCeleryResults;
  if (resultKeys > maxResults || resultsForever > 0) {
    f.push({
      id: "CELERY_RESULTS_PILING_UP",
      severity: "warning",
      title: "Celery task results are piling up",
      detail: `${resultKeys} celery-task-meta-* keys${resultsForever > 0 ? `, ${resultsForever} of those sampled never expire (result_expires is None or 0)` : ""}; every task Superset runs (reports, thumbnails, warm-up, async queries) leaves one.`,
      fix: "Set CELERY_CONFIG result_expires (Celery's default is one day) and ignore results of tasks nobody reads (task_ignore_result for thumbnails and warm-up); delete old keys with SCAN celery-task-meta-* + UNLINK.",
    });
  }
  const forever = families.filter((k) => k.family !== "celery result" && k.withoutTtl > 0);
  if (forever.length > 0) {
    f.push({
      id: "KEYS_WITHOUT_TTL",
      severity: "warning",
      title: "Superset cache keys stored without expiry",
      detail: forever
        .map(
          (k) =>
            `db ${k.db}: ${k.withoutTtl} of ${k.sampled} sampled ${FAMILY_WRITER[k.family]} (e.g. ${k.example})`,
        )
        .join("; "),
      fix: "These are written with the cache's CACHE_DEFAULT_TIMEOUT: set it above 0 in CACHE_CONFIG, and keep maxmemory-policy allkeys-lru so stale entries can be evicted.",
    });
  }
  checkAsyncEventStreams(facts, options, f);
  const cacheLike = roles.has("cache") || roles.has("results");
  if (cacheLike && roles.has("broker") && roles.has("sessions")) {
    f.push({
      id: "CACHE_BROKER_SESSIONS_ONE_REDIS",
      severity: "warning",
      title: "Caches, the Celery broker and sessions share one Redis",
      detail:
        "No eviction policy suits all three: allkeys-lru evicts queued Celery tasks and logged-in sessions when caches fill memory; noeviction makes cache writes fail instead.",
      fix: "Run caches on their own Redis (allkeys-lru, no persistence) and the broker plus sessions on another (noeviction, AOF).",
    });
  }
}

function checkAsyncEventStreams(facts: RedisFacts, options: DoctorOptions, f: Finding[]): void {
  const streams = facts.asyncEventStreams ?? [];
  if (streams.length === 0) return;
  const prefix = options.asyncEventsPrefix ?? DOCTOR_DEFAULTS.asyncEventsPrefix;
  const firehose = streams.find((s) => s.key === `${prefix}full`);
  const channels = streams.filter((s) => s !== firehose);
  const longest = [...channels].sort((a, b) => b.length - a.length)[0];
  const max = options.maxAsyncEventStreams ?? DOCTOR_DEFAULTS.maxAsyncEventStreams;
  const channelGroup = facts.groups.find((g) => g.prefix === prefix);
  const channelCount = Math.max(channels.length, (channelGroup?.keys ?? 0) - (firehose ? 1 : 0));
  f.push({
    id: channelCount > max ? "ASYNC_EVENT_STREAMS_PILING_UP" : "ASYNC_EVENT_STREAMS",
    severity: channelCount > max ? "warning" : "info",
    title: channelCount > max ? "Async-query event streams are piling up" : "Async-query event streams",
    detail: `${channelCount} channel streams${longest ? ` (longest ${longest.key}: ${longest.length} events)` : ""}${firehose ? `, ${firehose.key}: ${firehose.length} events` : ""}. Streams carry no TTL: each browser session's channel stays until deleted.`,
    fix:
      channelCount > max
        ? "Delete channel streams whose last entry is old (XREVRANGE <stream> + - COUNT 1), or lower GLOBAL_ASYNC_QUERIES_REDIS_STREAM_LIMIT; keep them off a Redis that evicts (noeviction) only if memory allows."
        : "None: inventory (MAXLEN ~ keeps each channel near GLOBAL_ASYNC_QUERIES_REDIS_STREAM_LIMIT, the firehose near …_LIMIT_FIREHOSE).",
  });
}

const isNull = (t: unknown): boolean =>
  t === undefined || t === null || /^(null|nullcache|.*\.nullcache)$/i.test(String(t));
const isRedis = (t: unknown): boolean => /redis/i.test(String(t ?? ""));

/**
 * Lint a Superset cache config (raw dicts, or the named caches' resolved configs): chart data
 * is not cached when DATA_CACHE_CONFIG is NullCache (Superset's default) while CACHE_CONFIG is
 * a Redis cache, a common mistake.
 */
export function lintSupersetConfig(config: Readonly<Record<string, unknown>>): Finding[] {
  const typeOf = (name: string) => (config[name] as { CACHE_TYPE?: unknown } | undefined)?.CACHE_TYPE;
  const out: Finding[] = [];
  if (isRedis(typeOf("CACHE_CONFIG")) && isNull(typeOf("DATA_CACHE_CONFIG"))) {
    out.push({
      id: "DATA_CACHE_NULL_WITH_REDIS_CACHE",
      severity: "warning",
      title: "Chart data is not cached: DATA_CACHE_CONFIG is NullCache while CACHE_CONFIG is Redis",
      detail: `CACHE_CONFIG is ${String(typeOf("CACHE_CONFIG"))} but DATA_CACHE_CONFIG is ${String(typeOf("DATA_CACHE_CONFIG") ?? "unset (Superset's default NullCache)")}: every chart query hits the database; warm-up and async queries have nowhere to keep results.`,
      fix: 'Set DATA_CACHE_CONFIG = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": …, "CACHE_KEY_PREFIX": "superset_data_", "CACHE_DEFAULT_TIMEOUT": 86400} in superset_config.py.',
    });
  }
  return out;
}
