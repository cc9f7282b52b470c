/**
 * Errors of the SQL Lab results backend, with the codes Superset itself reports where it has one
 * (`RESULTS_BACKEND_NOT_CONFIGURED_ERROR`, `RESULTS_BACKEND_ERROR`), and decode codes of our own.
 */
import type { ResultsDecodeErrorCode } from "../../core/error-codes/index.js";
import { CacheDecodeError, CacheEncodeError, SupersetCacheError } from "../../core/errors.js";

/** Decode failure codes (core's `ResultsDecodeErrorCode`); every one leaves the stored entry untouched. */
export type ResultsDecodeCode = ResultsDecodeErrorCode;

/** The stored bytes are not a results payload (bad zlib, msgpack, JSON, Arrow IPC or shape). */
export class ResultsDecodeError extends CacheDecodeError {
  declare readonly code: ResultsDecodeCode;
  /** Superset answers a payload it cannot deserialize with HTTP 404 (`SerializationError`). */
  readonly httpStatus = 404;
  constructor(code: ResultsDecodeCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A payload value could not be written (a type msgpack/JSON cannot carry, a Table Arrow cannot write). */
export class ResultsEncodeError extends CacheEncodeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("RESULTS_ENCODE_UNSUPPORTED", message, options);
  }
}

/** No results backend is configured; Superset: `RESULTS_BACKEND_NOT_CONFIGURED_ERROR`, "Results backend is not configured." */
export class ResultsBackendNotConfiguredError extends SupersetCacheError {
  readonly httpStatus = 500;
  constructor() {
    super("RESULTS_BACKEND_NOT_CONFIGURED_ERROR", "Results backend is not configured.");
  }
}

/** The key has no entry (expired or never written); Superset answers 410 with `RESULTS_BACKEND_ERROR`. */
export class ResultsExpiredError extends SupersetCacheError {
  readonly httpStatus = 410;
  constructor(readonly resultsKey: string) {
    super(
      "RESULTS_BACKEND_ERROR",
      "Data could not be retrieved from the results backend. You need to re-run the original query.",
    );
  }
}
