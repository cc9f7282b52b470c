/**
 * Plain JS values outside the Python value model (python/values.ts) that `dumps` still accepts,
 * mapped as a JSON-minded caller expects: a `Date` is an instant, so it becomes an aware UTC
 * `datetime.datetime` (what `datetime.fromtimestamp(ms / 1000, timezone.utc)` gives, to the
 * millisecond). `undefined` is handled by the encoder itself (dropped from objects, `None`
 * elsewhere).
 */
import { PyDatetime, PyTzInfo } from "../../../python/values.js";
import { PickleEncodeError } from "./errors.js";

/**
 * `datetime.timezone.utc`, as the decoder reads it back. One shared object so that, as in
 * CPython (where it is a singleton), every datetime of one pickle refers to a single memo entry.
 */
export const PICKLE_UTC = new PyTzInfo("fixed", 0, null, "datetime.timezone");

const MIN_YEAR = 1;
const MAX_YEAR = 9999;
const MICROS_PER_MILLI = 1000;

/**
 * The aware UTC datetime of a `Date`.
 * @throws PickleEncodeError `PICKLE_ENCODE_BAD_VALUE` for an invalid Date or a year outside 1–9999
 *   (Python's `datetime` range)
 */
export function datetimeOfDate(date: Date): PyDatetime {
  const ms = date.getTime();
  if (Number.isNaN(ms))
    throw new PickleEncodeError("PICKLE_ENCODE_BAD_VALUE", "$", "cannot pickle an invalid Date");
  const year = date.getUTCFullYear();
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new PickleEncodeError(
      "PICKLE_ENCODE_BAD_VALUE",
      "$",
      `Date ${date.toISOString()} is outside Python's datetime range (years 1-9999)`,
    );
  }
  return new PyDatetime(
    year,
    date.getUTCMonth() + 1,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    date.getUTCMilliseconds() * MICROS_PER_MILLI,
    PICKLE_UTC,
  );
}
