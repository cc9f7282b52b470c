/** The error of `superset-cache/auth`, with stable codes from core/error-codes/. */
import type { AuthErrorCode } from "../core/error-codes/index.js";
import { SupersetCacheError } from "../core/errors.js";

/**
 * A session, token, user lookup or permalink operation failed. Messages never carry a secret,
 * a token or a cookie value: they name what failed, not what was presented.
 */
export class AuthError extends SupersetCacheError {
  declare readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
