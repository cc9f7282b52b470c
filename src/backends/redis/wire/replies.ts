/**
 * Small, allocation-free reply mappers and argument checks shared by the Redis backend's
 * commands (kept out of redis.ts so each file has one job).
 */
import { RedisBackendError, RedisErrorCode } from "../errors.js";

const OK = "OK";

/**
 * ioredis replies with Buffers; the contract is plain `Uint8Array`, so hand out a view over the
 * same memory (no copy) and keep Buffer's extra API out of the public surface.
 * @throws RedisBackendError `REDIS_UNEXPECTED_REPLY` for a reply that is neither bytes nor nil
 *   (an integer or array answering GET: not Redis, never an empty value)
 */
export const toUndefined = (v: Buffer | null): Uint8Array | undefined => {
  if (v === null) return undefined;
  if (!(v instanceof Uint8Array)) throw unexpectedReply(v);
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
};

/**
 * An MGET reply as values: one bytes-or-nil per key.
 * @throws RedisBackendError `REDIS_UNEXPECTED_REPLY` when the reply is not an array of `count` of them
 */
export function toValues(reply: unknown, count: number): (Uint8Array | undefined)[] {
  if (!Array.isArray(reply)) throw unexpectedReply(reply);
  if (reply.length !== count) {
    throw new RedisBackendError(
      RedisErrorCode.unexpectedReply,
      `redis replied to MGET of ${count} keys with ${reply.length} values`,
      false,
    );
  }
  return reply.map(toUndefined);
}

function unexpectedReply(v: unknown): RedisBackendError {
  const kind = Array.isArray(v) ? "an array" : typeof v === "number" ? "an integer" : `a ${typeof v}`;
  return new RedisBackendError(
    RedisErrorCode.unexpectedReply,
    `redis replied with ${kind} where bulk bytes or nil were expected`,
    false,
  );
}
export const isOk = (v: unknown): boolean => v === OK;
export const isPositive = (v: unknown): boolean => typeof v === "number" && v > 0;

/** Redis accepts whole seconds ≥ 1 with EX; 0 and -1 mean "never" (plain SET). */
export function checkTimeout(timeout: number): void {
  if (Number.isInteger(timeout) && timeout >= -1) return;
  throw invalidTimeout(timeout);
}

export function invalidTimeout(timeout: number): RedisBackendError {
  return new RedisBackendError(
    RedisErrorCode.invalidTimeout,
    `invalid expire time ${timeout}: timeouts are whole SECONDS, > 0, or 0/-1 for never`,
    false,
  );
}

/** ioredis wants Buffer or string; a Buffer view over the same memory costs no copy. */
export function toBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/**
 * The error ioredis rejects a timed-out command with, for our own commands that time out the same
 * way: the backend's error mapping reads its message as `REDIS_COMMAND_TIMEOUT`, as for ioredis's.
 */
export function ioredisTimeoutError(): Error {
  return new Error("Command timed out");
}

/** `p`, or a transient `REDIS_COMMAND_TIMEOUT` rejection after `ms` MILLISECONDS if it has not settled. */
export function withDeadline<T>(p: Promise<T>, ms: number, target: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new RedisBackendError(
          RedisErrorCode.commandTimeout,
          `redis command timed out after ${ms} ms waiting for ${target}`,
          true,
        ),
      );
    }, ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
