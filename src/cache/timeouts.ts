/**
 * Timeout resolution, as cachelib's `BaseCache._normalize_timeout`: `undefined`/`null` → the
 * cache's default; every other whole number is passed to the backend unchanged (0 = never
 * expire, negative values behave per backend). All values are SECONDS.
 *
 * Fractions are refused for every backend alike. In Python they behave differently per backend:
 * RedisCache sends `SETEX key 1.5` and Redis answers "value is not an integer or out of range"
 * (an error), FileSystemCache truncates with `int()`, SimpleCache keeps the fraction. A fraction
 * is a caller bug, so it throws whatever the fail-open policy says.
 */
import { CacheArgumentError } from "./cache-errors.js";

/**
 * @param timeout SECONDS (a whole number), or undefined/null for the default
 * @param defaultTimeout SECONDS, validated where the cache is configured
 * @throws CacheArgumentError `INVALID_TIMEOUT` when `timeout` is not a whole number
 */
export function resolveTimeout(timeout: number | null | undefined, defaultTimeout: number): number {
  if (timeout === undefined || timeout === null) return defaultTimeout;
  if (!Number.isInteger(timeout)) {
    throw new CacheArgumentError(
      "INVALID_TIMEOUT",
      `timeout must be a whole number of seconds, got ${String(timeout)}`,
    );
  }
  return timeout;
}
