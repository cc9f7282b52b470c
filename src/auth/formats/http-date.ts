/**
 * Werkzeug's `http_date` and `parse_date` (werkzeug/http.py), the text form of datetimes in
 * Flask's tagged JSON (` d`) and of dates under Flask's JSON default hook.
 */
import { type PyDate, PyDatetime, PyTzInfo } from "../../python/values.js";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `datetime.timezone.utc` as the pickle decoder yields it (a zero `datetime.timezone`). */
export const UTC = new PyTzInfo("fixed", 0, null, "datetime.timezone");

/**
 * `http_date(value)`: `Wed, 21 Oct 2015 07:28:00 GMT`. A naive datetime is taken as UTC, an
 * aware one converted; a date is midnight UTC; microseconds are dropped.
 * @throws RangeError for an aware datetime whose UTC offset is not known (a named zone)
 */
export function httpDate(value: PyDate | PyDatetime): string {
  const ms =
    value instanceof PyDatetime
      ? value.toEpochMillis() - Math.floor(value.microsecond / 1000)
      : new PyDatetime(value.year, value.month, value.day).toEpochMillis();
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return (
    `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCFullYear(), 4)} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} GMT`
  );
}

const HTTP_DATE =
  /^\s*(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\s*)?(\d{1,2})\s+(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s+(GMT|UTC|UT|Z|[+-]\d{4}))?\s*$/i;

/**
 * `parse_date(text)` for the RFC 5322 forms `email.utils.parsedate_to_datetime` reads with a
 * GMT/UTC or numeric zone (or none: then UTC, as Werkzeug sets it).
 * @returns an aware datetime in the text's offset, or `null` where Werkzeug returns `None`
 */
export function parseHttpDate(text: string): PyDatetime | null {
  const m = HTTP_DATE.exec(text);
  if (!m) return null;
  let year = Number(m[3]);
  // email.utils._parsedate_tz: two-digit years up to 68 are 20xx, later ones 19xx.
  if ((m[3] as string).length <= 2) year += year > 68 ? 1900 : 2000;
  const month = MONTHS.findIndex((name) => name.toLowerCase() === (m[2] as string).toLowerCase()) + 1;
  const [day, hour, minute, second] = [m[1], m[4], m[5], m[6] ?? "0"].map(Number) as [
    number,
    number,
    number,
    number,
  ];
  if (hour > 23 || minute > 59 || second > 59 || year < 1 || day < 1 || day > daysInMonth(year, month))
    return null;
  const zone = (m[7] ?? "GMT").toUpperCase();
  let tz = UTC;
  if (/^[+-]\d{4}$/.test(zone)) {
    const offset =
      (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(3, 5)) * 60) * (zone[0] === "-" ? -1 : 1);
    if (offset !== 0) tz = new PyTzInfo("fixed", offset, null, "datetime.timezone");
  }
  return new PyDatetime(year, month, day, hour, minute, second, 0, tz);
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
}
