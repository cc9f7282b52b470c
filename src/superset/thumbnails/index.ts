/** Chart and dashboard screenshots in the thumbnail cache: keys and stored values per Superset version. */
export { ThumbnailCache, type ThumbnailCacheOptions, type ThumbnailStore } from "./thumbnail-cache.js";
export {
  DEFAULT_SIZES,
  type ThumbnailKeyInput,
  type ThumbnailKeyOptions,
  type ThumbnailType,
  thumbnailCacheKey,
  thumbnailKeyArgs,
  type WindowSize,
} from "./thumbnail-key.js";
export {
  nowIsoformat,
  readThumbnailValue,
  THUMBNAIL_STATUSES,
  ThumbnailDecodeError,
  type ThumbnailEntry,
  type ThumbnailStatus,
  type ThumbnailValueShape,
  type ThumbnailWriteInput,
  thumbnailShapeFor,
  thumbnailValue,
} from "./thumbnail-value.js";
