/**
 * Errors of the pickle encoder. Each carries a stable UPPER_SNAKE `code`; nothing is
 * returned when encoding fails (no partial pickle).
 */
import { CacheEncodeError } from "../../../core/errors.js";

/** Stable codes of `PickleEncodeError`. */
export type PickleEncodeErrorCode =
  /** The value (or a nested value) has no Python equivalent, e.g. `undefined`, a function, a JS `Date`. */
  | "PICKLE_ENCODE_UNSUPPORTED_TYPE"
  /** A set member or dict key would be unhashable in Python (list, dict, set, bytearray). */
  | "PICKLE_ENCODE_UNHASHABLE"
  /** Nesting deeper than `maxDepth`. */
  | "PICKLE_ENCODE_TOO_DEEP"
  /** A tuple that contains itself (Python cannot build one from a pickle either). */
  | "PICKLE_ENCODE_RECURSIVE_TUPLE"
  /** A field is out of Python's range (month 13, a non-integral day, an unknown time unit, …). */
  | "PICKLE_ENCODE_BAD_VALUE"
  /** An Arrow column type that has no pandas mapping. */
  | "PICKLE_ENCODE_UNSUPPORTED_ARROW_TYPE"
  /** An option value is invalid (e.g. protocol 3). */
  | "PICKLE_ENCODE_BAD_OPTION";

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
