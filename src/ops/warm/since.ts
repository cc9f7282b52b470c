/**
 * The `since` of the `top_n_dashboards` strategy. Superset reads it with
 * `parse_human_datetime` (parsedatetime); this accepts the forms its docs and configs use:
 * `now`, `today`, `yesterday`, `N <unit>(s) ago` (second … year), and ISO dates or datetimes.
 * Times are naive UTC, like the `logs.dttm` column Superset fills with `datetime.utcnow()`.
 */
import { WarmupError } from "./errors.js";

const UNITS: Record<string, (d: Date, n: number) => void> = {
  second: (d, n) => d.setUTCSeconds(d.getUTCSeconds() - n),
  minute: (d, n) => d.setUTCMinutes(d.getUTCMinutes() - n),
  hour: (d, n) => d.setUTCHours(d.getUTCHours() - n),
  day: (d, n) => d.setUTCDate(d.getUTCDate() - n),
  week: (d, n) => d.setUTCDate(d.getUTCDate() - 7 * n),
  month: (d, n) => d.setUTCMonth(d.getUTCMonth() - n),
  year: (d, n) => d.setUTCFullYear(d.getUTCFullYear() - n),
};

const midnight = (d: Date): Date => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));

/**
 * The moment `text` names, relative to `now` (epoch MILLISECONDS).
 * @throws WarmupError `WARMUP_INVALID_OPTION` for text it does not read
 */
export function parseSince(text: string, now: number): Date {
  const t = text.trim().toLowerCase();
  if (t === "now") return new Date(now);
  if (t === "today") return midnight(new Date(now));
  if (t === "yesterday") return new Date(midnight(new Date(now)).getTime() - 86_400_000);
  const rel = /^(\d+)\s+(second|minute|hour|day|week|month|year)s?\s+ago$/.exec(t);
  if (rel) {
    const d = new Date(now);
    UNITS[rel[2]!]!(d, Number(rel[1]));
    return d;
  }
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[t ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (iso) {
    const [y, mo, d, h, mi, s] = iso.slice(1).map((x) => Number(x ?? 0));
    const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
    if (!Number.isNaN(date.getTime()) && date.getUTCDate() === d) return date;
  }
  throw new WarmupError(
    "WARMUP_INVALID_OPTION",
    `since: cannot read ${JSON.stringify(text)} (use "7 days ago", "yesterday", or YYYY-MM-DD[ HH:MM[:SS]])`,
  );
}

/** `YYYY-MM-DD HH:MM:SS` of a UTC instant, for comparing with naive UTC columns. */
export function naiveUtcText(d: Date): string {
  return d.toISOString().slice(0, 19).replace("T", " ");
}
