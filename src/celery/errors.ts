/** The errors of `superset-cache/celery`, each with a stable code from core/error-codes/. */
import type { AsyncEventsErrorCode, CeleryErrorCode } from "../core/error-codes/index.js";
import { SupersetCacheError } from "../core/errors.js";

/** A Celery message, queue or result could not be built or read. */
export class CeleryError extends SupersetCacheError {
  declare readonly code: CeleryErrorCode;

  constructor(code: CeleryErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Superset's async-query event streams refused an operation or held something unreadable. */
export class AsyncEventsError extends SupersetCacheError {
  declare readonly code: AsyncEventsErrorCode;

  constructor(code: AsyncEventsErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
