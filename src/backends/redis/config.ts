/**
 * Flask-Caching Redis configuration (`CACHE_REDIS_*`, `CACHE_OPTIONS`) → ioredis options,
 * with Flask-Caching's precedence rules (flask_caching/backends/rediscache.py, the three factories):
 *
 * - RedisCache without a URL: host/port/db from `CACHE_REDIS_HOST/PORT/DB` (these override the
 *   same keys in `CACHE_OPTIONS`), password from `CACHE_REDIS_PASSWORD` when non-empty, else from
 *   `CACHE_OPTIONS.password`.
 * - With `CACHE_REDIS_URL`: the URL decides host, port, user and password; db is `?db=N`, else
 *   the `/N` path, else `CACHE_REDIS_DB`.
 * - RedisSentinelCache: `CACHE_REDIS_SENTINELS`, `CACHE_REDIS_SENTINEL_MASTER`, data password
 *   `CACHE_REDIS_PASSWORD`, sentinel password `CACHE_REDIS_SENTINEL_PASSWORD`; `CACHE_OPTIONS` keys
 *   starting with `sentinel_` go (prefix stripped) to the sentinel connections. The URL is ignored.
 * - RedisClusterCache: `CACHE_REDIS_CLUSTER` (`"h1:p1,h2:p2"`) and `CACHE_REDIS_PASSWORD`, or
 *   `CACHE_REDIS_URL` as the startup node (Flask-Caching 2.4). No db.
 *
 * Nothing here opens a connection. Passwords only travel inside the returned ioredis options;
 * `describe` (used for `toString()` and error messages) never contains them.
 */
import { readFileSync } from "node:fs";
import type { ClusterOptions, RedisOptions } from "ioredis";
import { CacheConfigError } from "../../core/errors.js";
import { DEFAULT_PORT, int, parseRedisUrl } from "./url.js";

export { parseRedisUrl } from "./url.js";

/** Which kind of Redis deployment a cache talks to. */
export type RedisTopology = "standalone" | "sentinel" | "cluster";

const DEFAULT_SENTINEL_PORT = 26379;
const MS_PER_SECOND = 1000;

const TOPOLOGY_BY_NAME: Readonly<Record<string, RedisTopology>> = {
  RedisCache: "standalone",
  redis: "standalone",
  RedisSentinelCache: "sentinel",
  redissentinel: "sentinel",
  RedisClusterCache: "cluster",
  rediscluster: "cluster",
};

/**
 * The topology for a `CACHE_TYPE` spelling Flask-Caching accepts (`RedisCache`, deprecated
 * `redis`, and dotted `flask_caching.backends[.rediscache].RedisCache`; same for Sentinel and
 * Cluster), or `undefined` when the name is not a Redis cache.
 */
export function redisTopologyFor(cacheType: string): RedisTopology | undefined {
  const m =
    /^flask_caching\.backends\.(?:rediscache\.)?(RedisCache|RedisSentinelCache|RedisClusterCache)$/.exec(
      cacheType,
    );
  if (m) return TOPOLOGY_BY_NAME[m[1]!];
  if (!Object.hasOwn(TOPOLOGY_BY_NAME, cacheType)) return undefined;
  return TOPOLOGY_BY_NAME[cacheType];
}

/** The keys of one Flask-Caching cache dict that the Redis backends read. */
export interface FlaskRedisConfig {
  CACHE_TYPE?: string;
  CACHE_REDIS_URL?: string;
  CACHE_REDIS_HOST?: string | unknown;
  CACHE_REDIS_PORT?: number | string;
  CACHE_REDIS_PASSWORD?: string;
  CACHE_REDIS_DB?: number | string;
  CACHE_REDIS_SENTINELS?: ReadonlyArray<readonly [string, number] | string | { host: string; port: number }>;
  CACHE_REDIS_SENTINEL_MASTER?: string;
  CACHE_REDIS_SENTINEL_PASSWORD?: string;
  CACHE_REDIS_CLUSTER?: string | readonly string[];
  /** redis-py keyword arguments, snake_case (`socket_timeout` in SECONDS, `ssl_ca_certs`, …). */
  CACHE_OPTIONS?: Readonly<Record<string, unknown>> | null;
}

/** Everything needed to build a client, without secrets in the printable parts. */
export interface ResolvedRedisConfig {
  topology: RedisTopology;
  /** Options for the data connection (standalone), the sentinel-managed master, or every cluster node. */
  redisOptions: RedisOptions;
  /** Cluster only: startup nodes. */
  clusterNodes?: { host: string; port: number }[];
  /** Cluster only: options for `new Cluster`. */
  clusterOptions?: ClusterOptions;
  /** Redacted, human-readable target, e.g. `redis://alice:***@127.0.0.1:6380/2`. Never holds a password. */
  describe: string;
  /** Where the server is, for error messages: `127.0.0.1:6380`, a socket path, or the sentinel/cluster nodes. */
  address: string;
  /** The config key the database number came from (`DATA_CACHE_CONFIG.CACHE_REDIS_URL`, …), for a failed SELECT. */
  dbPath?: string;
  /** Every password seen in the config, so error messages can be scrubbed of them. */
  secrets: string[];
}

/**
 * redis-py keyword arguments that are valid but have no ioredis counterpart we need (ioredis
 * manages pooling, retries and keep-alive itself). Accepted and ignored, listed in docs/redis.md.
 */
const IGNORED_REDIS_PY_KEYS = new Set([
  "socket_keepalive",
  "socket_keepalive_options",
  "health_check_interval",
  "retry_on_timeout",
  "retry_on_error",
  "retry",
  "max_connections",
  "single_connection_client",
  "encoding",
  "encoding_errors",
  "errors",
  "charset",
  "skip_full_coverage_check",
  "ssl_check_hostname",
]);

/** Keys Flask-Caching itself consumes from `CACHE_OPTIONS` (the Cache layer reads them). */
const CACHE_LAYER_KEYS = new Set(["default_timeout", "key_prefix"]);

interface MappedOptions {
  redis: RedisOptions;
  sentinel: RedisOptions;
  secrets: string[];
}

function configPath(base: string, key: string): string {
  return `${base}.${key}`;
}

function seconds(path: string, value: unknown): number {
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0) {
    throw new CacheConfigError("CONFIG_INVALID_VALUE", path, "expected a non-negative number of seconds");
  }
  return Math.round(n * MS_PER_SECOND);
}

/** Map one redis-py kwarg onto ioredis options; returns false for keys we do not know. */
function applyRedisPyKey(target: RedisOptions, key: string, value: unknown, path: string, secrets: string[]) {
  switch (key) {
    case "host":
      target.host = String(value);
      return true;
    case "port":
      target.port = int(path, value, DEFAULT_PORT);
      return true;
    case "db":
      target.db = int(path, value, 0);
      return true;
    case "username":
      target.username = String(value);
      return true;
    case "password":
      if (value !== null && value !== undefined && value !== "") {
        target.password = String(value);
        secrets.push(target.password);
      }
      return true;
    case "unix_socket_path":
      target.path = String(value);
      return true;
    case "socket_timeout":
      if (value !== null) target.commandTimeout = seconds(path, value);
      return true;
    case "socket_connect_timeout":
      if (value !== null) target.connectTimeout = seconds(path, value);
      return true;
    case "client_name":
      target.connectionName = String(value);
      return true;
    case "ssl":
      if (value === true) target.tls = { ...target.tls };
      return true;
    case "ssl_ca_certs":
      target.tls = { ...target.tls, ca: readPem(path, value) };
      return true;
    case "ssl_certfile":
      target.tls = { ...target.tls, cert: readPem(path, value) };
      return true;
    case "ssl_keyfile":
      target.tls = { ...target.tls, key: readPem(path, value) };
      return true;
    case "ssl_cert_reqs": {
      const v = String(value).toLowerCase();
      if (v === "none" || v === "cert_none" || v === "0")
        target.tls = { ...target.tls, rejectUnauthorized: false };
      return true;
    }
    case "decode_responses":
      if (value) {
        throw new CacheConfigError(
          "CONFIG_REDIS_DECODE_RESPONSES",
          path,
          "decode_responses is not supported by RedisCache (values are bytes)",
        );
      }
      return true;
    default:
      return IGNORED_REDIS_PY_KEYS.has(key);
  }
}

function readPem(path: string, file: unknown): Buffer {
  try {
    return readFileSync(String(file));
  } catch (err) {
    throw new CacheConfigError("CONFIG_FILE_UNREADABLE", path, `cannot read ${String(file)}`, { cause: err });
  }
}

function mapCacheOptions(
  options: Readonly<Record<string, unknown>> | null | undefined,
  topology: RedisTopology,
  base: string,
): MappedOptions {
  const out: MappedOptions = { redis: {}, sentinel: {}, secrets: [] };
  for (const [key, value] of Object.entries(options ?? {})) {
    const path = configPath(`${base}.CACHE_OPTIONS`, key);
    if (CACHE_LAYER_KEYS.has(key)) continue;
    const isSentinelKey = topology === "sentinel" && key.startsWith("sentinel_");
    const target = isSentinelKey ? out.sentinel : out.redis;
    const name = isSentinelKey ? key.slice("sentinel_".length) : key;
    if (!applyRedisPyKey(target, name, value, path, out.secrets)) {
      throw new CacheConfigError(
        "CONFIG_UNKNOWN_KEY",
        path,
        "not a redis-py connection option this backend knows",
      );
    }
  }
  return out;
}

function parseHostPort(entry: unknown, path: string, defaultPort: number): { host: string; port: number } {
  if (Array.isArray(entry) && entry.length === 2)
    return { host: String(entry[0]), port: int(path, entry[1], defaultPort) };
  if (typeof entry === "string") {
    const i = entry.lastIndexOf(":");
    if (i <= 0) return { host: entry.trim(), port: defaultPort };
    return { host: entry.slice(0, i).trim(), port: int(path, entry.slice(i + 1).trim(), defaultPort) };
  }
  if (entry && typeof entry === "object" && "host" in entry) {
    const e = entry as { host: unknown; port?: unknown };
    return { host: String(e.host), port: int(path, e.port, defaultPort) };
  }
  throw new CacheConfigError(
    "CONFIG_INVALID_VALUE",
    path,
    "expected [host, port], 'host:port' or {host, port}",
  );
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * Resolve one Flask-Caching cache dict for a Redis `CACHE_TYPE` into ioredis options.
 * `base` names the dict in error paths (e.g. `DATA_CACHE_CONFIG`).
 * @throws CacheConfigError (`CONFIG_UNKNOWN_KEY`, `CONFIG_INVALID_URL`, `CONFIG_INVALID_VALUE`,
 *   `CONFIG_REDIS_DECODE_RESPONSES`, `CONFIG_FILE_UNREADABLE`, `CONFIG_UNKNOWN_CACHE_TYPE`)
 */
export function resolveRedisConfig(
  config: FlaskRedisConfig,
  base = "CACHE_CONFIG",
  topologyOverride?: RedisTopology,
): ResolvedRedisConfig {
  const cacheType = config.CACHE_TYPE ?? "RedisCache";
  const topology = topologyOverride ?? redisTopologyFor(cacheType);
  if (!topology) {
    throw new CacheConfigError(
      "CONFIG_UNKNOWN_CACHE_TYPE",
      `${base}.CACHE_TYPE`,
      `${cacheType} is not a Redis cache`,
    );
  }
  const mapped = mapCacheOptions(config.CACHE_OPTIONS, topology, base);
  const db = int(`${base}.CACHE_REDIS_DB`, config.CACHE_REDIS_DB, 0);
  const password = nonEmpty(config.CACHE_REDIS_PASSWORD);
  const secrets = [...mapped.secrets];
  if (password) secrets.push(password);

  if (topology === "sentinel") {
    const list = config.CACHE_REDIS_SENTINELS ?? [["127.0.0.1", DEFAULT_SENTINEL_PORT]];
    const sentinels = list.map((e, i) =>
      parseHostPort(e, `${base}.CACHE_REDIS_SENTINELS[${i}]`, DEFAULT_SENTINEL_PORT),
    );
    const name = nonEmpty(config.CACHE_REDIS_SENTINEL_MASTER) ?? "mymaster";
    const sentinelPassword = nonEmpty(config.CACHE_REDIS_SENTINEL_PASSWORD) ?? mapped.sentinel.password;
    if (sentinelPassword) secrets.push(sentinelPassword);
    const redisOptions: RedisOptions = { ...mapped.redis, sentinels, name, db };
    if (password) redisOptions.password = password;
    else if (mapped.redis.password === undefined) delete redisOptions.password;
    if (sentinelPassword) redisOptions.sentinelPassword = sentinelPassword;
    if (mapped.sentinel.username) redisOptions.sentinelUsername = mapped.sentinel.username;
    if (mapped.sentinel.tls) {
      redisOptions.sentinelTLS = mapped.sentinel.tls;
      redisOptions.enableTLSForSentinelMode = true;
    }
    if (mapped.sentinel.commandTimeout !== undefined)
      redisOptions.sentinelCommandTimeout = mapped.sentinel.commandTimeout;
    const where = sentinels.map((s) => `${s.host}:${s.port}`).join(",");
    const describe = `sentinel://${where}/${name}/${db}`;
    const dbPath = `${base}.CACHE_REDIS_DB`;
    return { topology, redisOptions, describe, address: `${name} via sentinels ${where}`, dbPath, secrets };
  }

  if (topology === "cluster") {
    const url = nonEmpty(config.CACHE_REDIS_URL);
    let nodes: { host: string; port: number }[];
    const redisOptions: RedisOptions = { ...mapped.redis };
    delete redisOptions.db;
    if (url) {
      const parsed = parseRedisUrl(url, `${base}.CACHE_REDIS_URL`, 0);
      secrets.push(...parsed.secrets);
      nodes = [{ host: parsed.options.host ?? "localhost", port: parsed.options.port ?? DEFAULT_PORT }];
      if (parsed.options.username) redisOptions.username = parsed.options.username;
      if (parsed.options.password) redisOptions.password = parsed.options.password;
      if (parsed.options.tls) redisOptions.tls = { ...parsed.options.tls, ...redisOptions.tls };
    } else {
      const raw = config.CACHE_REDIS_CLUSTER ?? "";
      const entries = (typeof raw === "string" ? raw.split(",") : [...raw]).filter((s) => s.trim() !== "");
      if (entries.length === 0) {
        throw new CacheConfigError(
          "CONFIG_MISSING_KEY",
          `${base}.CACHE_REDIS_CLUSTER`,
          "no cluster nodes given",
        );
      }
      nodes = entries.map((e, i) => parseHostPort(e, `${base}.CACHE_REDIS_CLUSTER[${i}]`, DEFAULT_PORT));
      if (password) redisOptions.password = password;
    }
    const address = nodes.map((n) => `${n.host}:${n.port}`).join(",");
    return {
      topology,
      redisOptions,
      clusterNodes: nodes,
      describe: `cluster://${address}`,
      address,
      secrets,
    };
  }

  const url = nonEmpty(config.CACHE_REDIS_URL);
  if (url) {
    const parsed = parseRedisUrl(url, `${base}.CACHE_REDIS_URL`, db);
    secrets.push(...parsed.secrets);
    // The URL decides the address, credentials and db; CACHE_OPTIONS adds timeouts, TLS files, …
    const { host: _h, port: _p, db: _d, path: _s, ...extra } = mapped.redis;
    const redisOptions: RedisOptions = { ...extra, ...parsed.options };
    if (parsed.options.tls || extra.tls) redisOptions.tls = { ...parsed.options.tls, ...extra.tls };
    if (!parsed.options.password && extra.password) redisOptions.password = extra.password;
    const address = redisOptions.path ?? `${redisOptions.host}:${redisOptions.port}`;
    // The URL's db wins; when it has none the fallback (CACHE_REDIS_DB) was used.
    const dbPath = `${base}.${parsed.options.db !== db || config.CACHE_REDIS_DB == null ? "CACHE_REDIS_URL" : "CACHE_REDIS_DB"}`;
    return { topology, redisOptions, describe: parsed.describe, address, dbPath, secrets };
  }
  const host = config.CACHE_REDIS_HOST;
  const redisOptions: RedisOptions = {
    ...mapped.redis,
    host: typeof host === "string" && host !== "" ? host : "localhost",
    port: int(`${base}.CACHE_REDIS_PORT`, config.CACHE_REDIS_PORT, DEFAULT_PORT),
    db,
  };
  if (password) redisOptions.password = password;
  const where = redisOptions.path ?? `${redisOptions.host}:${redisOptions.port}`;
  const user = redisOptions.username ? `${redisOptions.username}${redisOptions.password ? ":***" : ""}@` : "";
  const scheme = redisOptions.tls ? "rediss" : "redis";
  const describe = `${scheme}://${user}${where}/${db}`;
  return { topology, redisOptions, describe, address: where, dbPath: `${base}.CACHE_REDIS_DB`, secrets };
}
