import type { PyJsonErrorCode } from "../../core/error-codes/index.js";
import { CacheEncodeError } from "../../core/errors.js";

export type { PyJsonErrorCode } from "../../core/error-codes/index.js";

/** A value simplejson would refuse to encode. */
export class PyJsonEncodeError extends CacheEncodeError {
  declare readonly code: PyJsonErrorCode;
  constructor(code: PyJsonErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
