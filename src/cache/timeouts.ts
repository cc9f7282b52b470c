/**
 * Timeout resolution, as cachelib's `BaseCache._normalize_timeout`: `undefined`/`null` → the
 * cache's default; every other number is passed to the backend unchanged (0 = never expire,
 * negative values behave per backend). All values are SECONDS.
 */
import { CacheArgumentError } from "./cache-errors.js";

/**
 * @param timeout SECONDS, or undefined/null for the default
 * @param defaultTimeout SECONDS
 * @throws CacheArgumentError `INVALID_TIMEOUT` when `timeout` is not a finite number
 */
export function resolveTimeout(timeout: number | null | undefined, defaultTimeout: number): number {
  if (timeout === undefined || timeout === null) return defaultTimeout;
  if (typeof timeout !== "number" || !Number.isFinite(timeout)) {
    throw new CacheArgumentError(
      "INVALID_TIMEOUT",
      `timeout must be a finite number of seconds, got ${String(timeout)}`,
    );
  }
  return timeout;
}
