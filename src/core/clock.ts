/**
 * Source of time for expiry decisions. Injectable so tests never sleep.
 * `now()` returns milliseconds since the Unix epoch (like `Date.now()`).
 */
export interface Clock {
  now(): number;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Whole Unix seconds, as Python's `int(time.time())`. */
export function unixSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}
