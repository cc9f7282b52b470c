/** The error of the cache warmer, with a stable code from core/error-codes/. */
import type { WarmupErrorCode } from "../../core/error-codes/index.js";
import { SupersetCacheError } from "../../core/errors.js";

/** A warm-up option, strategy or metadata query failed. */
export class WarmupError extends SupersetCacheError {
  declare readonly code: WarmupErrorCode;

  constructor(code: WarmupErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
