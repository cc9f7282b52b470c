/**
 * Options and counters of the Redis backend (fault handling, an existing client, FLUSHDB opt-in).
 */
import type { Cluster, Redis } from "ioredis";
import type { RedisConnectionOptions } from "./client.js";
import type { RedisBackendError } from "./errors.js";
import { DEFAULT_WRITE_BUFFER_POOL_BYTES } from "./wire/write-buffers.js";

/** Options of `RedisBackend`, on top of the connection and fault options. */
export interface RedisBackendOptions extends RedisConnectionOptions {
  /**
   * Use this ioredis client or cluster instead of building one from the config. The backend
   * never closes a client it was given.
   */
  client?: Redis | Cluster;
  /** Let `clear("")` (no key prefix) run FLUSHDB, as Flask-Caching does (default false: refuse). */
  allowFlushDb?: boolean;
  /** Most commands waiting for a connection before new ones are rejected at once (default 1000). */
  maxOfflineQueue?: number;
  /** SCAN COUNT hint used by `clear` (default 1000). */
  scanCount?: number;
  /** Keys per UNLINK used by `clear` (default 500). */
  unlinkBatchSize?: number;
  /** Called for connection-level errors ioredis emits (reconnect failures, …); never throws into ioredis. */
  onConnectionError?: (error: RedisBackendError) => void;
  /** Config path used in error messages, e.g. `DATA_CACHE_CONFIG` (default `CACHE_CONFIG`). */
  path?: string;
  /**
   * Write values over 4 KB from the caller's bytes when the socket sends them, without copying
   * (faster for large values). The caller must then not change the bytes passed to `set`/`setParts`
   * (or a `bytes` value inside a `Cache.set` value) until the returned promise settles. Default
   * false: every write copies the value before `set` returns.
   */
  zeroCopyWrites?: boolean;
  /**
   * Most bytes of idle command buffers kept for reuse by copied writes (values over 4 KB up to
   * 4 MB; default 8 MiB, per backend). A set copies the value into a buffer an earlier set used
   * instead of fresh memory; the buffer is reused only after ioredis settled that earlier command
   * with a reply or an error. 0: a fresh buffer per write.
   */
  writeBufferPoolBytes?: number;
}

/** Defaults of `RedisBackendOptions` that are not connection options. */
export const REDIS_BACKEND_DEFAULTS = {
  maxOfflineQueue: 1000,
  scanCount: 1000,
  unlinkBatchSize: 500,
  zeroCopyWrites: false,
  writeBufferPoolBytes: DEFAULT_WRITE_BUFFER_POOL_BYTES,
} as const;

/** Counters of one backend, for health checks and tests. */
export interface RedisBackendStats {
  /** Connection-level error events seen (each reconnect failure counts). */
  connectionErrors: number;
  /** Commands rejected because the offline queue was full. */
  offlineQueueRejections: number;
  /** Commands currently waiting for a connection. */
  offlineQueued: number;
  /**
   * Redis fast paths switched off in this process because the installed ioredis's internals
   * differ from the pinned version's (0 normally; which and why: `ioredisSeams()`).
   */
  fastPathsOff: number;
}
