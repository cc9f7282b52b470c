/**
 * Superset's `cache_keys` table (model `CacheKey`: id, cache_key, cache_timeout, datasource_uid,
 * created_on), filled when STORE_CACHE_KEYS_IN_METADATA_DB is on. Read and pruned here through
 * the metadata database; the drivers (pg, mysql2) are optional peers imported lazily.
 */
import { parseDatabaseUri } from "../backends/metastore/dsn.js";
import { CacheBackendError } from "../core/errors.js";

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

function driverMissing(pkg: string, cause: unknown): CacheBackendError {
  return new CacheBackendError(
    "CACHE_KEYS_DRIVER_MISSING",
    "cache_keys",
    `reading cache_keys needs the \`${pkg}\` package: npm install ${pkg}`,
    {
      cause,
    },
  );
}

function toRows(rows: readonly Record<string, unknown>[]): CacheKeyRow[] {
  return rows.map((r) => ({
    id: Number(r.id),
    cacheKey: String(r.cache_key),
    datasourceUid: String(r.datasource_uid),
  }));
}

/**
 * Open the cache_keys table of Superset's metadata database (SQLAlchemy URL, as
 * SQLALCHEMY_DATABASE_URI). PostgreSQL and MySQL/MariaDB.
 * @throws CacheConfigError for an unsupported URL; CacheBackendError `CACHE_KEYS_DRIVER_MISSING`
 */
export async function openCacheKeysTable(databaseUri: string): Promise<CacheKeysTable> {
  const s = parseDatabaseUri(databaseUri);
  if (s.dialect === "postgresql") {
    type PgClient = {
      connect(): Promise<void>;
      query(t: string, v?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
      end(): Promise<void>;
      on(e: "error", l: (err: Error) => void): void;
    };
    let pg: { Client: new (c: Record<string, unknown>) => PgClient };
    try {
      const mod = (await import("pg")) as unknown as typeof pg & { default?: typeof pg };
      pg = mod.default ?? mod;
    } catch (cause) {
      throw driverMissing("pg", cause);
    }
    const client = new pg.Client({
      host: s.host,
      port: s.port,
      user: s.user,
      password: s.password,
      database: s.database,
    });
    client.on("error", () => {}); // reported by the next query
    await client.connect();
    return {
      async select(uids) {
        if (uids.length === 0) return [];
        const r = await client.query(
          `SELECT ${SELECT_COLUMNS} FROM ${TABLE} WHERE datasource_uid = ANY($1) ORDER BY id`,
          [uids],
        );
        return toRows(r.rows);
      },
      async deleteIds(ids) {
        if (ids.length === 0) return 0;
        const r = await client.query(`DELETE FROM ${TABLE} WHERE id = ANY($1)`, [ids]);
        return r.rowCount ?? 0;
      },
      close: () => client.end(),
    };
  }
  type MyConn = { query(t: string, v?: unknown[]): Promise<[unknown, unknown]>; end(): Promise<void> };
  let mysql: { createConnection(c: Record<string, unknown>): Promise<MyConn> };
  try {
    const mod = (await import("mysql2/promise")) as unknown as typeof mysql & { default?: typeof mysql };
    mysql = mod.default ?? mod;
  } catch (cause) {
    throw driverMissing("mysql2", cause);
  }
  const conn = await mysql.createConnection({
    host: s.host,
    port: s.port,
    user: s.user,
    password: s.password,
    database: s.database,
    ...(s.socketPath ? { socketPath: s.socketPath } : {}),
  });
  return {
    async select(uids) {
      if (uids.length === 0) return [];
      const [rows] = await conn.query(
        `SELECT ${SELECT_COLUMNS} FROM ${TABLE} WHERE datasource_uid IN (?) ORDER BY id`,
        [uids],
      );
      return toRows(rows as Record<string, unknown>[]);
    },
    async deleteIds(ids) {
      if (ids.length === 0) return 0;
      const [r] = await conn.query(`DELETE FROM ${TABLE} WHERE id IN (?)`, [ids]);
      return (r as { affectedRows: number }).affectedRows;
    },
    close: () => conn.end(),
  };
}
