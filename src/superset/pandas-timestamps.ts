/**
 * pandas `Timestamp` text and zone offsets for the JSON hooks and chart-data JSON:
 * `Timestamp.isoformat()` (nanoseconds shown only when present) and the UTC offset of a named
 * zone at an instant, from the IANA data Node's `Intl` carries (pickles name `zoneinfo`/pytz
 * zones without their rules).
 */
import type { PyDatetime64, PyTzInfo } from "../python/values.js";

const NANOS_PER_UNIT: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
};
const NANOS_PER_SECOND = 1_000_000_000n;
const NANOS_PER_DAY = 86_400n * NANOS_PER_SECOND;
const MS_PER_DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** `a // b` as Python floors it (toward negative infinity), for bigints. */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

const pad = (n: number | bigint, width: number) => String(n).padStart(width, "0");

/** Nanoseconds since the epoch (UTC) of a Timestamp / datetime64; undefined for an unknown unit. */
export function timestampNanos(ts: PyDatetime64): bigint | undefined {
  const per = NANOS_PER_UNIT[ts.unit];
  return per === undefined ? undefined : ts.value * per;
}

/**
 * UTC offset in SECONDS of `zone` at `epochMs`, from Node's IANA data; undefined when Node does
 * not know the zone.
 */
export function zoneOffsetAt(zone: string, epochMs: number): number | undefined {
  let fmt = formatters.get(zone);
  if (fmt === undefined) {
    try {
      fmt = new Intl.DateTimeFormat("en-US", {
        timeZone: zone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
        era: "short",
      });
    } catch {
      return undefined;
    }
    formatters.set(zone, fmt);
  }
  const whole = Math.floor(epochMs / 1000) * 1000;
  const parts: Record<string, string> = {};
  for (const p of fmt.formatToParts(new Date(whole))) parts[p.type] = p.value;
  const year = Number(parts.year) * (parts.era === "BC" ? -1 : 1);
  const wall = Date.UTC(
    year,
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return (wall - whole) / 1000;
}

/** The offset of `tz` at `epochMs` in SECONDS: the pickle's own when it has one, else the IANA zone's. */
export function tzOffsetAt(tz: PyTzInfo, epochMs: number): number | undefined {
  if (tz.offsetSeconds !== null) return tz.offsetSeconds;
  return tz.name === null ? undefined : zoneOffsetAt(tz.name, epochMs);
}

/** Python's `±HH:MM[:SS]` for an offset in SECONDS. */
function offsetText(seconds: number): string {
  const sign = seconds < 0 ? "-" : "+";
  const abs = Math.abs(seconds);
  const s = abs % 60;
  return `${sign}${pad(Math.floor(abs / 3600), 2)}:${pad(Math.floor((abs % 3600) / 60), 2)}${s ? `:${pad(s, 2)}` : ""}`;
}

/**
 * pandas `Timestamp.isoformat()`: `YYYY-MM-DDTHH:MM:SS`, then `.ffffff` when there are
 * microseconds or `.fffffffff` when there are nanoseconds, then the offset for an aware value
 * (the local wall clock is shown). Undefined for an unknown unit or zone.
 */
export function timestampIsoformat(ts: PyDatetime64): string | undefined {
  const utcNanos = timestampNanos(ts);
  if (utcNanos === undefined) return undefined;
  let offset = 0;
  if (ts.tz) {
    const known = tzOffsetAt(ts.tz, Number(floorDiv(utcNanos, 1_000_000n)));
    if (known === undefined) return undefined;
    offset = known;
  }
  const local = utcNanos + BigInt(Math.round(offset)) * NANOS_PER_SECOND;
  const days = floorDiv(local, NANOS_PER_DAY);
  const inDay = local - days * NANOS_PER_DAY;
  const d = new Date(Number(days) * MS_PER_DAY);
  const seconds = Number(inDay / NANOS_PER_SECOND);
  const nanos = inDay % NANOS_PER_SECOND;
  let text = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(
    Math.floor(seconds / 3600),
    2,
  )}:${pad(Math.floor((seconds % 3600) / 60), 2)}:${pad(seconds % 60, 2)}`;
  if (nanos % 1000n !== 0n) text += `.${pad(nanos, 9)}`;
  else if (nanos !== 0n) text += `.${pad(nanos / 1000n, 6)}`;
  return ts.tz ? text + offsetText(offset) : text;
}
