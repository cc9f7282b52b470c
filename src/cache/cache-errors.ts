import { SupersetCacheError } from "../core/errors.js";

/**
 * A caller passed an argument the cache cannot act on (a non-numeric timeout, `inc` on a value
 * that is not a number, …). Never swallowed by the fail-open policy: it is a bug in the caller.
 * Codes: `INVALID_TIMEOUT`, `INC_NOT_A_NUMBER`, `INVALID_DELTA`.
 */
export class CacheArgumentError extends SupersetCacheError {}

/** Code for `resultsBackend` used while `RESULTS_BACKEND` is unset (Superset's RESULTS_BACKEND_NOT_CONFIGURED_ERROR). */
export const RESULTS_BACKEND_NOT_CONFIGURED = "RESULTS_BACKEND_NOT_CONFIGURED";
