/**
 * Typed errors of the temporary-cache commands, matching Superset's exceptions and the HTTP
 * status its REST API answers with (`httpStatus`).
 */
import type { TemporaryCacheErrorCode } from "../../core/error-codes/index.js";
import { SupersetCacheError } from "../../core/errors.js";

/** Base class; `httpStatus` is what Superset's API returns for the same case. */
export class TemporaryCacheError extends SupersetCacheError {
  declare readonly code: TemporaryCacheErrorCode;
  constructor(
    code: TemporaryCacheErrorCode,
    message: string,
    readonly httpStatus: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** `TemporaryCacheAccessDeniedError` (403): not the entry's owner, or no access to the dashboard/datasource. */
export class TemporaryCacheAccessDeniedError extends TemporaryCacheError {
  constructor(options?: { cause?: unknown }) {
    super("TEMPORARY_CACHE_ACCESS_DENIED", "You don't have permission to modify the value.", 403, options);
  }
}

/** `TemporaryCacheResourceNotFoundError` (404): the dashboard, chart or dataset does not exist. */
export class TemporaryCacheResourceNotFoundError extends TemporaryCacheError {
  constructor(options?: { cause?: unknown }) {
    super("TEMPORARY_CACHE_RESOURCE_NOT_FOUND", "Resource was not found.", 404, options);
  }
}

/** The form data / value is not valid JSON (Superset: `validate_json` → 400). */
export class TemporaryCacheInvalidJsonError extends TemporaryCacheError {
  constructor(options?: { cause?: unknown }) {
    super("TEMPORARY_CACHE_INVALID_JSON", "JSON is not valid", 400, options);
  }
}

/** A stored explore state names a datasource type `DatasourceType(...)` rejects (Superset: ValueError → 500). */
export class TemporaryCacheInvalidDatasourceTypeError extends TemporaryCacheError {
  constructor(value: string) {
    super(
      "TEMPORARY_CACHE_INVALID_DATASOURCE_TYPE",
      `${JSON.stringify(value)} is not a valid DatasourceType`,
      500,
    );
  }
}

/** Which command failed, for {@link TemporaryCacheCommandFailedError}. */
export type TemporaryCacheOperation = "create" | "get" | "update" | "delete";

const FAILED_CODES: Readonly<Record<TemporaryCacheOperation, TemporaryCacheErrorCode>> = {
  create: "TEMPORARY_CACHE_CREATE_FAILED",
  get: "TEMPORARY_CACHE_GET_FAILED",
  update: "TEMPORARY_CACHE_UPDATE_FAILED",
  delete: "TEMPORARY_CACHE_DELETE_FAILED",
};

const FAILED_MESSAGES: Readonly<Record<TemporaryCacheOperation, string>> = {
  create: "An error occurred while creating the value.",
  get: "An error occurred while accessing the value.",
  update: "An error occurred while updating the value.",
  delete: "An error occurred while deleting the value.",
};

/** `TemporaryCache{Create,Get,Update,Delete}FailedError` (500): the cache failed underneath (kept as `cause`). */
export class TemporaryCacheCommandFailedError extends TemporaryCacheError {
  constructor(
    readonly operation: TemporaryCacheOperation,
    options?: { cause?: unknown },
  ) {
    super(FAILED_CODES[operation], FAILED_MESSAGES[operation], 500, options);
  }
}

/**
 * Runs one command of a temporary-cache store: typed errors pass through; anything else (a
 * failing cache) becomes the command's `TemporaryCacheCommandFailedError`, as Superset answers.
 */
export async function runTemporaryCacheCommand<T>(
  operation: TemporaryCacheOperation,
  body: () => Promise<T>,
): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof TemporaryCacheError) throw error;
    throw new TemporaryCacheCommandFailedError(operation, { cause: error });
  }
}
