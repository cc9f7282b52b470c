/**
 * tzinfo globals: `datetime.timezone`, pytz (`_UTC`, `_p`, `FixedOffset`), `zoneinfo.ZoneInfo`
 * and dateutil's `tzutc` / `tzoffset`. Each becomes a `PyTzInfo` holding what the pickle says:
 * offsets only when the pickle carries them (named zones need tz rules to resolve).
 */
import { PyTimedelta, PyTzInfo, type PyValue } from "../../../../python/values.js";
import { arity, intArg, numArg, strArg } from "./args.js";
import type { GlobalSpec, HandlerContext } from "./registry.js";

const DAY_SECONDS = 86400;
const IANA_KEY = /^[A-Za-z0-9_+\-/]{1,255}$/;

function ianaKey(v: PyValue | undefined, ctx: HandlerContext, what: string): string {
  const key = strArg(v, ctx, what);
  if (!IANA_KEY.test(key) || key.includes(".."))
    ctx.fail("PICKLE_BAD_ARGUMENT", `${what} is not a valid zone key`);
  return key;
}

/** `zoneinfo.ZoneInfo._unpickle(key, from_cache)` (reached through the restricted getattr). */
export function zoneInfoUnpickle(args: readonly PyValue[], ctx: HandlerContext): PyValue {
  arity(args, 1, 2, ctx, "ZoneInfo._unpickle");
  return new PyTzInfo("zoneinfo", null, ianaKey(args[0], ctx, "ZoneInfo key"), "zoneinfo.ZoneInfo");
}

function timezone(args: readonly PyValue[], ctx: HandlerContext): PyValue {
  arity(args, 1, 2, ctx, "datetime.timezone");
  const delta = args[0];
  if (!(delta instanceof PyTimedelta))
    return ctx.fail("PICKLE_BAD_ARGUMENT", "timezone offset must be a timedelta");
  const seconds = delta.days * DAY_SECONDS + delta.seconds;
  const total = seconds + delta.microseconds / 1e6;
  if (Math.abs(total) >= DAY_SECONDS)
    ctx.fail("PICKLE_BAD_ARGUMENT", "timezone offset must be strictly between -24h and 24h");
  const name = args[1] === undefined ? null : strArg(args[1], ctx, "timezone name");
  const extra: Record<string, PyValue> = delta.microseconds ? { microseconds: delta.microseconds } : {};
  return new PyTzInfo("fixed", seconds, name, "datetime.timezone", extra);
}

export const TIMEZONE_GLOBALS: ReadonlyArray<readonly [string, string, GlobalSpec]> = [
  ["datetime", "timezone", { call: timezone }],
  ["pytz", "_UTC", { call: () => new PyTzInfo("utc", 0, "UTC", "pytz._UTC") }],
  [
    "pytz",
    "_p",
    {
      call(args, ctx) {
        arity(args, 1, 4, ctx, "pytz._p");
        const zone = ianaKey(args[0], ctx, "pytz zone");
        if (args.length === 1) return new PyTzInfo("pytz", null, zone, "pytz._p");
        const offset = intArg(args[1], ctx, "pytz utcoffset");
        const extra: Record<string, PyValue> = {};
        if (args[2] !== undefined) extra.dst = intArg(args[2], ctx, "pytz dst");
        if (args[3] !== undefined) extra.tzname = strArg(args[3], ctx, "pytz tzname");
        return new PyTzInfo("pytz", offset, zone, "pytz._p", extra);
      },
    },
  ],
  [
    "pytz",
    "FixedOffset",
    {
      call(args, ctx) {
        arity(args, 1, 1, ctx, "pytz.FixedOffset");
        const minutes = intArg(args[0], ctx, "FixedOffset minutes");
        if (Math.abs(minutes) >= 1440) ctx.fail("PICKLE_BAD_ARGUMENT", "FixedOffset out of range");
        return new PyTzInfo("fixed", minutes * 60, null, "pytz.FixedOffset");
      },
    },
  ],
  [
    "zoneinfo",
    "ZoneInfo",
    {
      call(args, ctx) {
        arity(args, 1, 1, ctx, "ZoneInfo");
        return new PyTzInfo("zoneinfo", null, ianaKey(args[0], ctx, "ZoneInfo key"), "zoneinfo.ZoneInfo");
      },
    },
  ],
  ["dateutil.tz.tz", "tzutc", { newObj: () => new PyTzInfo("utc", 0, "UTC", "dateutil.tz.tz.tzutc") }],
  [
    "dateutil.tz.tz",
    "tzoffset",
    {
      call(args, ctx) {
        arity(args, 2, 2, ctx, "tzoffset");
        const name = args[0] === null ? null : strArg(args[0], ctx, "tzoffset name");
        const off = args[1];
        const seconds =
          off instanceof PyTimedelta
            ? off.days * DAY_SECONDS + off.seconds
            : numArg(off, ctx, "tzoffset offset");
        return new PyTzInfo("dateutil", seconds, name, "dateutil.tz.tz.tzoffset");
      },
    },
  ],
];
