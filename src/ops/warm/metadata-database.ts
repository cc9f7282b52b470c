/**
 * The cache warmer's read-only connection to Superset's metadata database
 * (SQLALCHEMY_DATABASE_URI): the library's SQL database with the warmer's error codes.
 */
import { openSqlDatabase, type SqlDatabase, type SqlRow } from "../../backends/metastore/sql-database.js";
import { WarmupError } from "./errors.js";

export type MetadataRow = SqlRow;

/** An open connection to the metadata database; `query` throws WarmupError `WARMUP_METADATA_QUERY_FAILED`. */
export type MetadataDatabase = SqlDatabase;

function failed(cause: unknown, sql: string): WarmupError {
  const first = sql.trim().split(/\s+/).slice(0, 4).join(" ");
  return new WarmupError(
    "WARMUP_METADATA_QUERY_FAILED",
    `metadata ${first} failed: ${(cause as Error).message}`,
    { cause },
  );
}

/**
 * Connect to the metadata database named by a SQLAlchemy URL, one connection (queries queue).
 * @throws CacheConfigError for a URL that is not PostgreSQL or MySQL; CacheBackendError
 *   `METASTORE_DRIVER_MISSING`; WarmupError `WARMUP_METADATA_QUERY_FAILED` (connection refused)
 */
export function openMetadataDatabase(uri: string): Promise<MetadataDatabase> {
  return openSqlDatabase(uri, { maxConnections: 1, connectNow: true, queryError: failed });
}
