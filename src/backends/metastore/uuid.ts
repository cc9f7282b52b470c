/**
 * Row ids of Superset's `key_value` table for `SupersetMetastoreCache`: the namespace is
 * derived from the cache's CACHE_KEY_PREFIX, the row id is RFC 4122 uuid3(namespace, key).
 */
import { createHash } from "node:crypto";
import { CacheConfigError } from "../../core/errors.js";

/** Superset's HASH_ALGORITHM values that pick the namespace digest. */
export type MetastoreHashAlgorithm = "md5" | "sha256";

/** Options of {@link metastoreUuid}. */
export interface MetastoreUuidOptions {
  /** The cache's CACHE_KEY_PREFIX (the namespace seed). Default `""`. */
  keyPrefix?: string;
  /** Superset's HASH_ALGORITHM for the namespace. Default `"md5"` (every release up to 6.0). */
  algorithm?: MetastoreHashAlgorithm;
}

const UUID_BYTES = 16;

/**
 * The 16 namespace bytes for a seed: the first 16 bytes of md5/sha256 of the UTF-8 seed,
 * taken verbatim (Superset sets no version/variant bits here).
 * @throws CacheConfigError `METASTORE_HASH_ALGORITHM` for an algorithm other than md5/sha256.
 */
export function metastoreNamespace(seed: string, algorithm: MetastoreHashAlgorithm = "md5"): Uint8Array {
  if (algorithm !== "md5" && algorithm !== "sha256") {
    throw new CacheConfigError(
      "METASTORE_HASH_ALGORITHM",
      "HASH_ALGORITHM",
      `unsupported hash algorithm ${JSON.stringify(algorithm)} (md5 or sha256)`,
    );
  }
  const digest = createHash(algorithm).update(seed, "utf8").digest();
  return new Uint8Array(digest.subarray(0, UUID_BYTES));
}

/** RFC 4122 version 3 uuid bytes: md5(namespace bytes + UTF-8 name) with version 3 and variant bits set. */
export function uuid3Bytes(namespace: Uint8Array, name: string): Uint8Array {
  const digest = createHash("md5").update(namespace).update(name, "utf8").digest();
  const out = new Uint8Array(digest.subarray(0, UUID_BYTES));
  out[6] = (out[6]! & 0x0f) | 0x30;
  out[8] = (out[8]! & 0x3f) | 0x80;
  return out;
}

/** The canonical 8-4-4-4-12 lowercase form of 16 uuid bytes, as Python's `str(uuid)`. */
export function formatUuid(bytes: Uint8Array): string {
  const h = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The `key_value.uuid` of a cache key in a `SupersetMetastoreCache`, exactly as Superset
 * computes it: `uuid3(get_uuid_namespace(CACHE_KEY_PREFIX), key)`. The key is the logical
 * cache key (no prefix is prepended; the prefix only seeds the namespace).
 * @returns the uuid as a lowercase hyphenated string
 * @throws CacheConfigError `METASTORE_HASH_ALGORITHM` for an unsupported algorithm.
 */
export function metastoreUuid(key: string, options: MetastoreUuidOptions = {}): string {
  return formatUuid(uuid3Bytes(metastoreNamespace(options.keyPrefix ?? "", options.algorithm), key));
}
