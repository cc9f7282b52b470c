import type {
  ArgumentErrorCode,
  BackendErrorCode,
  ConfigErrorCode,
  DecodeErrorCode,
  EncodeErrorCode,
  SupersetCacheErrorCode,
} from "./error-codes/index.js";

/**
 * Every error this library throws is a `SupersetCacheError` with a stable `code` string.
 * Codes never change meaning between releases; messages may. docs/errors.md lists them all.
 */
export class SupersetCacheError extends Error {
  /** Stable machine-readable code, e.g. `CONFIG_UNKNOWN_KEY`. */
  readonly code: SupersetCacheErrorCode;

  constructor(code: SupersetCacheErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Invalid or unsupported configuration or options. `path` names the offending key, e.g. `DATA_CACHE_CONFIG.CACHE_TYPE`. */
export class CacheConfigError extends SupersetCacheError {
  declare readonly code: ConfigErrorCode;
  readonly path: string;

  constructor(code: ConfigErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(code, `${path}: ${message}`, options);
    this.path = path;
  }
}

/**
 * A caller passed an argument the library cannot act on (a non-numeric timeout, `inc` on a value
 * that is not a number, …). Never swallowed by the fail-open policy: it is a bug in the caller.
 */
export class CacheArgumentError extends SupersetCacheError {
  declare readonly code: ArgumentErrorCode;

  constructor(code: ArgumentErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A backend (Redis, file system, database, …) failed or is unreachable. */
export class CacheBackendError extends SupersetCacheError {
  declare readonly code: BackendErrorCode;
  /** Name of the backend that failed, e.g. `redis`. */
  readonly backend: string;

  constructor(code: BackendErrorCode, backend: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.backend = backend;
  }
}

/** Stored bytes could not be turned into a value (bad pickle, bad header, bad zlib, …). */
export class CacheDecodeError extends SupersetCacheError {
  declare readonly code: DecodeErrorCode;

  constructor(code: DecodeErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A value could not be turned into bytes (unsupported type, value out of range, …). */
export class CacheEncodeError extends SupersetCacheError {
  declare readonly code: EncodeErrorCode;

  constructor(code: EncodeErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
