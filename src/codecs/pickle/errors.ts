/**
 * Errors of the pickle decoder. Every failure carries a stable UPPER_SNAKE `code` and the
 * byte offset (from the start of the input) of the opcode being executed when it failed.
 */
import { CacheDecodeError } from "../../core/errors.js";

/** Stable codes of `PickleDecodeError`. Codes never change meaning between releases. */
export type PickleDecodeErrorCode =
  | "PICKLE_TRUNCATED"
  | "PICKLE_EMPTY"
  | "PICKLE_UNKNOWN_OPCODE"
  | "PICKLE_UNSUPPORTED_PROTOCOL"
  | "PICKLE_STACK_UNDERFLOW"
  | "PICKLE_MARK_MISSING"
  | "PICKLE_MARK_UNEXPECTED"
  | "PICKLE_MEMO_MISSING"
  | "PICKLE_BAD_TYPE"
  | "PICKLE_BAD_ARGUMENT"
  | "PICKLE_BAD_TEXT"
  | "PICKLE_BAD_UTF8"
  | "PICKLE_BAD_LENGTH"
  | "PICKLE_BAD_FRAME"
  | "PICKLE_UNHASHABLE"
  | "PICKLE_PERSISTENT_ID"
  | "PICKLE_EXTENSION_CODE"
  | "PICKLE_OUT_OF_BAND_BUFFER"
  | "PICKLE_LIMIT_EXCEEDED"
  | "PICKLE_BAD_NUMPY"
  | "PICKLE_BAD_PANDAS"
  | "PICKLE_BAD_VALUE"
  | "PICKLE_UNSUPPORTED"
  | "PICKLE_GLOBAL_FORBIDDEN";

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
