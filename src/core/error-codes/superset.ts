/** Codes of Superset's own API semantics: chart data, temporary caches, REST, SQL Lab results. */

/** Codes of `ChartDataError`. */
export const CHART_DATA_ERROR_CODES = [
  /** `forceCached` read found nothing cached (Superset's CacheLoadError). */
  "CHART_DATA_CACHE_LOAD",
  /** A chart-data entry that is not a dict, or whose `df` is not a DataFrame. */
  "CHART_DATA_MALFORMED",
] as const;
/** A code of `ChartDataError`. */
export type ChartDataErrorCode = (typeof CHART_DATA_ERROR_CODES)[number];

/** Codes of `TemporaryCacheError` and its subclasses (Superset's temporary-cache exceptions). */
export const TEMPORARY_CACHE_ERROR_CODES = [
  /** Not the entry's owner, or no access to the dashboard/datasource (HTTP 403). */
  "TEMPORARY_CACHE_ACCESS_DENIED",
  /** The dashboard, chart or dataset does not exist (HTTP 404). */
  "TEMPORARY_CACHE_RESOURCE_NOT_FOUND",
  /** The form data or value is not valid JSON (HTTP 400). */
  "TEMPORARY_CACHE_INVALID_JSON",
  /** A stored explore state names an unknown datasource type (HTTP 500). */
  "TEMPORARY_CACHE_INVALID_DATASOURCE_TYPE",
  /** Creating an entry failed in the cache underneath (HTTP 500; the failure is the `cause`). */
  "TEMPORARY_CACHE_CREATE_FAILED",
  /** Reading an entry failed in the cache underneath (HTTP 500; the failure is the `cause`). */
  "TEMPORARY_CACHE_GET_FAILED",
  /** Updating an entry failed in the cache underneath (HTTP 500; the failure is the `cause`). */
  "TEMPORARY_CACHE_UPDATE_FAILED",
  /** Deleting an entry failed in the cache underneath (HTTP 500; the failure is the `cause`). */
  "TEMPORARY_CACHE_DELETE_FAILED",
] as const;
/** A code of `TemporaryCacheError`. */
export type TemporaryCacheErrorCode = (typeof TEMPORARY_CACHE_ERROR_CODES)[number];

/** Codes of `SupersetRestError`. */
export const SUPERSET_REST_ERROR_CODES = [
  /** Logging in to Superset's REST API failed, or it answered without an access token. */
  "SUPERSET_LOGIN_FAILED",
  /** A Superset REST call (CSRF token, cache invalidation) answered an unexpected status. */
  "SUPERSET_REQUEST_FAILED",
] as const;
/** A code of `SupersetRestError`. */
export type SupersetRestErrorCode = (typeof SUPERSET_REST_ERROR_CODES)[number];

/** Codes of Superset's own API semantics: chart data, SQL Lab results, temporary caches, REST. */
export const SUPERSET_ERROR_CODES = [
  ...CHART_DATA_ERROR_CODES,
  ...TEMPORARY_CACHE_ERROR_CODES,
  ...SUPERSET_REST_ERROR_CODES,
  /** SQL Lab results read or written while no results backend is configured (HTTP 500). */
  "RESULTS_BACKEND_NOT_CONFIGURED_ERROR",
  /** SQL Lab results expired or never written (HTTP 410), or storing them failed. */
  "RESULTS_BACKEND_ERROR",
] as const;
/** A code of Superset's API semantics. */
export type SupersetErrorCode = (typeof SUPERSET_ERROR_CODES)[number];
