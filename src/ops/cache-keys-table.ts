/**
 * Superset's `cache_keys` table (model `CacheKey`: id, cache_key, cache_timeout, datasource_uid,
 * created_on), filled when STORE_CACHE_KEYS_IN_METADATA_DB is on. Read and pruned here through
 * the metadata database (backends/metastore/sql-database.ts).
 */
import { openSqlDatabase, type SqlRow } from "../backends/metastore/sql-database.js";

/** One row: the unprefixed cache key Superset recorded for a datasource. */
export interface CacheKeyRow {
  id: number;
  cacheKey: string;
  datasourceUid: string;
}

export interface CacheKeysTable {
  /** Rows whose datasource_uid is one of `uids`. */
  select(uids: readonly string[]): Promise<CacheKeyRow[]>;
  /** Delete rows by id. @returns rows deleted */
  deleteIds(ids: readonly number[]): Promise<number>;
  close(): Promise<void>;
}

const TABLE = "cache_keys";
const SELECT_COLUMNS = "id, cache_key, datasource_uid";

function toRows(rows: readonly SqlRow[]): CacheKeyRow[] {
  return rows.map((r) => ({
    id: Number(r.id),
    cacheKey: String(r.cache_key),
    datasourceUid: String(r.datasource_uid),
  }));
}

/**
 * Open the cache_keys table of Superset's metadata database (SQLAlchemy URL, as
 * SQLALCHEMY_DATABASE_URI). PostgreSQL and MySQL/MariaDB.
 * @throws CacheConfigError for an unsupported URL; CacheBackendError `METASTORE_DRIVER_MISSING`,
 *   `METASTORE_QUERY_FAILED` (connection refused, and from the table's methods)
 */
export async function openCacheKeysTable(databaseUri: string): Promise<CacheKeysTable> {
  const db = await openSqlDatabase(databaseUri, { maxConnections: 1, connectNow: true });
  // One array parameter: PostgreSQL compares with ANY, mysql2 expands `IN (?)` to the list.
  const inList = db.dialect === "postgresql" ? "= ANY(?)" : "IN (?)";
  return {
    async select(uids) {
      if (uids.length === 0) return [];
      const rows = await db.query(
        `SELECT ${SELECT_COLUMNS} FROM ${TABLE} WHERE datasource_uid ${inList} ORDER BY id`,
        [uids],
      );
      return toRows(rows);
    },
    async deleteIds(ids) {
      if (ids.length === 0) return 0;
      return db.execute(`DELETE FROM ${TABLE} WHERE id ${inList}`, [ids]);
    },
    close: () => db.close(),
  };
}
