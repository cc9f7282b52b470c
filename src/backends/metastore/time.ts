/**
 * Naive wall-clock texts for `key_value` timestamps. Superset writes `datetime.now()` (the
 * host's local time, no zone) into `created_on`/`changed_on`/`expires_on` and compares
 * against `datetime.now()`, so both sides must read the same wall clock.
 */

/** Which wall clock naive timestamps use: the process's local zone (Superset's behaviour) or UTC. */
export type NaiveTimeZone = "local" | "utc";

/** `YYYY-MM-DD HH:MM:SS.ffffff` of an epoch-milliseconds instant in the chosen zone. */
export function naiveTimestamp(epochMs: number, zone: NaiveTimeZone): string {
  const d = new Date(epochMs);
  const utc = zone === "utc";
  const year = utc ? d.getUTCFullYear() : d.getFullYear();
  const month = (utc ? d.getUTCMonth() : d.getMonth()) + 1;
  const day = utc ? d.getUTCDate() : d.getDate();
  const hour = utc ? d.getUTCHours() : d.getHours();
  const minute = utc ? d.getUTCMinutes() : d.getMinutes();
  const second = utc ? d.getUTCSeconds() : d.getSeconds();
  const micro = Math.floor((((epochMs % 1000) + 1000) % 1000) * 1000);
  return (
    `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)} ` +
    `${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(micro, 6)}`
  );
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}
