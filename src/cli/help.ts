/** Help texts of the `superset-cache` command. */
export const GLOBAL_OPTIONS = `Connection (lowest precedence first: config file, environment, flags):
  --config FILE     JSON: { "redisUrl", "cache", "prefix", "supersetConfig" } or a Superset config
                    ({ "DATA_CACHE_CONFIG": {...}, ... }); env SUPERSET_CACHE_CONFIG
  --url URL         redis://[:password@]host:port/db (rediss:// for TLS); env SUPERSET_CACHE_REDIS_URL
  --cache NAME      named cache for get/set/delete/keys (default DATA_CACHE_CONFIG); env SUPERSET_CACHE_NAME
  --prefix P        key prefix (default: the named cache's CACHE_KEY_PREFIX); env SUPERSET_CACHE_PREFIX
  --command-timeout S  connect and per-request timeout in SECONDS (default 5); env SUPERSET_CACHE_COMMAND_TIMEOUT
  --json            machine-readable output
  -h, --help        this help`;

export const COMMAND_HELP: Record<string, string> = {
  inspect: `superset-cache inspect KEY [--json]
Decode the entry stored under the exact Redis KEY (as redis-cli shows it): Flask-Caching pickles,
DataFrames (printed as a table of the first 20 rows), chart-data entries, SQL Lab results payloads,
thumbnail images. Timestamps print as ISO 8601; control characters print escaped (\\x1b).`,
  keys: `superset-cache keys [--match PATTERN] [--json]
SCAN the database and count keys and MEMORY USAGE bytes per named-cache prefix (progress on stderr for large scans).`,
  get: `superset-cache get KEY [--json]
Read KEY through the named cache (its prefix is prepended) and decode it.`,
  set: `superset-cache set KEY JSON [--timeout SECONDS] [--json]
Store a JSON value through the named cache, pickled exactly as Flask-Caching stores it. --timeout: the entry's
lifetime, whole SECONDS, 0 = no expiry (default: the cache's CACHE_DEFAULT_TIMEOUT).`,
  delete: `superset-cache delete KEY [--json]
Delete KEY through the named cache (prefix prepended).`,
  stats: `superset-cache stats [--json]
Redis-side cache numbers from INFO: hits, misses, hit ratio, memory, eviction policy, evictions, clients.`,
  doctor: `superset-cache doctor [--tier dev|"50 users"|"500 users"|multi-tenant] [--window-ms N] [--json]
Read-only health check of the Redis: findings with severity and fix. --window-ms: 0 to 3600000 (default 1000).
With --config, key groups are labelled by the config's cache names. Exit 0 ok, 5 warnings, 6 critical.`,
  invalidate: `superset-cache invalidate --config FILE --datasource-uid UID [--datasource-uid UID …] [--database-uri URI] [--superset-version V | --target cache|data] [--json]
As Superset's POST /api/v1/cachekey/invalidate: read the cache_keys rows of the datasources from the metadata
database, delete their keys (from CACHE_CONFIG up to 6.1, DATA_CACHE_CONFIG on master or with --target data),
then delete the rows. The database: --database-uri, SUPERSET_CACHE_DATABASE_URI or SQLALCHEMY_DATABASE_URI.`,
  warm: `superset-cache warm --strategy dummy|top_n_dashboards|dashboard_tags [--top-n N] [--since TEXT] [--tag T …]
  [--database-uri URI] [--via rest|celery] [--concurrency N] [--cold-only --config FILE [--superset-version V]] [--dry-run] [--json]
Warm Superset's caches with its warm-up strategies read from the metadata database (--database-uri,
SUPERSET_CACHE_DATABASE_URI or SQLALCHEMY_DATABASE_URI). --via rest (default): PUT /api/v1/chart/warm_up_cache on
--superset-url with --access-token or --username and SUPERSET_CACHE_PASSWORD. --via celery: enqueue Superset's fetch_url
tasks on --broker-url [--queue Q] [--global-keyprefix P] with the session cookie in SUPERSET_CACHE_SESSION_COOKIE.
--cold-only skips charts whose data-cache keys all have entries (DATA_CACHE_CONFIG from --config). Progress on stderr.
Exit 0 when nothing failed, 7 when a chart failed.`,
  ui: `superset-cache ui --config FILE [--port N] [--host H] [--allow-writes] [--database-uri URI] [--superset-url URL …]
Web inspector of the config's caches on http://127.0.0.1:8089 (--port 0: any free port; --host to bind elsewhere):
overview with hit ratio, ops/s, p99, memory, evictions and clients over the last minutes; keys per cache (SCAN) with
decoded values (DataFrames as paged tables, SQL Lab payloads, thumbnails, JSON); the doctor's findings. Prints a URL
with a random access token, required on every request. Read-only unless --allow-writes (delete a key; invalidate by
datasource with the metadata database as for invalidate; warm a chart with the --via/--superset-url flags of warm).
Stops on Ctrl-C. See docs/ui.md.`,
  key: `superset-cache key FILE [--superset-version V] [--datasource-uid UID] [--changed-on ISO] [--json]
Compute the chart-data cache key of the query object in the JSON FILE (as Superset's QueryObject.cache_key).
--changed-on is the dataset's changed_on (naive UTC, YYYY-MM-DDTHH:MM:SS[.ffffff]); JSON integers are Python ints.`,
};

export const USAGE = `superset-cache <command> [options]

Commands:
  inspect KEY     decode any Superset cache entry
  keys            keys and bytes per named cache
  get KEY         read through a named cache
  set KEY JSON    write through a named cache
  delete KEY      delete through a named cache
  stats           Redis cache statistics
  invalidate      delete cached chart data of datasources (cache_keys)
  doctor          Redis health check with fixes
  warm            warm charts with Superset's strategies (REST or Celery)
  key FILE        chart-data key of a query-object JSON file
  ui              web inspector: caches, keys, decoded values, doctor

${GLOBAL_OPTIONS}

Exit codes: 0 ok, 1 key not found, 2 usage/config error, 3 Redis unreachable or failed, 4 undecodable value,
5 doctor warnings, 6 doctor critical findings, 7 warm: a chart failed, 8 no answer within --command-timeout,
9 authentication failed. See docs/cli.md.`;
