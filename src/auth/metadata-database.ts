/**
 * A small connection to Superset's metadata database (`SQLALCHEMY_DATABASE_URI`) for the user
 * lookup and permalinks: a pool over `pg` or `mysql2`, both optional peers imported on first
 * use. Statements are written with `?` placeholders; PostgreSQL gets them numbered.
 */
import { DEFAULT_PORTS, type MetastoreDialectName, parseDatabaseUri } from "../backends/metastore/dsn.js";
import { AuthError } from "./errors.js";

/** Rows as column → value, and how many rows a write touched. */
export interface QueryResult {
  rows: Record<string, unknown>[];
  affectedRows: number;
}

/** What the auth helpers need from the metadata database. */
export interface MetadataDatabase {
  readonly dialect: MetastoreDialectName;
  /** Run one statement with `?` placeholders. @throws AuthError `AUTH_DATABASE_QUERY_FAILED` */
  query(sql: string, params: readonly unknown[]): Promise<QueryResult>;
  close(): Promise<void>;
}

/** Options of {@link openMetadataDatabase}. */
export interface MetadataDatabaseOptions {
  /** Pool size. Default 4. */
  maxConnections?: number;
}

interface PgPool {
  query(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
  end(): Promise<void>;
  on(event: "error", listener: (err: Error) => void): void;
}
interface MysqlPool {
  query(sql: string, values?: unknown[]): Promise<[unknown, unknown]>;
  end(): Promise<void>;
}

function driverMissing(pkg: string, cause: unknown): AuthError {
  return new AuthError(
    "AUTH_DRIVER_MISSING",
    `reading the metadata database needs \`${pkg}\`: npm install ${pkg}`,
    {
      cause,
    },
  );
}

function queryFailed(cause: unknown): AuthError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new AuthError("AUTH_DATABASE_QUERY_FAILED", `metadata database query failed: ${detail}`, { cause });
}

/** `?` → `$1`, `$2`, … (the statements here hold no `?` inside literals). */
function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * Open a pool on the metadata database from a SQLAlchemy URL (PostgreSQL or MySQL/MariaDB).
 * @throws CacheConfigError `METASTORE_DSN_*` for a URL it cannot use; AuthError `AUTH_DRIVER_MISSING`
 */
export async function openMetadataDatabase(
  uri: string,
  options: MetadataDatabaseOptions = {},
): Promise<MetadataDatabase> {
  const s = parseDatabaseUri(uri);
  const max = options.maxConnections ?? 4;
  if (s.dialect === "postgresql") {
    let pg: { Pool: new (config: Record<string, unknown>) => PgPool };
    try {
      const mod = (await import("pg")) as unknown as typeof pg & { default?: typeof pg };
      pg = mod.default ?? mod;
    } catch (cause) {
      throw driverMissing("pg", cause);
    }
    const pool = new pg.Pool({
      host: s.host ?? "localhost",
      port: s.port ?? DEFAULT_PORTS.postgresql,
      user: s.user,
      password: s.password,
      database: s.database,
      max,
      ssl: s.sslMode && s.sslMode !== "disable" ? { rejectUnauthorized: false } : undefined,
    });
    pool.on("error", () => {}); // an idle client's failure surfaces on the next query
    return {
      dialect: "postgresql",
      async query(sql, params) {
        try {
          const r = await pool.query(numberPlaceholders(sql), [...params]);
          return { rows: r.rows, affectedRows: r.rowCount ?? 0 };
        } catch (cause) {
          throw queryFailed(cause);
        }
      },
      close: () => pool.end(),
    };
  }
  let mysql: { createPool(config: Record<string, unknown>): MysqlPool };
  try {
    const mod = (await import("mysql2/promise")) as unknown as typeof mysql & { default?: typeof mysql };
    mysql = mod.default ?? mod;
  } catch (cause) {
    throw driverMissing("mysql2", cause);
  }
  const pool = mysql.createPool({
    host: s.socketPath ? undefined : (s.host ?? "localhost"),
    port: s.port ?? DEFAULT_PORTS.mysql,
    socketPath: s.socketPath,
    user: s.user,
    password: s.password,
    database: s.database,
    charset: s.charset,
    connectionLimit: max,
    dateStrings: true,
    ssl: s.sslMode && s.sslMode.toLowerCase() !== "disabled" ? {} : undefined,
  });
  return {
    dialect: "mysql",
    async query(sql, params) {
      try {
        const [result] = await pool.query(sql, [...params]);
        if (Array.isArray(result)) return { rows: result as Record<string, unknown>[], affectedRows: 0 };
        return { rows: [], affectedRows: (result as { affectedRows?: number }).affectedRows ?? 0 };
      } catch (cause) {
        throw queryFailed(cause);
      }
    },
    close: () => pool.end(),
  };
}
