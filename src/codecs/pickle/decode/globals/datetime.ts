/**
 * `datetime.{datetime,date,time,timedelta}`, `decimal.Decimal` and `uuid.UUID`. The pickled
 * state bytes are decoded and range-checked as Python's constructors do; nothing else runs.
 */
import { dictGet } from "../../../../python/dicts.js";
import {
  PyDate,
  PyDatetime,
  PyDecimal,
  PyObject,
  PyTime,
  PyTimedelta,
  PyTzInfo,
  PyUUID,
  type PyValue,
} from "../../../../python/values.js";
import { arity, bigIntArg, intArg, seqArg } from "./args.js";
import { type GlobalSpec, type HandlerContext, PyShell } from "./registry.js";

const MAX_TIMEDELTA_DAYS = 999_999_999;
const US_PER_SECOND = 1_000_000;
const DAY_SECONDS = 86400;
const DECIMAL_TEXT =
  /^[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|s?nan[0-9]*)$/i;

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

function checkDate(y: number, m: number, d: number, ctx: HandlerContext): void {
  if (y < 1 || y > 9999) ctx.fail("PICKLE_BAD_VALUE", `year ${y} is out of range`);
  if (m < 1 || m > 12) ctx.fail("PICKLE_BAD_VALUE", "month must be in 1..12");
  if (d < 1 || d > daysInMonth(y, m)) ctx.fail("PICKLE_BAD_VALUE", "day is out of range for month");
}

function checkTime(h: number, mi: number, s: number, us: number, ctx: HandlerContext): void {
  if (h > 23 || mi > 59 || s > 59 || us >= US_PER_SECOND || h < 0 || mi < 0 || s < 0 || us < 0) {
    ctx.fail("PICKLE_BAD_VALUE", "time field out of range");
  }
}

/** State bytes may arrive as bytes (py3) or as a latin-1 str (py2 pickles). */
function stateBytes(v: PyValue | undefined, len: number): Uint8Array | null {
  if (v instanceof Uint8Array && v.length === len) return v;
  if (typeof v === "string" && v.length === len) {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) {
      const c = v.charCodeAt(i);
      if (c > 0xff) return null;
      out[i] = c;
    }
    return out;
  }
  return null;
}

function tzArg(v: PyValue | undefined, ctx: HandlerContext): PyTzInfo | null {
  if (v === undefined || v === null) return null;
  if (v instanceof PyTzInfo) return v;
  if (v instanceof PyObject) {
    // An unknown tzinfo class (e.g. dateutil tzfile): keep its name, offset unknown.
    return new PyTzInfo("other", null, v.qualifiedName, v.qualifiedName, { placeholder: v });
  }
  return ctx.fail("PICKLE_BAD_ARGUMENT", "tzinfo argument must be a tzinfo");
}

function datetimeCall(args: readonly PyValue[], ctx: HandlerContext): PyValue {
  const b = stateBytes(args[0], 10);
  if (b && args.length <= 2) {
    const fold = ((b[2] as number) & 0x80) !== 0 ? 1 : 0;
    const y = (b[0] as number) * 256 + (b[1] as number);
    const m = (b[2] as number) & 0x7f;
    const us = ((b[7] as number) << 16) | ((b[8] as number) << 8) | (b[9] as number);
    checkDate(y, m, b[3] as number, ctx);
    checkTime(b[4] as number, b[5] as number, b[6] as number, us, ctx);
    return new PyDatetime(
      y,
      m,
      b[3] as number,
      b[4] as number,
      b[5] as number,
      b[6] as number,
      us,
      tzArg(args[1], ctx),
      fold,
    );
  }
  arity(args, 3, 8, ctx, "datetime");
  const f = [0, 1, 2, 3, 4, 5, 6].map((i) =>
    args[i] === undefined ? 0 : intArg(args[i], ctx, "datetime field"),
  );
  checkDate(f[0] as number, f[1] as number, f[2] as number, ctx);
  checkTime(f[3] as number, f[4] as number, f[5] as number, f[6] as number, ctx);
  const [y, mo, d, h, mi, s, us] = f as [number, number, number, number, number, number, number];
  return new PyDatetime(y, mo, d, h, mi, s, us, tzArg(args[7], ctx));
}

function dateCall(args: readonly PyValue[], ctx: HandlerContext): PyValue {
  const b = stateBytes(args[0], 4);
  if (b && args.length === 1) {
    const y = (b[0] as number) * 256 + (b[1] as number);
    checkDate(y, b[2] as number, b[3] as number, ctx);
    return new PyDate(y, b[2] as number, b[3] as number);
  }
  arity(args, 3, 3, ctx, "date");
  const [y, m, d] = args.map((a) => intArg(a, ctx, "date field")) as [number, number, number];
  checkDate(y, m, d, ctx);
  return new PyDate(y, m, d);
}

function timeCall(args: readonly PyValue[], ctx: HandlerContext): PyValue {
  const b = stateBytes(args[0], 6);
  if (b && args.length <= 2) {
    const fold = ((b[0] as number) & 0x80) !== 0 ? 1 : 0;
    const h = (b[0] as number) & 0x7f;
    const us = ((b[3] as number) << 16) | ((b[4] as number) << 8) | (b[5] as number);
    checkTime(h, b[1] as number, b[2] as number, us, ctx);
    return new PyTime(h, b[1] as number, b[2] as number, us, tzArg(args[1], ctx), fold);
  }
  arity(args, 0, 5, ctx, "time");
  const f = [0, 1, 2, 3].map((i) => (args[i] === undefined ? 0 : intArg(args[i], ctx, "time field")));
  const [h, mi, s, us] = f as [number, number, number, number];
  checkTime(h, mi, s, us, ctx);
  return new PyTime(h, mi, s, us, tzArg(args[4], ctx));
}

/** `timedelta(days, seconds, microseconds)`, normalised as Python does. */
function timedeltaCall(args: readonly PyValue[], ctx: HandlerContext): PyValue {
  arity(args, 0, 3, ctx, "timedelta");
  const [d, s, us] = [0, 1, 2].map((i) =>
    args[i] === undefined ? 0 : intArg(args[i], ctx, "timedelta field"),
  ) as [number, number, number];
  if (Math.abs(d) > MAX_TIMEDELTA_DAYS * 2 || Math.abs(s) > 1e15 || Math.abs(us) > 1e15) {
    ctx.fail("PICKLE_BAD_VALUE", "timedelta out of range");
  }
  const carrySec = Math.floor(us / US_PER_SECOND);
  const micro = us - carrySec * US_PER_SECOND;
  const totalSec = s + carrySec;
  const carryDays = Math.floor(totalSec / DAY_SECONDS);
  const sec = totalSec - carryDays * DAY_SECONDS;
  const days = d + carryDays;
  if (Math.abs(days) > MAX_TIMEDELTA_DAYS) ctx.fail("PICKLE_BAD_VALUE", "timedelta days out of range");
  return new PyTimedelta(days + 0, sec + 0, micro + 0);
}

/** Python's `Decimal.__str__` of a `(sign, digits, exponent)` tuple. */
function decimalFromTuple(t: PyValue[], ctx: HandlerContext): string {
  const sign = intArg(t[0], ctx, "Decimal sign") ? "-" : "";
  const digits = seqArg(t[1], ctx, "Decimal digits")
    .map((d) => {
      const n = intArg(d, ctx, "Decimal digit");
      if (n < 0 || n > 9) ctx.fail("PICKLE_BAD_VALUE", "Decimal digit out of range");
      return String(n);
    })
    .join("")
    .replace(/^0+(?=.)/, "");
  const exp = t[2];
  if (exp === "F") return `${sign}Infinity`;
  if (exp === "n" || exp === "N")
    return `${sign}${exp === "N" ? "sNaN" : "NaN"}${digits === "0" ? "" : digits}`;
  const e = intArg(exp, ctx, "Decimal exponent");
  const left = e + digits.length;
  const dot = e <= 0 && left > -6 ? left : 1;
  let intPart: string;
  let frac: string;
  if (dot <= 0) [intPart, frac] = ["0", `.${"0".repeat(-dot)}${digits}`];
  else if (dot >= digits.length) [intPart, frac] = [digits + "0".repeat(dot - digits.length), ""];
  else [intPart, frac] = [digits.slice(0, dot), `.${digits.slice(dot)}`];
  const expPart = left === dot ? "" : `E${left - dot >= 0 ? "+" : ""}${left - dot}`;
  return sign + intPart + frac + expPart;
}

function decimalCall(args: readonly PyValue[], ctx: HandlerContext): PyValue {
  arity(args, 0, 2, ctx, "Decimal");
  const v = args[0];
  if (v === undefined) return new PyDecimal("0");
  if (typeof v === "string") {
    if (!DECIMAL_TEXT.test(v.trim())) ctx.fail("PICKLE_BAD_VALUE", "invalid Decimal text");
    return new PyDecimal(v.trim());
  }
  if (Array.isArray(v) && v.length === 3) return new PyDecimal(decimalFromTuple(v, ctx));
  if (typeof v === "number" && Number.isInteger(v)) return new PyDecimal(String(v));
  if (typeof v === "bigint") return new PyDecimal(v.toString());
  return ctx.fail("PICKLE_BAD_ARGUMENT", "Decimal argument must be a str, int or tuple");
}

/** `uuid.UUID` arrives as NEWOBJ + BUILD {"int": n[, "is_safe": …]}. */
class UuidShell extends PyShell {
  constructor() {
    super("uuid", "UUID");
  }
  build(state: PyValue, ctx: HandlerContext): PyValue {
    const n = bigIntArg(dictGet(state, "int"), ctx, "UUID int");
    if (n < 0n || n >= 1n << 128n) ctx.fail("PICKLE_BAD_VALUE", "UUID int out of range");
    return new PyUUID(n.toString(16).padStart(32, "0"));
  }
}

export const DATETIME_GLOBALS: ReadonlyArray<readonly [string, string, GlobalSpec]> = [
  ["datetime", "datetime", { call: datetimeCall }],
  ["datetime", "date", { call: dateCall }],
  ["datetime", "time", { call: timeCall }],
  ["datetime", "timedelta", { call: timedeltaCall }],
  ["decimal", "Decimal", { call: decimalCall }],
  ["uuid", "UUID", { newObj: () => new UuidShell() }],
];
