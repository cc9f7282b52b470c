/**
 * Errors of the pickle decoder. Every failure carries a stable UPPER_SNAKE `code` and the
 * byte offset (from the start of the input) of the opcode being executed when it failed.
 */
import type { PickleDecodeErrorCode } from "../../core/error-codes/index.js";
import { CacheDecodeError } from "../../core/errors.js";

export type { PickleDecodeErrorCode } from "../../core/error-codes/index.js";

/** A pickle could not be decoded: malformed bytes, a limit was hit, or an unsupported construct. */
export class PickleDecodeError extends CacheDecodeError {
  /** Byte offset in the input of the opcode that failed (or of the read that ran out). */
  readonly offset: number;
  declare readonly code: PickleDecodeErrorCode;

  constructor(code: PickleDecodeErrorCode, offset: number, message: string, options?: { cause?: unknown }) {
    super(code, `${message} (at byte ${offset})`, options);
    this.offset = offset;
  }
}

/**
 * A global outside the whitelist was referenced while `unknownGlobals: "error"` is set
 * (code `PICKLE_GLOBAL_FORBIDDEN`). Subclass of `PickleDecodeError`.
 */
export class PickleSecurityError extends PickleDecodeError {
  /** The Python module of the refused global. */
  readonly module: string;
  /** The Python qualified name of the refused global. */
  readonly qualname: string;

  constructor(offset: number, module: string, qualname: string) {
    super("PICKLE_GLOBAL_FORBIDDEN", offset, `global ${module}.${qualname} is not on the whitelist`);
    this.module = module;
    this.qualname = qualname;
  }
}
