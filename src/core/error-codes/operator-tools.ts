/** Codes of the operator tools: the cache warmer and the `superset-cache` command. */

/** Codes of `WarmupError`: the cache warmer (`superset-cache/ops`, `superset-cache warm`). */
export const WARMUP_ERROR_CODES = [
  /** A strategy name other than `dummy`, `top_n_dashboards` or `dashboard_tags`. */
  "WARMUP_STRATEGY_UNKNOWN",
  /** A warm-up option out of range (`topN` below 1, an unreadable `since`, concurrency below 1). */
  "WARMUP_INVALID_OPTION",
  /** A query on the metadata database failed (the driver error is the `cause`). */
  "WARMUP_METADATA_QUERY_FAILED",
] as const;
/** A code of `WarmupError`. */
export type WarmupErrorCode = (typeof WARMUP_ERROR_CODES)[number];

/** Codes of `CliError` (the `superset-cache` command; its exit code says more). */
export const CLI_ERROR_CODES = [
  /** A command failed; `exitCode` tells usage, not found, backend, decode, timeout and auth failures apart. */
  "CLI_ERROR",
] as const;
/** A code of `CliError`. */
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];
