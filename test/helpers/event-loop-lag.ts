/**
 * How late this process's timers fire. A latency bound such as "every call settles within the
 * command timeout + 50 ms" rests on a timer firing on time; on a loaded machine it fires late
 * by the event-loop lag, which a test adds to its bound rather than failing on it.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";

/** A running lag monitor. */
export interface EventLoopLag {
  /** The largest lag seen since `watchEventLoopLag()`, in milliseconds. */
  maxMs(): number;
  stop(): void;
}

/** Starts sampling the event-loop lag every 10 ms; call `stop()` when done. */
export function watchEventLoopLag(): EventLoopLag {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    // The histogram counts the sampling interval itself in each delay, in nanoseconds.
    maxMs: () => Math.max(0, histogram.max / 1e6 - 10),
    stop: () => histogram.disable(),
  };
}
