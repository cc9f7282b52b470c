/**
 * What happens after a backend call of one `Cache`: statistics, the operation channel, and the
 * error policy (fail-open fallback or a typed error). Shared by `Cache`'s slow path (`guard`) and
 * its promise-chained hot path, so both apply the same rules.
 */

import { operationObserved, publishFailOpen, publishOperation } from "../core/channels.js";
import { CacheConfigError, CacheDecodeError, CacheEncodeError, SupersetCacheError } from "../core/errors.js";
import { CacheArgumentError } from "./cache-errors.js";
import { type BackendErrorPolicy, type ErrorRecorder, errorCode } from "./error-policy.js";
import type { CacheStats } from "./stats.js";

export class OperationOutcomes {
  constructor(
    private readonly cache: string,
    private readonly policy: BackendErrorPolicy,
    private readonly errors: ErrorRecorder,
    private readonly stats: CacheStats | undefined,
  ) {}

  /** Latency start in MILLISECONDS for `succeeded`/`failed`: NaN when not timed (no stats, or not sampled: see CacheStats). */
  start(): number {
    const stats = this.stats;
    return stats ? stats.start(operationObserved()) : Number.NaN;
  }

  /** Count a finished operation and publish it when observed; returns `result`. */
  succeeded<T>(operation: string, started: number, result: T): T {
    const stats = this.stats;
    const ms = stats ? stats.succeeded(operation, started, result) : 0;
    if (operationObserved())
      publishOperation({ cache: this.cache, operation, outcome: "ok", durationMs: ms });
    return result;
  }

  /**
   * Apply the policy to a failed operation: config, argument and encode errors rethrow as they
   * are; others are counted and published, then thrown as a typed error (`throw`) or answered
   * with `fallback` (`fail-open`).
   * @throws the error (typed) under `throw`, or a caller error under any policy
   */
  failed<T>(operation: string, started: number, fallback: T, err: unknown): T {
    if (
      err instanceof CacheConfigError ||
      err instanceof CacheArgumentError ||
      err instanceof CacheEncodeError
    )
      throw err;
    const stats = this.stats;
    const code = errorCode(err);
    const keys = Array.isArray(fallback) ? fallback.length : 1;
    const ms = stats ? stats.failed(operation, started, code, keys) : 0;
    const outcome = this.policy === "throw" ? "error" : "fail-open";
    if (operationObserved())
      publishOperation({ cache: this.cache, operation, outcome, durationMs: ms, code });
    if (this.policy === "throw") throw this.errors.toThrowable(operation, err);
    this.errors.record(operation, err);
    publishFailOpen({ cache: this.cache, operation, code, returned: fallback, error: err });
    return fallback;
  }

  /**
   * Stored bytes the serializer could not read: a miss under `fail-open` (counted by code).
   * @throws the typed decode error under `throw`
   */
  undecodable(operation: string, failure: unknown): undefined {
    // Whatever the serializer threw, it is a decode failure, never a backend one.
    const err =
      failure instanceof SupersetCacheError
        ? failure
        : new CacheDecodeError(
            "DECODE_FAILED",
            `${operation}: stored value does not decode: ${String(failure)}`,
            {
              cause: failure,
            },
          );
    const code = errorCode(err);
    this.stats?.undecodable(code);
    if (this.policy === "throw") throw this.errors.toThrowable(operation, err);
    this.errors.record(operation, err);
    publishFailOpen({ cache: this.cache, operation, code, returned: undefined, error: err });
    return undefined;
  }
}
