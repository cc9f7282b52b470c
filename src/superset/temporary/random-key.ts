/**
 * Superset's `random_key()`: `secrets.token_urlsafe(n)` — n CSPRNG bytes as base64url
 * without padding. 8 bytes (11 characters) since Superset 5.0 (#31905); 48 bytes
 * (64 characters) before, and for permalink salts.
 */
import { randomBytes } from "node:crypto";
import { CacheArgumentError } from "../../core/errors.js";

/** Bytes per key from Superset 5.0 on. */
export const RANDOM_KEY_BYTES = 8;
/** Bytes per key up to Superset 4.x. */
export const LEGACY_RANDOM_KEY_BYTES = 48;

/**
 * A new state key of `nbytes` random bytes (default 8 → 11 characters).
 * @throws CacheArgumentError `INVALID_RANDOM_KEY_BYTES` when `nbytes` is not a positive integer
 */
export function randomKey(nbytes: number = RANDOM_KEY_BYTES): string {
  if (!Number.isInteger(nbytes) || nbytes < 1)
    throw new CacheArgumentError(
      "INVALID_RANDOM_KEY_BYTES",
      `nbytes must be a positive integer, got ${nbytes}`,
    );
  return randomBytes(nbytes).toString("base64url");
}
