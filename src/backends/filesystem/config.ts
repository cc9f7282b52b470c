/**
 * Flask-Caching config → `FileSystemBackend` options, as `FileSystemCache.factory` builds the
 * cachelib object: `cls(CACHE_DIR, threshold=CACHE_THRESHOLD, ignore_errors=…, default_timeout=…,
 * **CACHE_OPTIONS)` with Flask-Caching's defaults `mode=0o600`, `hash_method=hashlib.md5`.
 */

import type { ResolvedCacheConfig } from "../../config/config-types.js";
import { CacheConfigError } from "../../core/errors.js";
import type { FileSystemBackendOptions } from "./backend.js";
import { FILE_HASH_METHODS, type FileHashMethod } from "./format.js";

// CACHE_OPTIONS keys the Python constructor accepts (plus `fsync`, `sync_reads`, `sync_writes`, `atomic_replace` and `read_memo_bytes`, Node-only
// switches); anything else is a TypeError in Python, so it is refused here too.
const KNOWN_OPTIONS = new Set([
  "default_timeout",
  "mode",
  "hash_method",
  "ignore_errors",
  "threshold",
  "fsync",
  "sync_reads",
  "sync_writes",
  "atomic_replace",
  "read_memo_bytes",
]);
// Node-only boolean switches: CACHE_OPTIONS key → backend option.
const BOOLEAN_OPTIONS = [
  ["fsync", "fsync"],
  ["sync_reads", "syncReads"],
  ["sync_writes", "syncWrites"],
  ["atomic_replace", "atomicReplace"],
] as const;
const MAX_MODE = 0o7777;

function parseMode(value: unknown, path: string): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_MODE) return value;
  // JSON configs cannot write 0o644 literally; accept Python's spelling as a string.
  if (typeof value === "string" && /^0o[0-7]{1,4}$/.test(value)) return Number.parseInt(value.slice(2), 8);
  throw new CacheConfigError(
    "CONFIG_INVALID_VALUE",
    path,
    `must be a file mode such as 0o600 (a number) or "0o600", got ${JSON.stringify(value)}`,
  );
}

function parseHashMethod(value: unknown, path: string): FileHashMethod {
  // Python configs name the function (`hashlib.sha256`); accept that spelling and the bare name.
  const name = typeof value === "string" ? value.replace(/^hashlib\./, "") : undefined;
  if (name !== undefined && (FILE_HASH_METHODS as readonly string[]).includes(name))
    return name as FileHashMethod;
  throw new CacheConfigError(
    "CONFIG_INVALID_VALUE",
    path,
    `must be one of ${FILE_HASH_METHODS.join(", ")} (optionally as "hashlib.<name>"), got ${JSON.stringify(value)}`,
  );
}

/**
 * Options for `FileSystemBackend.open` from a resolved cache dict. `CACHE_OPTIONS.hash_method`
 * wins over `CACHE_FILE_HASH_METHOD` (FC 2.5's key); the factory's `CACHE_THRESHOLD` wins over
 * `CACHE_OPTIONS.threshold`, as in Flask-Caching.
 * @throws CacheConfigError `CONFIG_MISSING_VALUE` without `CACHE_DIR`; `CONFIG_INVALID_VALUE` for a
 *   bad threshold, mode or hash method; `CONFIG_UNKNOWN_KEY` for a `CACHE_OPTIONS` key the Python
 *   constructor would reject.
 */
export function fileSystemOptionsFromConfig(
  config: ResolvedCacheConfig,
  path: string,
): Omit<FileSystemBackendOptions, "clock" | "onDecodeError"> {
  if (typeof config.CACHE_DIR !== "string" || config.CACHE_DIR === "") {
    throw new CacheConfigError(
      "CONFIG_MISSING_VALUE",
      `${path}.CACHE_DIR`,
      "FileSystemCache needs CACHE_DIR",
    );
  }
  const threshold = config.CACHE_THRESHOLD;
  if (!Number.isInteger(threshold) || threshold < 0) {
    throw new CacheConfigError(
      "CONFIG_INVALID_VALUE",
      `${path}.CACHE_THRESHOLD`,
      `must be an integer >= 0 (0 = no limit), got ${threshold}`,
    );
  }
  const options = config.CACHE_OPTIONS ?? {};
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new CacheConfigError(
        "CONFIG_UNKNOWN_KEY",
        `${path}.CACHE_OPTIONS.${key}`,
        `FileSystemCache does not take "${key}"; known: ${[...KNOWN_OPTIONS].join(", ")}`,
      );
    }
  }
  const result: Omit<FileSystemBackendOptions, "clock" | "onDecodeError"> = {
    dir: config.CACHE_DIR,
    threshold,
  };
  if (options.mode !== undefined) result.mode = parseMode(options.mode, `${path}.CACHE_OPTIONS.mode`);
  const hash = options.hash_method ?? config.CACHE_FILE_HASH_METHOD;
  if (hash !== undefined) {
    const where = options.hash_method !== undefined ? "CACHE_OPTIONS.hash_method" : "CACHE_FILE_HASH_METHOD";
    result.hashMethod = parseHashMethod(hash, `${path}.${where}`);
  }
  const memo = options.read_memo_bytes;
  if (memo !== undefined) {
    if (typeof memo !== "number" || !Number.isSafeInteger(memo) || memo < 0) {
      throw new CacheConfigError(
        "CONFIG_INVALID_VALUE",
        `${path}.CACHE_OPTIONS.read_memo_bytes`,
        `must be an integer >= 0 (bytes; 0 = off), got ${JSON.stringify(memo)}`,
      );
    }
    result.readMemoBytes = memo;
  }
  for (const [key, option] of BOOLEAN_OPTIONS) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== "boolean") {
      throw new CacheConfigError("CONFIG_INVALID_VALUE", `${path}.CACHE_OPTIONS.${key}`, "must be a boolean");
    }
    result[option] = value;
  }
  return result;
}
