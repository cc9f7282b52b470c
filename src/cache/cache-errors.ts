import type { ConfigErrorCode } from "../core/error-codes/index.js";

// CacheArgumentError lives in core so that lower layers (python/, superset/) can throw it too.
export { CacheArgumentError } from "../core/errors.js";

/** Code for `resultsBackend` used while `RESULTS_BACKEND` is unset (Superset's RESULTS_BACKEND_NOT_CONFIGURED_ERROR). */
export const RESULTS_BACKEND_NOT_CONFIGURED = "RESULTS_BACKEND_NOT_CONFIGURED" satisfies ConfigErrorCode;
