/**
 * `cache.memoize(fn, options)` and `cache.cached(options)`, in the spirit of Flask-Caching's
 * decorators. Keys are our own (Python's cannot be reproduced from Node: Flask-Caching hashes
 * the Python `repr()` of the arguments, see docs/stampede.md):
 *
 *   memoize: `<name>:<version>:<hex digest of name + stable JSON of the arguments>`
 *   version: `<name>_memver` holds a random version string (Flask-Caching's idea), so
 *            `deleteAll()` invalidates every argument set of one function with one write.
 *   cached:  `view/<function name>` or the caller's key prefix (string or function of the args).
 *
 * Misses go through `getOrSet`, so memoized functions get single flight (and, with options,
 * the lock, timeouts and grace) for free.
 */
import { createHash, randomBytes } from "node:crypto";
import stableStringify from "fast-json-stable-stringify";
import type { MemoizeErrorCode } from "../core/error-codes/index.js";
import { CacheArgumentError } from "../core/errors.js";
import type { Storable } from "../python/values.js";
import type { Cache } from "./cache.js";
import type { GetOrSetOptions } from "./stampede/get-or-set.js";

/** Suffix of the per-function version key (Flask-Caching's `_memver`). */
export const MEMOIZE_VERSION_SUFFIX = "_memver";
/** Random bytes in a version string (6 base64url chars, as long as Flask-Caching's). */
const VERSION_BYTES = 4;
const VERSION_CHARS = 6;

/** Bad memoize/cached input. Codes: `MEMOIZE_NAME_REQUIRED`, `MEMOIZE_ARGS_NOT_SERIALIZABLE`. */
export class MemoizeError extends CacheArgumentError {
  declare readonly code: MemoizeErrorCode;
  constructor(code: MemoizeErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Stampede options passed through to `getOrSet` (everything but the entry timeout and refresh). */
export type MemoizeStampedeOptions = Omit<GetOrSetOptions, "timeout" | "forceRefresh">;

export interface MemoizeOptions<A extends unknown[]> {
  /** Name in keys; default `fn.name` (required for anonymous functions). */
  name?: string;
  /** Entry (and version key) timeout in SECONDS; undefined = the cache default, 0 = never. */
  timeout?: number | null;
  /** When it returns true the call bypasses the cache (neither read nor written). */
  unless?: (...args: A) => boolean;
  /** Digest of the arguments. Default `md5` (Flask-Caching 2.0's default). */
  hashMethod?: "md5" | "sha256";
  /** Passed to `getOrSet` on a miss (lock, soft/hard timeouts, grace). */
  stampede?: MemoizeStampedeOptions;
}

/** A memoized function plus its invalidation handles. */
export type Memoized<A extends unknown[], R> = ((...args: A) => Promise<R>) & {
  /** Run `fn` now and overwrite the entry for these arguments (forced refresh). */
  refresh(...args: A): Promise<R>;
  /** Delete the entry for these arguments. @returns the backend's delete report */
  delete(...args: A): Promise<boolean>;
  /** Invalidate every entry of this function (writes a new version). @returns true when stored */
  deleteAll(): Promise<boolean>;
  /** The (unprefixed) cache key for these arguments under the current version. */
  cacheKey(...args: A): Promise<string>;
};

function newVersion(): string {
  return randomBytes(VERSION_BYTES).toString("base64url").slice(0, VERSION_CHARS);
}

function argsDigest(name: string, args: readonly unknown[], method: "md5" | "sha256"): string {
  let json: string;
  try {
    json = stableStringify(args);
  } catch (err) {
    throw new MemoizeError(
      "MEMOIZE_ARGS_NOT_SERIALIZABLE",
      `arguments of ${name} cannot be hashed as JSON (bigint or a cycle?)`,
      { cause: err },
    );
  }
  return createHash(method).update(name).update(json).digest("hex");
}

/**
 * Wrap `fn` so results are cached per argument list.
 * @throws MemoizeError `MEMOIZE_NAME_REQUIRED` for an anonymous function without `options.name`
 */
export function memoize<A extends unknown[], R>(
  cache: Cache,
  fn: (...args: A) => (R & Storable<R>) | Promise<R & Storable<R>>,
  options: MemoizeOptions<A> = {},
): Memoized<A, R> {
  const name = options.name ?? fn.name;
  if (!name)
    throw new MemoizeError("MEMOIZE_NAME_REQUIRED", "memoize needs options.name for an anonymous function");
  const versionKey = name + MEMOIZE_VERSION_SUFFIX;
  const method = options.hashMethod ?? "md5";

  const version = async (): Promise<string> => {
    const stored = await cache.get(versionKey);
    if (typeof stored === "string") return stored;
    const fresh = newVersion();
    // add: two processes creating the version at once agree on the first one stored.
    if (await cache.add(versionKey, fresh, options.timeout)) return fresh;
    const winner = await cache.get(versionKey);
    return typeof winner === "string" ? winner : fresh;
  };
  const cacheKey = async (...args: A): Promise<string> =>
    `${name}:${await version()}:${argsDigest(name, args, method)}`;
  const load = (args: A, forceRefresh: boolean) => async (): Promise<R> => {
    const key = await cacheKey(...args);
    const value = await cache.getOrSet(key, () => fn(...args), {
      ...options.stampede,
      timeout: options.timeout,
      forceRefresh,
    });
    return value as R;
  };

  const memoized = (async (...args: A): Promise<R> => {
    if (options.unless?.(...args)) return fn(...args);
    return load(args, false)();
  }) as Memoized<A, R>;
  memoized.refresh = (...args: A) => load(args, true)();
  memoized.delete = async (...args: A) => cache.delete(await cacheKey(...args));
  memoized.deleteAll = () => cache.set(versionKey, newVersion(), options.timeout);
  memoized.cacheKey = cacheKey;
  return memoized;
}

export interface CachedOptions<A extends unknown[]> {
  /** Key, or a function of the arguments giving it. Default `view/<function name>`. */
  keyPrefix?: string | ((...args: A) => string);
  /** Timeout in SECONDS; undefined = the cache default, 0 = never. */
  timeout?: number | null;
  /** When it returns true the call bypasses the cache. */
  unless?: (...args: A) => boolean;
  /** When it returns true the function runs and overwrites the entry (Flask-Caching's forced_update). */
  forcedUpdate?: (...args: A) => boolean;
  /** Passed to `getOrSet` on a miss. */
  stampede?: MemoizeStampedeOptions;
}

/**
 * A decorator-like wrapper caching a function's result under one key (Flask-Caching `@cached`).
 * @throws MemoizeError `MEMOIZE_NAME_REQUIRED` for an anonymous function without a key prefix
 */
export function cached<A extends unknown[]>(cache: Cache, options: CachedOptions<A> = {}) {
  return <R>(
    fn: (...args: A) => (R & Storable<R>) | Promise<R & Storable<R>>,
  ): ((...args: A) => Promise<R>) => {
    const prefix = options.keyPrefix;
    if (prefix === undefined && !fn.name) {
      throw new MemoizeError(
        "MEMOIZE_NAME_REQUIRED",
        "cached needs options.keyPrefix for an anonymous function",
      );
    }
    const keyOf = (args: A): string =>
      typeof prefix === "function" ? prefix(...args) : (prefix ?? `view/${fn.name}`);
    return async (...args: A): Promise<R> => {
      if (options.unless?.(...args)) return fn(...args);
      const value = await cache.getOrSet(keyOf(args), () => fn(...args), {
        ...options.stampede,
        timeout: options.timeout,
        forceRefresh: options.forcedUpdate?.(...args) ?? false,
      });
      return value as R;
    };
  };
}
