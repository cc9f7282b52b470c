/**
 * The auth helpers' connection to Superset's metadata database (`SQLALCHEMY_DATABASE_URI`) for
 * the user lookup and permalinks: the library's SQL database pool with the auth error codes.
 */
import {
  DEFAULT_SQL_CONNECT_TIMEOUT_SECONDS,
  DEFAULT_SQL_MAX_CONNECTIONS,
  openSqlDatabase,
  type SqlDatabase,
  type SqlDatabaseOptions,
} from "../backends/metastore/sql-database.js";
import { AuthError } from "./errors.js";

/**
 * What the auth helpers need from the metadata database: `query`/`execute` with `?`
 * placeholders. Opened here, both throw AuthError `AUTH_DATABASE_QUERY_FAILED`.
 */
export type MetadataDatabase = SqlDatabase;

/**
 * Options of {@link openMetadataDatabase}: `maxConnections` (default
 * {@link DEFAULT_SQL_MAX_CONNECTIONS}) and `connectTimeoutSeconds` (SECONDS, default
 * {@link DEFAULT_SQL_CONNECT_TIMEOUT_SECONDS}).
 */
export type MetadataDatabaseOptions = Pick<SqlDatabaseOptions, "maxConnections" | "connectTimeoutSeconds">;

function queryFailed(cause: unknown): AuthError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new AuthError("AUTH_DATABASE_QUERY_FAILED", `metadata database query failed: ${detail}`, { cause });
}

/**
 * Open a pool on the metadata database from a SQLAlchemy URL (PostgreSQL or MySQL/MariaDB);
 * connections open on first use.
 * @throws CacheConfigError `METASTORE_DSN_*` for a URL it cannot use; CacheBackendError `METASTORE_DRIVER_MISSING`
 */
export function openMetadataDatabase(
  uri: string,
  options: MetadataDatabaseOptions = {},
): Promise<MetadataDatabase> {
  return openSqlDatabase(uri, { ...options, queryError: queryFailed });
}
