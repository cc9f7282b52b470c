/**
 * `ThumbnailCache`: screenshots in the named thumbnail cache (THUMBNAIL_CACHE_CONFIG), keyed and
 * shaped as the selected Superset version does it. Reads accept every shape.
 */
import type { PyValue } from "../../python/values.js";
import { DEFAULT_SUPERSET_VERSION, type HashAlgorithm, type SupersetVersion } from "../versions.js";
import { type ThumbnailKeyInput, thumbnailCacheKey } from "./thumbnail-key.js";
import {
  readThumbnailValue,
  type ThumbnailEntry,
  type ThumbnailValueShape,
  type ThumbnailWriteInput,
  thumbnailShapeFor,
  thumbnailValue,
} from "./thumbnail-value.js";

/** The slice of `Cache` used here (`CacheManager.thumbnailCache` satisfies it). */
export interface ThumbnailStore {
  get(key: string): Promise<PyValue | undefined>;
  /** `timeout` in SECONDS; undefined = the cache's CACHE_DEFAULT_TIMEOUT (what Superset uses). */
  set(key: string, value: PyValue, timeout?: number | null): Promise<boolean>;
}

export interface ThumbnailCacheOptions {
  /** Default: the library default (6.1). */
  supersetVersion?: SupersetVersion;
  /** HASH_ALGORITHM when set in the deployment. Default: the version's default. */
  algorithm?: HashAlgorithm;
  /** Force the written shape (e.g. `payload-object` for 5.0 pre-releases). Default: the version's. */
  shape?: ThumbnailValueShape;
}

export class ThumbnailCache {
  readonly supersetVersion: SupersetVersion;
  readonly shape: ThumbnailValueShape;
  private readonly algorithm: HashAlgorithm | undefined;

  constructor(
    private readonly cache: ThumbnailStore,
    options: ThumbnailCacheOptions = {},
  ) {
    this.supersetVersion = options.supersetVersion ?? DEFAULT_SUPERSET_VERSION;
    this.algorithm = options.algorithm;
    this.shape = options.shape ?? thumbnailShapeFor(this.supersetVersion);
  }

  /** The cache key for a screenshot (see {@link thumbnailCacheKey}). */
  key(input: ThumbnailKeyInput): string {
    return thumbnailCacheKey(input, { supersetVersion: this.supersetVersion, algorithm: this.algorithm });
  }

  /**
   * Read a screenshot entry by key or by its key inputs; undefined when absent.
   * @throws ThumbnailDecodeError when the stored value is not a screenshot entry
   */
  async get(keyOrInput: string | ThumbnailKeyInput): Promise<ThumbnailEntry | undefined> {
    const value = await this.cache.get(this.resolve(keyOrInput));
    return value === undefined || value === null ? undefined : readThumbnailValue(value);
  }

  /**
   * Store a screenshot in this version's shape, with the cache's default timeout unless
   * `timeoutSeconds` is given (SECONDS).
   */
  async set(
    keyOrInput: string | ThumbnailKeyInput,
    input: ThumbnailWriteInput,
    timeoutSeconds?: number,
  ): Promise<boolean> {
    return this.cache.set(this.resolve(keyOrInput), thumbnailValue(input, this.shape), timeoutSeconds);
  }

  private resolve(keyOrInput: string | ThumbnailKeyInput): string {
    return typeof keyOrInput === "string" ? keyOrInput : this.key(keyOrInput);
  }
}
