/**
 * Builds ioredis clients for the Redis backend from a resolved Flask-Caching config and the
 * backend's fault options. Option precedence, lowest first: our defaults, `CACHE_OPTIONS`
 * (e.g. `socket_timeout`), explicit backend options, then the raw `ioredis` escape hatch.
 */
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { CacheConfigError } from "../../core/errors.js";
import type { ResolvedRedisConfig } from "./config.js";
import { framedReadConnector } from "./wire/framed-connector.js";
import { ioredisSeams } from "./wire/seams.js";

/** Fault and connection options of the Redis backend. Times are MILLISECONDS (Redis TTLs stay in seconds). */
export interface RedisConnectionOptions {
  /** Give up a connection attempt after this many ms (default 2000). */
  connectTimeoutMs?: number;
  /** Reject a command that got no reply after this many ms (default 2000). */
  commandTimeoutMs?: number;
  /** Longest wait between reconnect attempts, ms (default 500; backoff 50 ms × attempt). */
  reconnectMaxDelayMs?: number;
  /**
   * Batch commands issued in the same tick into one socket write (default true). Single-node
   * clients (standalone, Sentinel) do it by corking the socket until the next tick, which costs
   * nothing at concurrency 1 (ioredis's enableAutoPipelining builds a Pipeline per tick and adds
   * latency there); a Cluster uses ioredis's enableAutoPipelining, which also groups per node.
   */
  autoPipelining?: boolean;
  /**
   * Sentinel only: send reads (GET, MGET, EXISTS) to a replica as Flask-Caching does (default
   * `master`). While no replica connection is ready, reads go to the master.
   */
  sentinelReadFrom?: "master" | "replica";
  /**
   * Standalone plain-TCP/Unix clients: read replies through one reused buffer, each large bulk
   * reply straight into its own presized buffer (redis-resp-framer.ts; default true). `false`
   * keeps Node's and ioredis's own read path. TLS, Sentinel and Cluster always use ioredis's.
   */
  framedReads?: boolean;
  /** Raw ioredis options merged last (for anything not covered above). Prefer the typed options. */
  ioredis?: RedisOptions;
}

/** Defaults of `RedisConnectionOptions`, in milliseconds. */
export const REDIS_CONNECTION_DEFAULTS = {
  connectTimeoutMs: 2000,
  commandTimeoutMs: 2000,
  reconnectMaxDelayMs: 500,
  reconnectStepMs: 50,
  /** Commands retried across reconnects before ioredis flushes them with an error. */
  maxRetriesPerRequest: 1,
} as const;

/** The clients a backend uses: `writer` for everything, `reader` for reads (a replica under Sentinel). */
export interface RedisClients {
  writer: Redis | Cluster;
  reader: Redis | Cluster;
}

function connectionDefaults(options: RedisConnectionOptions, fromConfig: RedisOptions): RedisOptions {
  const d = REDIS_CONNECTION_DEFAULTS;
  const maxDelay = options.reconnectMaxDelayMs ?? d.reconnectMaxDelayMs;
  return {
    lazyConnect: true,
    enableOfflineQueue: true,
    maxRetriesPerRequest: d.maxRetriesPerRequest,
    connectTimeout: options.connectTimeoutMs ?? fromConfig.connectTimeout ?? d.connectTimeoutMs,
    commandTimeout: options.commandTimeoutMs ?? fromConfig.commandTimeout ?? d.commandTimeoutMs,
    retryStrategy: (times: number) => Math.min(times * d.reconnectStepMs, maxDelay),
    enableAutoPipelining: false,
  };
}

/** Create (but do not connect: connections open lazily on the first command) the clients for a config. */
export function createRedisClients(
  resolved: ResolvedRedisConfig,
  options: RedisConnectionOptions,
): RedisClients {
  const cfg = resolved.redisOptions;
  const base = connectionDefaults(options, cfg);
  if (resolved.topology === "cluster") {
    const { enableAutoPipelining: _a, enableOfflineQueue, lazyConnect, retryStrategy: _r, ...perNode } = base;
    const maxDelay = options.reconnectMaxDelayMs ?? REDIS_CONNECTION_DEFAULTS.reconnectMaxDelayMs;
    const cluster = new Cluster(resolved.clusterNodes ?? [], {
      lazyConnect,
      enableOfflineQueue,
      enableAutoPipelining: options.autoPipelining ?? true,
      scaleReads: "master",
      clusterRetryStrategy: (times: number) =>
        Math.min(times * REDIS_CONNECTION_DEFAULTS.reconnectStepMs, maxDelay),
      redisOptions: { ...cfg, ...perNode, ...options.ioredis },
      ...resolved.clusterOptions,
    });
    return { writer: cluster, reader: cluster };
  }
  const all: RedisOptions = { ...base, ...cfg, ...pickDefined(base, options), ...options.ioredis };
  if (
    resolved.topology === "standalone" &&
    !all.tls &&
    !all.Connector &&
    (options.framedReads ?? true) &&
    ioredisSeams().framedReads
  ) {
    all.Connector = framedReadConnector();
  }
  const writer = new Redis(all);
  if (resolved.topology === "sentinel" && options.sentinelReadFrom === "replica") {
    // Connect eagerly: reads use the master until the replica connection is ready (and whenever
    // it is not), which is redis-py's slave_for fallback when no replica is available.
    return { writer, reader: new Redis({ ...all, role: "slave", lazyConnect: false }) };
  }
  return { writer, reader: writer };
}

/** Explicit backend options win over CACHE_OPTIONS: re-apply the ones the caller set. */
function pickDefined(base: RedisOptions, options: RedisConnectionOptions): RedisOptions {
  const out: RedisOptions = {};
  if (options.connectTimeoutMs !== undefined) out.connectTimeout = base.connectTimeout;
  if (options.commandTimeoutMs !== undefined) out.commandTimeout = base.commandTimeout;
  return out;
}

/**
 * Refuse ioredis's own `keyPrefix` (in the `ioredis` escape hatch or on a caller's client): it
 * would prefix keys a second time, and not the SCAN patterns of `clear`, so `clear` would miss
 * them. `CACHE_KEY_PREFIX` is applied once, by the `Cache` layer.
 * @param path config path for the error, e.g. `DATA_CACHE_CONFIG`
 * @throws CacheConfigError `CONFIG_REDIS_KEY_PREFIX`
 */
export function rejectIoredisKeyPrefix(
  options: RedisConnectionOptions & { client?: Redis | Cluster },
  path: string,
): void {
  const client = options.client;
  const clientOptions =
    client && isClusterClient(client) ? [client.options, client.options.redisOptions] : [client?.options];
  for (const o of [options.ioredis, ...clientOptions]) {
    if (o?.keyPrefix) {
      throw new CacheConfigError(
        "CONFIG_REDIS_KEY_PREFIX",
        path,
        "ioredis keyPrefix is not supported (keys would be prefixed twice and clear() would miss them); use CACHE_KEY_PREFIX",
      );
    }
  }
}

/** ioredis marks clusters with `isCluster`; unlike `instanceof`, this also holds for clients built by another copy of ioredis. */
export function isClusterClient(client: Redis | Cluster): client is Cluster {
  return client.isCluster === true;
}
