/**
 * Waiting for a state rather than for a time: interop tests poll a condition (a server
 * answers, sentinels agree, a breaker closes) until it holds. The deadline is only a safety
 * net against a hang, set far above what the state needs on a loaded machine, so a slow
 * CPU makes the test slower, never red.
 */

/** Default safety net (ms): far above any state change these tests wait for. */
export const STATE_DEADLINE_MS = 60_000;

export interface WaitUntilOptions {
  /** Give up after this many milliseconds (default `STATE_DEADLINE_MS`). */
  timeoutMs?: number;
  /** Pause between checks, in milliseconds (default 50). */
  intervalMs?: number;
}

/**
 * Resolves once `check` returns true; checks at once, then every `intervalMs`.
 * @param what names the state in the timeout error
 * @throws Error `timed out waiting for <what>` after `timeoutMs`; whatever `check` throws
 */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  options: WaitUntilOptions = {},
): Promise<void> {
  const { timeoutMs = STATE_DEADLINE_MS, intervalMs = 50 } = options;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (performance.now() >= deadline) throw new Error(`timed out waiting for ${what} (${timeoutMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
