/**
 * Every error this library throws is a `SupersetCacheError` with a stable `code` string.
 * Codes never change meaning between releases; messages may.
 */
export class SupersetCacheError extends Error {
  /** Stable machine-readable code, e.g. `CONFIG_UNKNOWN_KEY`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Invalid or unsupported configuration. `path` names the offending key, e.g. `DATA_CACHE_CONFIG.CACHE_TYPE`. */
export class CacheConfigError extends SupersetCacheError {
  readonly path: string;

  constructor(code: string, path: string, message: string, options?: { cause?: unknown }) {
    super(code, `${path}: ${message}`, options);
    this.path = path;
  }
}

/** A backend (Redis, file system, database, …) failed or is unreachable. */
export class CacheBackendError extends SupersetCacheError {
  /** Name of the backend that failed, e.g. `redis`. */
  readonly backend: string;

  constructor(code: string, backend: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.backend = backend;
  }
}

/** Stored bytes could not be turned into a value (bad pickle, bad header, bad zlib, …). */
export class CacheDecodeError extends SupersetCacheError {}

/** A value could not be turned into bytes (unsupported type, value out of range, …). */
export class CacheEncodeError extends SupersetCacheError {}
