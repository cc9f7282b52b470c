/**
 * Superset's `superset.utils.hashing`: `md5_sha_from_str`/`md5_sha_from_dict` (≤ 6.0)
 * and `hash_from_str`/`hash_from_dict` (6.1+, `HASH_ALGORITHM`). Output is lowercase hex.
 */
import * as nodeCrypto from "node:crypto";
import { dumps, dumpsUtf8, type PyJsonDumpsOptions } from "../codecs/json/dumps.js";
import { PyJsonEncodeError } from "../codecs/json/errors.js";
import { CacheConfigError } from "../core/errors.js";
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

// One-shot `crypto.hash` (Node >= 20.12) skips the Hash object; older Node 20 has only createHash.
const oneShotHash: ((algorithm: string, data: string | Uint8Array, encoding: "hex") => string) | undefined =
  typeof nodeCrypto.hash === "function" ? nodeCrypto.hash : undefined;

/** Lowercase hex digest of `data` (a string is hashed as its UTF-8 bytes); `dumpsUtf8`'s consumer. */
function hexDigest(data: string | Uint8Array, algorithm: HashAlgorithm): string {
  if (oneShotHash !== undefined) return oneShotHash(algorithm, data, "hex");
  const h = nodeCrypto.createHash(algorithm);
  return (typeof data === "string" ? h.update(data, "utf8") : h.update(data)).digest("hex");
}

function resolveAlgorithm(options: HashFromStrOptions): HashAlgorithm {
  const algorithm = options.algorithm ?? versionProfile(options.supersetVersion).hashAlgorithm;
  if (!ALGORITHMS.has(algorithm)) {
    throw new CacheConfigError(
      "UNSUPPORTED_HASH_ALGORITHM",
      "algorithm",
      `Unsupported hash algorithm: ${algorithm}`,
    );
  }
  return algorithm;
}

/**
 * `hash_from_str`: hex digest of the UTF-8 bytes of `value`.
 * @throws CacheConfigError `UNSUPPORTED_HASH_ALGORITHM` for anything but md5/sha256.
 */
export function hashFromStr(value: string, options: HashFromStrOptions = {}): string {
  return hexDigest(value, resolveAlgorithm(options));
}

/**
 * The exact JSON text `hash_from_dict` hashes (`sort_keys=True`), per version.
 * @throws PyJsonEncodeError where Superset's call raises (e.g. NaN under 4.1 – 6.0 without `ignoreNan`).
 */
export function hashInputJson(value: unknown, options: HashFromDictOptions = {}): string {
  const mode = jsonModeOf(options);
  const json = dumpsOptionsOf(options, mode);
  if (mode === "simplejson") return dumps(value, json);
  try {
    return dumps(value, json);
  } catch (err) {
    if (!retriesWithoutEncoding(err)) throw err;
    return dumps(value, { ...json, encoding: null });
  }
}

/**
 * `hash_from_dict` / `md5_sha_from_dict`: hash of the sorted-key simplejson text of `value`.
 * @throws PyJsonEncodeError for values Superset cannot encode; CacheConfigError `UNSUPPORTED_HASH_ALGORITHM`.
 */
export function hashFromDict(value: unknown, options: HashFromDictOptions = {}): string {
  const algorithm = resolveAlgorithm(options);
  const mode = jsonModeOf(options);
  const json = dumpsOptionsOf(options, mode);
  if (mode === "simplejson") return dumpsUtf8(value, json, hexDigest, algorithm);
  try {
    return dumpsUtf8(value, json, hexDigest, algorithm);
  } catch (err) {
    if (!retriesWithoutEncoding(err)) throw err;
    return dumpsUtf8(value, { ...json, encoding: null }, hexDigest, algorithm);
  }
}

function jsonModeOf(options: HashFromDictOptions): HashJsonMode {
  return options.jsonMode ?? versionProfile(options.supersetVersion).hashJson;
}

/** Superset's `json.dumps(value, sort_keys=True, …)` keywords under `mode`. */
function dumpsOptionsOf(options: HashFromDictOptions, mode: HashJsonMode): PyJsonDumpsOptions {
  return {
    sortKeys: true,
    ignoreNan: options.ignoreNan ?? false,
    allowNan: mode !== "superset-json",
    default: options.default,
  };
}

/**
 * `superset.utils.json.dumps` (every mode but plain `simplejson`) retries with
 * `encoding=None` on UnicodeDecodeError, which sends every bytes value to the `default` hook.
 */
function retriesWithoutEncoding(err: unknown): boolean {
  return err instanceof PyJsonEncodeError && err.code === "PYJSON_BYTES_NOT_UTF8";
}
