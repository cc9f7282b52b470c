/**
 * `thumbnailCacheKey`: the key a chart or dashboard screenshot is cached under in
 * THUMBNAIL_CACHE_CONFIG (before the cache's CACHE_KEY_PREFIX, which the Cache applies).
 * Superset: `BaseScreenshot.cache_key()` (≤ 4.0) / `get_cache_key()` (4.1+) =
 * `md5_sha_from_dict(args)` (≤ 6.0) / `hash_from_dict(args)` (6.1+, HASH_ALGORITHM).
 */
import { hashFromDict } from "../hashing.js";
import type { HashAlgorithm, SupersetVersion } from "../versions.js";

/** Width and height in pixels. */
export type WindowSize = readonly [number, number];

export type ThumbnailType = "chart" | "dashboard";

/** Superset 5.x defaults (`DEFAULT_CHART_*`, `DEFAULT_DASHBOARD_*` in screenshots.py), pixels. */
export const DEFAULT_SIZES: Readonly<Record<ThumbnailType, { window: WindowSize; thumb: WindowSize }>> = {
  chart: { window: [800, 600], thumb: [800, 600] },
  dashboard: { window: [1600, 1200], thumb: [800, 600] },
};

export interface ThumbnailKeyInput {
  thumbnailType: ThumbnailType;
  /** The chart/dashboard `digest` (read it from Superset's API: its recipe is not reproducible). */
  digest: string | null;
  /** Browser window size in pixels. Default: {@link DEFAULT_SIZES}. */
  windowSize?: WindowSize;
  /** Thumbnail size in pixels. Default: {@link DEFAULT_SIZES}. */
  thumbSize?: WindowSize;
  /** Dashboards only (4.1+): the permalink key of a screenshot of a dashboard state; null for plain thumbnails. */
  permalinkKey?: string | null;
}

export interface ThumbnailKeyOptions {
  /** Superset release whose rules apply. Default: the library default (6.1). */
  supersetVersion?: SupersetVersion;
  /** HASH_ALGORITHM when the deployment sets it (6.1+). Default: the version's default (md5 before 6.1, sha256 after). */
  algorithm?: HashAlgorithm;
}

/** Versions whose DashboardScreenshot has no `permalink_key` in its cache-key dict. */
const WITHOUT_PERMALINK_KEY: ReadonlySet<SupersetVersion> = new Set(["4.0"]);

/**
 * The dict Superset hashes for this screenshot, in Superset's insertion order (the hash sorts keys).
 */
export function thumbnailKeyArgs(
  input: ThumbnailKeyInput,
  options: ThumbnailKeyOptions = {},
): Record<string, unknown> {
  const defaults = DEFAULT_SIZES[input.thumbnailType];
  const args: Record<string, unknown> = {
    thumbnail_type: input.thumbnailType,
    digest: input.digest,
    type: "thumb",
    window_size: [...(input.windowSize ?? defaults.window)],
    thumb_size: [...(input.thumbSize ?? defaults.thumb)],
  };
  const version = options.supersetVersion;
  if (input.thumbnailType === "dashboard" && !(version && WITHOUT_PERMALINK_KEY.has(version))) {
    args.permalink_key = input.permalinkKey ?? null;
  }
  return args;
}

/**
 * The thumbnail cache key (hex digest).
 * @throws CacheConfigError `UNSUPPORTED_HASH_ALGORITHM` or `UNSUPPORTED_SUPERSET_VERSION`
 */
export function thumbnailCacheKey(input: ThumbnailKeyInput, options: ThumbnailKeyOptions = {}): string {
  return hashFromDict(thumbnailKeyArgs(input, options), {
    supersetVersion: options.supersetVersion,
    algorithm: options.algorithm,
  });
}
