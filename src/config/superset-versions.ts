/**
 * The Superset releases this library models, as names, below every layer that needs them
 * (`CacheManager`'s `supersetVersion` option; the rules of each are in superset/versions.ts).
 */

/** Supported `supersetVersion` values. `"5.0"` is an alias of `"4.1"` (same rules 4.1 – 5.x). */
export const SUPERSET_VERSION_NAMES = ["4.0", "4.1", "5.0", "6.0", "6.1", "master"] as const;

/** A supported `supersetVersion`. */
export type SupersetVersion = (typeof SUPERSET_VERSION_NAMES)[number];

/** Hash algorithms Superset accepts in `HASH_ALGORITHM`. */
export type HashAlgorithm = "md5" | "sha256";

/** `true` when `value` is a supported `supersetVersion`. */
export function isSupersetVersion(value: unknown): value is SupersetVersion {
  return (SUPERSET_VERSION_NAMES as readonly unknown[]).includes(value);
}
