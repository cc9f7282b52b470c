/**
 * The diagnostics channels the library publishes on, and their event shapes. Publishing is skipped entirely when nobody
 * subscribes (`channel.hasSubscribers`), so an unobserved cache pays one property read per call.
 * Swallowed errors are also published on `superset-cache:error` (see error-policy.ts).
 */
import { channel } from "node:diagnostics_channel";
import type { SupersetCacheErrorCode } from "./error-codes/index.js";

/** Channel carrying one {@link CacheOperationEvent} per Cache call that reached the backend. */
export const OPERATION_CHANNEL_NAME = "superset-cache:operation";
/** Channel carrying one {@link CacheFailOpenEvent} per failure the fail-open policy turned into a miss/false. */
export const FAIL_OPEN_CHANNEL_NAME = "superset-cache:fail-open";

/** Name of the diagnostics channel every swallowed error is published on. */
export const ERROR_CHANNEL_NAME = "superset-cache:error";

/** Message published on {@link ERROR_CHANNEL_NAME}. */
export interface CacheErrorEvent {
  /** Cache name, e.g. `DATA_CACHE_CONFIG`. */
  cache: string;
  /** Cache method that failed, e.g. `get`. */
  operation: string;
  /** Stable error code the error is counted under. */
  code: SupersetCacheErrorCode;
  error: unknown;
}

/** How a Cache call ended. */
export type OperationOutcome = "ok" | "fail-open" | "error";

export interface CacheOperationEvent {
  /** Cache name, e.g. `DATA_CACHE_CONFIG`. */
  cache: string;
  /** Cache method, e.g. `get`, `setMany`. */
  operation: string;
  outcome: OperationOutcome;
  /** Duration in MILLISECONDS from the stats clock (0 when stats are off). */
  durationMs: number;
  /** Stable error code when `outcome` is not `ok`. */
  code?: SupersetCacheErrorCode;
}

export interface CacheFailOpenEvent {
  cache: string;
  operation: string;
  /** Stable error code the failure was counted under. */
  code: SupersetCacheErrorCode;
  /** What the caller got instead: `undefined` (miss), `false`, `null`, or a list of those. */
  returned: unknown;
  error: unknown;
}

const operationChannel = channel(OPERATION_CHANNEL_NAME);
const failOpenChannel = channel(FAIL_OPEN_CHANNEL_NAME);

/** `true` when the operation channel has a subscriber; check it before building an event. */
export function operationObserved(): boolean {
  return operationChannel.hasSubscribers;
}

/** Publish an operation event (call only when {@link operationObserved}). */
export function publishOperation(event: CacheOperationEvent): void {
  operationChannel.publish(event);
}

/** Publish a fail-open decision when someone listens. */
export function publishFailOpen(event: CacheFailOpenEvent): void {
  if (failOpenChannel.hasSubscribers) failOpenChannel.publish(event);
}
