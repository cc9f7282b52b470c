/**
 * Errors of the pickle encoder. Each carries a stable UPPER_SNAKE `code`; nothing is
 * returned when encoding fails (no partial pickle).
 */
import type { PickleEncodeErrorCode } from "../../../core/error-codes/index.js";
import { CacheEncodeError } from "../../../core/errors.js";

export type { PickleEncodeErrorCode } from "../../../core/error-codes/index.js";

/** A value could not be pickled. `path` points at the offending nested value, e.g. `$.rows[3].when`. */
export class PickleEncodeError extends CacheEncodeError {
  declare readonly code: PickleEncodeErrorCode;
  /** Where in the input the problem is, JSONPath-like (`$` is the top-level value). */
  readonly path: string;

  constructor(code: PickleEncodeErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(code, `${message} (at ${path})`, options);
    this.path = path;
  }
}

/** Re-throws a nested encode error with `at` prepended to its path. */
export function nestPath(err: unknown, at: string | number): unknown {
  if (!(err instanceof PickleEncodeError)) return err;
  const segment =
    typeof at === "number" ? `[${at}]` : /^[A-Za-z_$][\w$]*$/.test(at) ? `.${at}` : `[${JSON.stringify(at)}]`;
  const path = `$${segment}${err.path.slice(1)}`;
  const message = err.message.replace(/ \(at [^)]*\)$/, "");
  return new PickleEncodeError(err.code, path, message, { cause: err.cause });
}
