import type { Clock } from "../core/clock.js";

/** Default start: 2023-11-14T22:13:20Z, a fixed instant so tests are reproducible. */
export const FAKE_CLOCK_START_MS = 1_700_000_000_000;

/** A clock that only moves when told to. `now()` is milliseconds since the epoch. */
export class FakeClock implements Clock {
  private ms: number;

  /** @param startMs starting time in MILLISECONDS since the epoch (default {@link FAKE_CLOCK_START_MS}) */
  constructor(startMs: number = FAKE_CLOCK_START_MS) {
    this.ms = startMs;
  }

  now(): number {
    return this.ms;
  }

  /** Current time in (fractional) SECONDS, as Python's `time.time()`. */
  nowSeconds(): number {
    return this.ms / 1000;
  }

  /** Move forward by `seconds` (may be fractional). */
  advanceSeconds(seconds: number): void {
    this.ms += seconds * 1000;
  }

  /** Move forward by `ms` milliseconds. */
  advanceMs(ms: number): void {
    this.ms += ms;
  }

  /** Jump to an absolute time in MILLISECONDS since the epoch. */
  setMs(ms: number): void {
    this.ms = ms;
  }
}
