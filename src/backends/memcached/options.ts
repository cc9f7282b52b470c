/**
 * Options of the Memcached backends that a Flask-Caching config dict cannot express
 * (`backendOptions.memcached`), and how `CACHE_MEMCACHED_SERVERS` entries are read.
 */
import { CacheConfigError } from "../../core/errors.js";
import type { KeyDistribution } from "./server-placement.js";
import type { MemcachedFlavour } from "./value-flags.js";

/** Options of `MemcachedBackend` (all optional). */
export interface MemcachedBackendOptions {
  /** Which Python client's value flags to write (default `pylibmc`, which cachelib prefers). */
  flavour?: MemcachedFlavour;
  /** Key placement over several servers (default `libmemcached`, pylibmc's default). */
  distribution?: KeyDistribution;
  /** Milliseconds to connect and authenticate (default 1000). */
  connectTimeoutMs?: number;
  /** Milliseconds a command may wait for its reply (default 1000). */
  commandTimeoutMs?: number;
  /** Seconds a server that failed to connect is skipped, its commands failing at once (default 2). */
  retryTimeoutSeconds?: number;
  /** Config path used in error messages (default: the cache's path). */
  path?: string;
}

/** Defaults of `MemcachedBackendOptions`. */
export const MEMCACHED_BACKEND_DEFAULTS = {
  flavour: "pylibmc",
  distribution: "libmemcached",
  connectTimeoutMs: 1000,
  commandTimeoutMs: 1000,
  retryTimeoutSeconds: 2,
} as const;

/** cachelib's server list when `CACHE_MEMCACHED_SERVERS` is unset. */
export const DEFAULT_MEMCACHED_SERVERS = ["127.0.0.1:11211"] as const;
const DEFAULT_PORT = 11211;

/** One server address. */
export interface MemcachedServerAddress {
  host: string;
  port: number;
}

/**
 * Parse `host`, `host:port` or `[v6]:port` entries of `CACHE_MEMCACHED_SERVERS`.
 * @throws CacheConfigError `CONFIG_INVALID_VALUE` for an empty list or an entry that does not parse
 */
export function parseServers(servers: readonly string[], path: string): MemcachedServerAddress[] {
  if (servers.length === 0) {
    throw new CacheConfigError(
      "CONFIG_INVALID_VALUE",
      `${path}.CACHE_MEMCACHED_SERVERS`,
      "needs at least one server",
    );
  }
  return servers.map((entry, i) => {
    const match = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d{1,5}))?$/.exec(entry.trim());
    const port = match?.[3] === undefined ? DEFAULT_PORT : Number(match[3]);
    const host = match?.[1] ?? match?.[2];
    if (!match || !host || port < 1 || port > 65535) {
      throw new CacheConfigError(
        "CONFIG_INVALID_VALUE",
        `${path}.CACHE_MEMCACHED_SERVERS[${i}]`,
        `"${entry}" is not host, host:port or [ipv6]:port`,
      );
    }
    return { host, port };
  });
}
