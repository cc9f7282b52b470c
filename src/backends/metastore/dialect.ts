/**
 * What the metastore backend needs from a SQL database: the `key_value` statements of
 * Superset's SupersetMetastoreCache, per dialect. Times are naive wall-clock texts
 * (`YYYY-MM-DD HH:MM:SS.ffffff`) because Superset stores `datetime.now()` without a zone.
 */
import { CacheBackendError } from "../../core/errors.js";
import type { MetastoreDialectName } from "./dsn.js";

/** Superset's `KeyValueResource.METASTORE_CACHE`. */
export const METASTORE_RESOURCE = "superset_metastore_cache";

/** Superset's table name. */
export const DEFAULT_TABLE_NAME = "key_value";

/** One row to write. */
export interface MetastoreWrite {
  uuid: Uint8Array;
  value: Uint8Array;
  /** Naive wall-clock expiry, or null for never. */
  expiresOn: string | null;
  /** Naive wall-clock time of the write (`created_on` / `changed_on`). */
  now: string;
  /** `created_by_fk` / `changed_by_fk` (Superset's user id), null when anonymous. */
  userId: number | null;
}

/** A row as read: the value, and whether it had expired at the `now` given to the query. */
export interface MetastoreRead {
  value: Uint8Array;
  expired: boolean;
}

/**
 * SQL access for one dialect. Every method targets rows of one resource. The uuid arrays a
 * dialect receives are the backend's own (remembered per key): read them, never change them.
 */
export interface MetastoreDialect {
  readonly name: MetastoreDialectName;
  /** `true` when the table exists in the connected database/schema. */
  tableExists(): Promise<boolean>;
  /** Create the table and its two indexes as Superset's migration does (foreign keys to ab_user left out). */
  createTable(): Promise<void>;
  /** Rows by uuid (hex of the 16 bytes → row); the lowest `id` wins if several exist. */
  select(uuids: readonly Uint8Array[], now: string): Promise<Map<string, MetastoreRead>>;
  /**
   * One row by uuid (the lowest `id` if several), or `undefined`: the single-key `get` without
   * `select`'s map and hex keys. Optional; the backend falls back to `select`.
   */
  selectOne?(uuid: Uint8Array, now: string): Promise<MetastoreRead | undefined>;
  /** Insert or overwrite atomically (one statement): never two rows for one uuid. */
  upsert(row: MetastoreWrite): Promise<boolean>;
  /** Insert only; `false` when a row with that uuid exists. */
  insert(row: MetastoreWrite): Promise<boolean>;
  /** Delete rows of the resource whose `expires_on <= now`; returns the count. */
  deleteExpired(now: string): Promise<number>;
  /** Delete one row (expired or not); `true` when a row was deleted. */
  delete(uuid: Uint8Array): Promise<boolean>;
  /** Delete every row of the resource; returns the count. */
  deleteAll(): Promise<number>;
  close(): Promise<void>;
}

/** Validate a table name (optionally `schema.table`) so it can be quoted into SQL. */
export function checkTableName(name: string): string[] {
  const parts = name.split(".");
  if (parts.length > 2 || !parts.every((p) => /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(p))) {
    throw new CacheBackendError(
      "METASTORE_TABLE_NAME",
      "metastore",
      `invalid table name ${JSON.stringify(name)} (identifier or schema.identifier)`,
    );
  }
  return parts;
}

/** The clear error for a database without Superset's table. */
export function tableMissingError(table: string, dialect: MetastoreDialectName): CacheBackendError {
  return new CacheBackendError(
    "METASTORE_TABLE_MISSING",
    "metastore",
    `table ${table} does not exist in the ${dialect} database: run Superset's migrations ` +
      "(superset db upgrade) against it, or pass createTable: true to create it",
  );
}

/** Wrap a driver failure in a typed error (keeps the driver error as `cause`). */
export function queryFailed(operation: string, cause: unknown): CacheBackendError {
  if (cause instanceof CacheBackendError) return cause;
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new CacheBackendError("METASTORE_QUERY_FAILED", "metastore", `${operation} failed: ${detail}`, {
    cause,
  });
}
