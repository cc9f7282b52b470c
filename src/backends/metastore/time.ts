/**
 * Naive wall-clock texts for `key_value` timestamps. Superset writes `datetime.now()` (the
 * host's local time, no zone) into `created_on`/`changed_on`/`expires_on` and compares
 * against `datetime.now()`, so both sides must read the same wall clock.
 */

/** Which wall clock naive timestamps use: the process's local zone (Superset's behaviour) or UTC. */
export type NaiveTimeZone = "local" | "utc";

/** The last second formatted per zone: a backend formats "now" for every statement. */
const lastSecond: Record<NaiveTimeZone, { second: number; text: string }> = {
  local: { second: Number.NaN, text: "" },
  utc: { second: Number.NaN, text: "" },
};

/** `YYYY-MM-DD HH:MM:SS.ffffff` of an epoch-milliseconds instant in the chosen zone. */
export function naiveTimestamp(epochMs: number, zone: NaiveTimeZone): string {
  // The date and time fields depend only on the whole second (Date drops the fraction of a
  // millisecond, and zone offsets change on whole seconds), so they are formatted once a second.
  const second = Math.floor(Math.trunc(epochMs) / 1000);
  const last = lastSecond[zone];
  if (last.second !== second) {
    last.text = secondText(epochMs, zone);
    last.second = second;
  }
  const micro = Math.floor((((epochMs % 1000) + 1000) % 1000) * 1000);
  return `${last.text}.${pad(micro, 6)}`;
}

function secondText(epochMs: number, zone: NaiveTimeZone): string {
  const d = new Date(epochMs);
  const utc = zone === "utc";
  const year = utc ? d.getUTCFullYear() : d.getFullYear();
  const month = (utc ? d.getUTCMonth() : d.getMonth()) + 1;
  const day = utc ? d.getUTCDate() : d.getDate();
  const hour = utc ? d.getUTCHours() : d.getHours();
  const minute = utc ? d.getUTCMinutes() : d.getMinutes();
  const second = utc ? d.getUTCSeconds() : d.getSeconds();
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)} ${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}
