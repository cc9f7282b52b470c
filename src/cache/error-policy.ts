/**
 * The Cache layer's error policy. `fail-open` (default): a failing read is a miss, a failing
 * write returns false, and every swallowed error is counted by code and published on the
 * diagnostics channel `superset-cache:error` (free when nobody subscribes). `throw`: errors
 * propagate as typed `SupersetCacheError`s.
 */
import { channel } from "node:diagnostics_channel";
import { type CacheErrorEvent, ERROR_CHANNEL_NAME } from "../core/channels.js";
import type { SupersetCacheErrorCode } from "../core/error-codes/index.js";
import { CacheBackendError, SupersetCacheError } from "../core/errors.js";

/** What `Cache` does when a backend call or a stored value fails. */
export type BackendErrorPolicy = "fail-open" | "throw";

const errorChannel = channel(ERROR_CHANNEL_NAME);

/** Code used for errors that carry no `code` of ours (e.g. a raw socket error). */
export const UNKNOWN_BACKEND_ERROR_CODE = "BACKEND_OPERATION_FAILED" satisfies SupersetCacheErrorCode;

/** The stable code an error is counted under. */
export function errorCode(err: unknown): SupersetCacheErrorCode {
  return err instanceof SupersetCacheError ? err.code : UNKNOWN_BACKEND_ERROR_CODE;
}

/** Counts and publishes swallowed errors; converts errors for the `throw` policy. */
export class ErrorRecorder {
  private readonly counts = new Map<string, number>();

  constructor(
    readonly cacheName: string,
    readonly backendKind: () => string,
  ) {}

  /** Count `err` under its code and publish it (only when the channel has subscribers). */
  record(operation: string, err: unknown): void {
    const code = errorCode(err);
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
    if (errorChannel.hasSubscribers) {
      const event: CacheErrorEvent = { cache: this.cacheName, operation, code, error: err };
      errorChannel.publish(event);
    }
  }

  /** Errors of ours pass through; anything else becomes a `CacheBackendError`. */
  toThrowable(operation: string, err: unknown): SupersetCacheError {
    if (err instanceof SupersetCacheError) return err;
    const detail = err instanceof Error ? err.message : String(err);
    return new CacheBackendError(
      UNKNOWN_BACKEND_ERROR_CODE,
      this.backendKind(),
      `${this.cacheName}: ${operation} failed: ${detail}`,
      { cause: err },
    );
  }

  /** Snapshot of swallowed-error counts by code. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}
