/**
 * Typed errors of the Redis backend, and the mapping from ioredis/Redis failures onto them.
 * Every error carries `transient`: `true` for "Redis is unreachable or slow" (connection refused,
 * reset, timeouts, a full offline queue, cluster down), which a circuit breaker counts, and
 * `false` for caller mistakes and data errors (WRONGTYPE, bad timeout), which it does not.
 * Messages are scrubbed of every configured password; an ioredis error is never kept as `cause`
 * as it is, because it may carry the arguments of an AUTH command (connection-watch.ts keeps a
 * scrubbed copy).
 */
import type { ConfigErrorCode, RedisBackendErrorCode } from "../../core/error-codes/index.js";
import { CacheBackendError } from "../../core/errors.js";
import { redactText } from "../../core/redact.js";

const BACKEND = "redis";

/** A Redis backend failure with a stable `code` and whether it signals an unavailable server. */
export class RedisBackendError extends CacheBackendError {
  declare readonly code: RedisBackendErrorCode;
  /** `true` when the server is unreachable, slow or down (worth retrying later, counted by breakers). */
  readonly transient: boolean;

  constructor(
    code: RedisBackendErrorCode,
    message: string,
    transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(code, BACKEND, message, options);
    this.transient = transient;
  }
}

/** The Redis codes by name (`clearRefused` is carried by a `CacheConfigError`); listed in core/error-codes/. */
export const RedisErrorCode = {
  /** No connection (refused, reset, closed, retries exhausted). */
  connection: "REDIS_CONNECTION",
  /** The command got no reply within the command timeout. */
  commandTimeout: "REDIS_COMMAND_TIMEOUT",
  /** Too many commands already wait for a connection. */
  offlineQueueFull: "REDIS_OFFLINE_QUEUE_FULL",
  /** The cluster or the sentinel-managed master is not available (CLUSTERDOWN, failover, …). */
  unavailable: "REDIS_UNAVAILABLE",
  /** Redis answered with an error (WRONGTYPE, NOAUTH, …). */
  reply: "REDIS_REPLY_ERROR",
  /** A reply of a type the command never gets from Redis (an integer or array for GET). */
  unexpectedReply: "REDIS_UNEXPECTED_REPLY",
  /** Authentication failed (wrong user or password). */
  auth: "REDIS_AUTH_FAILED",
  /** Timeout argument Redis would reject (negative below -1, or not an integer). */
  invalidTimeout: "REDIS_INVALID_EXPIRE_TIME",
  /** `clear("")` without `allowFlushDb`. */
  clearRefused: "REDIS_CLEAR_REFUSED",
  /** The backend was closed. */
  closed: "REDIS_CLOSED",
} as const satisfies Record<string, RedisBackendErrorCode | ConfigErrorCode>;

const TRANSIENT_PATTERNS: readonly [RegExp, RedisBackendErrorCode][] = [
  [/Command timed out/i, RedisErrorCode.commandTimeout],
  [
    /CLUSTERDOWN|TRYAGAIN|MASTERDOWN|LOADING|READONLY|Failed to refresh slots cache|cluster isn't ready/i,
    RedisErrorCode.unavailable,
  ],
  [
    /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|Connection is closed|Stream isn't writeable|Reached the max retries|connect ETIMEDOUT|All sentinels are unreachable|No available|socket/i,
    RedisErrorCode.connection,
  ],
];

/** Turn anything ioredis rejects with into a `RedisBackendError` (idempotent for ours). */
export function toRedisError(err: unknown, op: string, secrets: readonly string[]): RedisBackendError {
  if (err instanceof RedisBackendError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const message = `redis ${op} failed: ${redactText(raw, secrets)}`;
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(raw)) {
    return new RedisBackendError(RedisErrorCode.auth, message, false);
  }
  for (const [pattern, code] of TRANSIENT_PATTERNS)
    if (pattern.test(raw)) return new RedisBackendError(code, message, true);
  const isReply = err instanceof Error && err.name === "ReplyError";
  return new RedisBackendError(isReply ? RedisErrorCode.reply : RedisErrorCode.connection, message, !isReply);
}
