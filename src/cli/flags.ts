/**
 * Validation of the CLI's numeric flags and URLs: anything out of range is a usage error (exit 2)
 * with the flag named, never a Node warning (a `setTimeout` beyond 2^31 ms) or a stack trace.
 * URLs are echoed with their password masked.
 */
import { parseRedisUrl } from "../backends/redis/url.js";
import { redactUrl } from "../core/redact.js";
import { CliError, EXIT } from "./exit-codes.js";

/** Bounds of one numeric flag (inclusive). */
export interface NumberRange {
  min: number;
  max: number;
  /** Only whole numbers. */
  integer: boolean;
  /** Unit shown in the message, e.g. `seconds`. */
  unit?: string;
}

/** Longest `--window-ms` the doctor waits between two INFO readings: one hour, in MILLISECONDS. */
export const MAX_WINDOW_MS = 3_600_000;
/** Largest `set --timeout`: Redis refuses expiries whose milliseconds overflow; SECONDS. */
export const MAX_ENTRY_TIMEOUT_SECONDS = Math.floor(Number.MAX_SAFE_INTEGER / 1000);
/** Default per-request timeout of every command (`--command-timeout`), SECONDS. */
export const DEFAULT_COMMAND_TIMEOUT_SECONDS = 5;
/** Longest `--command-timeout`, SECONDS (a day; Node timers stop at 2^31 ms). */
export const MAX_COMMAND_TIMEOUT_SECONDS = 86_400;

/**
 * `text` as a number within `range`, or undefined when the flag was not given.
 * @throws CliError (exit 2) naming `--name`, for text that is not a decimal number, NaN,
 *   infinities, fractions where an integer is needed, and values outside the range
 */
export function numberFlag(text: string | undefined, name: string, range: NumberRange): number | undefined {
  if (text === undefined) return undefined;
  // Number("") is 0 and Number("0x10") is 16: accept plain decimal notation only.
  const n = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(text) ? Number(text) : Number.NaN;
  const unit = range.unit ? ` ${range.unit}` : "";
  const want = `${range.integer ? "an integer" : "a number"} from ${range.min} to ${range.max}${unit}`;
  if (!Number.isFinite(n) || n < range.min || n > range.max || (range.integer && !Number.isInteger(n)))
    throw new CliError(EXIT.USAGE, `--${name} must be ${want}, got ${JSON.stringify(text)}`);
  return n;
}

/**
 * Check a Redis URL as redis-py's `from_url` reads it (scheme, host, port, db, percent-escapes).
 * @throws CliError (exit 2) saying what is wrong, with the password masked
 */
export function checkRedisUrl(url: string, where = "--url"): void {
  let port: number | undefined;
  try {
    port = parseRedisUrl(url, where, 0).options.port;
  } catch (err) {
    // Not echoed: a URL that does not parse may still hold a password the masking cannot find.
    throw new CliError(EXIT.USAGE, `invalid Redis URL: ${(err as Error).message}`);
  }
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65_535))
    throw new CliError(
      EXIT.USAGE,
      `invalid Redis URL: ${where}: port must be 1 to 65535 in ${redactUrl(url)}`,
    );
}
