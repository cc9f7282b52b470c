/**
 * The Cache layer's error policy. `fail-open` (default): a failing read is a miss, a failing
 * write returns false, and every swallowed error is counted by code and published on the
 * diagnostics channel `superset-cache:error` (free when nobody subscribes); the first of each
 * code on each cache is also reported once (a process warning or the `logger` option). `throw`:
 * errors propagate as typed `SupersetCacheError`s.
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

/**
 * Counts and publishes swallowed errors, reporting the first of each code once (fail-open must
 * not mean silent); converts errors for the `throw` policy.
 */
export class ErrorRecorder {
  private readonly counts = new Map<string, number>();
  private readonly warnings: FirstFailureWarnings;

  constructor(
    readonly cacheName: string,
    readonly backendKind: () => string,
    warnings: CacheWarnings = DEFAULT_CACHE_WARNINGS,
  ) {
    this.warnings = new FirstFailureWarnings(cacheName, warnings);
  }

  /** Count `err` under its code, report it when it is the first of its code, and publish it (only when the channel has subscribers). */
  record(operation: string, err: unknown): void {
    const code = errorCode(err);
    const n = this.counts.get(code) ?? 0;
    this.counts.set(code, n + 1);
    if (n === 0) this.warnings.failed(operation, code, err);
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

/** A pino- or console-shaped logger: `warn(details, message)`. */
export interface CacheWarningLogger {
  warn(details: object, message?: string): void;
}

/**
 * Where first failures go: a logger, `"process"` (`process.emitWarning`, type
 * `SupersetCacheWarning`, the error code as warning code) or `false` (nowhere).
 */
export type CacheWarnings = CacheWarningLogger | "process" | false;

/** Default of the `logger` option of `Cache`, `createCache` and `CacheManager`. */
export const DEFAULT_CACHE_WARNINGS: CacheWarnings = "process";

/**
 * Fail-open must not mean silent: the first failure of each code on each cache is reported once;
 * later ones are only counted (`errorCounts()`, `stats()`) and published on `superset-cache:error`.
 */
export class FirstFailureWarnings {
  private readonly seen = new Set<string>();

  constructor(
    private readonly cache: string,
    private readonly target: CacheWarnings,
  ) {}

  /** Report `err` when it is the first failure with `code` on this cache. Never throws. */
  failed(operation: string, code: SupersetCacheErrorCode, err: unknown): void {
    if (this.target === false || this.seen.has(code)) return;
    this.seen.add(code);
    const detail = err instanceof Error ? err.message : String(err);
    const message = `${this.cache}: ${operation} failed open with ${code} (${detail}); further ${code} failures of this cache are only counted`;
    try {
      if (this.target === "process") process.emitWarning(message, { type: "SupersetCacheWarning", code });
      else this.target.warn({ cache: this.cache, operation, code, err }, message);
    } catch {
      // A throwing logger must not turn a fail-open answer into an error.
    }
  }
}
