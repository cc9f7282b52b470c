/**
 * Superset's `superset.utils.hashing`: `md5_sha_from_str`/`md5_sha_from_dict` (≤ 6.0)
 * and `hash_from_str`/`hash_from_dict` (6.1+, `HASH_ALGORITHM`). Output is lowercase hex.
 */
import { createHash } from "node:crypto";
import { SupersetCacheError } from "../errors.js";
import { dumps, type PyJsonDumpsOptions } from "./pyjson/dumps.js";
import { PyJsonEncodeError } from "./pyjson/errors.js";
import { type HashAlgorithm, type HashJsonMode, type SupersetVersion, versionProfile } from "./versions.js";

const ALGORITHMS: ReadonlySet<string> = new Set<HashAlgorithm>(["md5", "sha256"]);

/** Options of {@link hashFromStr}. */
export interface HashFromStrOptions {
  /** Default: the `HASH_ALGORITHM` default of `supersetVersion` (md5 before 6.1, sha256 after). */
  algorithm?: HashAlgorithm;
  /** Picks the default algorithm. Default: the library's default profile (6.1). */
  supersetVersion?: SupersetVersion;
}

/** Options of {@link hashFromDict}: Superset's keyword arguments plus the version. */
export interface HashFromDictOptions extends HashFromStrOptions {
  /** `ignore_nan`: NaN/±Infinity written as `null`. Default `false`. */
  ignoreNan?: boolean;
  /** The simplejson `default` hook (e.g. `json_int_dttm_ser`). Default none. */
  default?: (value: unknown) => unknown;
  /** How the version calls simplejson. Default: from `supersetVersion`. */
  jsonMode?: HashJsonMode;
}

function resolveAlgorithm(options: HashFromStrOptions): HashAlgorithm {
  const algorithm = options.algorithm ?? versionProfile(options.supersetVersion).hashAlgorithm;
  if (!ALGORITHMS.has(algorithm)) {
    throw new SupersetCacheError("UNSUPPORTED_HASH_ALGORITHM", `Unsupported hash algorithm: ${algorithm}`);
  }
  return algorithm;
}

/**
 * `hash_from_str`: hex digest of the UTF-8 bytes of `value`.
 * @throws SupersetCacheError `UNSUPPORTED_HASH_ALGORITHM` for anything but md5/sha256.
 */
export function hashFromStr(value: string, options: HashFromStrOptions = {}): string {
  return createHash(resolveAlgorithm(options)).update(value, "utf8").digest("hex");
}

/**
 * The exact JSON text `hash_from_dict` hashes (`sort_keys=True`), per version.
 * @throws PyJsonEncodeError where Superset's call raises (e.g. NaN under 4.1 – 6.0 without `ignoreNan`).
 */
export function hashInputJson(value: unknown, options: HashFromDictOptions = {}): string {
  const mode = options.jsonMode ?? versionProfile(options.supersetVersion).hashJson;
  const json: PyJsonDumpsOptions = {
    sortKeys: true,
    ignoreNan: options.ignoreNan ?? false,
    allowNan: mode !== "superset-json",
    default: options.default,
  };
  if (mode === "simplejson") return dumps(value, json);
  try {
    return dumps(value, json);
  } catch (err) {
    // superset.utils.json.dumps retries with encoding=None on UnicodeDecodeError, which
    // sends every bytes value to the `default` hook.
    if (err instanceof PyJsonEncodeError && err.code === "PYJSON_BYTES_NOT_UTF8") {
      return dumps(value, { ...json, encoding: null });
    }
    throw err;
  }
}

/**
 * `hash_from_dict` / `md5_sha_from_dict`: hash of the sorted-key simplejson text of `value`.
 * @throws PyJsonEncodeError for values Superset cannot encode; SupersetCacheError `UNSUPPORTED_HASH_ALGORITHM`.
 */
export function hashFromDict(value: unknown, options: HashFromDictOptions = {}): string {
  const algorithm = resolveAlgorithm(options);
  return createHash(algorithm).update(hashInputJson(value, options), "utf8").digest("hex");
}
