/**
 * The storage key rule, applied by `Cache` to every key before any backend sees it.
 */
import { isWellFormed } from "../codecs/pickle/encode/python-bytes.js";
import { CacheArgumentError } from "./cache-errors.js";

/**
 * `prefix + key`, the bytes every backend stores under (their UTF-8 form).
 * @throws CacheArgumentError `KEY_NOT_UTF8` for a key with a lone UTF-16 surrogate: it has no
 *   UTF-8 form, so Redis, Memcached and the metastore would store `"\ud800"`, `"\udfff"` and
 *   `"\ufffd"` as one key; Python's `key.encode()` raises, on every backend
 */
export function storageKeyOf(prefix: string, key: string): string {
  const full = prefix + key;
  if (!isWellFormed(full)) {
    throw new CacheArgumentError(
      "KEY_NOT_UTF8",
      "cache key contains a lone UTF-16 surrogate and has no UTF-8 form",
    );
  }
  return full;
}
