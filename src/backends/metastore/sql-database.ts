/**
 * Superset's metadata database (SQLALCHEMY_DATABASE_URI), PostgreSQL or MySQL/MariaDB, reached
 * one way for the whole library: the optional `pg` / `mysql2` peers loaded on first use (one
 * error when missing), connection and pool settings built from a parsed URL, and `openSqlDatabase`
 * for callers that run their own parameterised SQL (the cache_keys table, the cache warmer, users
 * and permalinks). The metastore backend opens its connections from the same loaders and settings.
 */
import type {
  ConnectionOptions as MysqlConnectionOptions,
  PoolOptions as MysqlPoolOptions,
} from "mysql2/promise";
import { CacheBackendError, type SupersetCacheError } from "../../core/errors.js";
import { queryFailed } from "./dialect.js";
import {
  DEFAULT_PORTS,
  type MetastoreConnectionSettings,
  type MetastoreDialectName,
  parseDatabaseUri,
} from "./dsn.js";

/** A row as column → value. */
export type SqlRow = Record<string, unknown>;

/** What a `pg` query answers. */
export interface PostgresResult {
  rows: SqlRow[];
  rowCount: number | null;
}

/** The part of a `pg` pool this library uses. */
export interface PostgresPool {
  query(text: string, values?: unknown[]): Promise<PostgresResult>;
  connect(): Promise<{ release(): void }>;
  end(): Promise<void>;
  on(event: "error", listener: (err: Error) => void): void;
}

/** The part of a `pg` client this library uses. */
export interface PostgresClient {
  connect(): Promise<void>;
  query(text: string, values?: unknown[]): Promise<PostgresResult>;
  end(): Promise<void>;
  on(event: "error", listener: (err: Error) => void): void;
  on(event: "end", listener: () => void): void;
}

/** The part of the `pg` module this library uses. */
export interface PostgresDriver {
  Pool: new (config: Record<string, unknown>) => PostgresPool;
  Client: new (config: Record<string, unknown>) => PostgresClient;
}

/** The `mysql2/promise` module. */
export type MysqlDriver = typeof import("mysql2/promise");

function driverMissing(pkg: "pg" | "mysql2", database: string, cause: unknown): CacheBackendError {
  return new CacheBackendError(
    "METASTORE_DRIVER_MISSING",
    "metastore",
    `a ${database} metadata database needs the \`${pkg}\` package: npm install ${pkg}`,
    { cause },
  );
}

/** Import `pg` on first use. @throws CacheBackendError `METASTORE_DRIVER_MISSING` when it is not installed */
export async function loadPostgresDriver(): Promise<PostgresDriver> {
  try {
    const mod = (await import("pg")) as unknown as PostgresDriver & { default?: PostgresDriver };
    return mod.default ?? mod;
  } catch (cause) {
    throw driverMissing("pg", "PostgreSQL", cause);
  }
}

/** Import `mysql2/promise` on first use. @throws CacheBackendError `METASTORE_DRIVER_MISSING` when it is not installed */
export async function loadMysqlDriver(): Promise<MysqlDriver> {
  try {
    const mod = await import("mysql2/promise");
    return (mod as { default?: MysqlDriver }).default ?? mod;
  } catch (cause) {
    throw driverMissing("mysql2", "MySQL/MariaDB", cause);
  }
}

/** Pool size and timeouts of a pool built from connection settings. */
export interface SqlPoolLimits {
  /** Most connections open at once. */
  maxConnections: number;
  /**
   * SECONDS to wait for a connection; on PostgreSQL also for a free pooled one. Unset: the
   * driver's default (`pg` waits forever, `mysql2` 10 s).
   */
  connectTimeoutSeconds?: number;
}

/** `pg` client settings for a parsed URL: one connection (host and port default to localhost:5432). */
export function postgresConnectionConfig(
  s: MetastoreConnectionSettings,
  connectTimeoutSeconds?: number,
): Record<string, unknown> {
  return {
    host: s.host ?? "localhost",
    port: s.port ?? DEFAULT_PORTS.postgresql,
    user: s.user,
    password: s.password,
    database: s.database,
    ssl: s.sslMode && s.sslMode !== "disable" ? { rejectUnauthorized: false } : undefined,
    ...(connectTimeoutSeconds === undefined ? {} : { connectionTimeoutMillis: connectTimeoutSeconds * 1000 }),
  };
}

/** `pg` pool settings: the connection settings and the pool's size. */
export function postgresPoolConfig(
  s: MetastoreConnectionSettings,
  limits: SqlPoolLimits,
): Record<string, unknown> {
  return { ...postgresConnectionConfig(s, limits.connectTimeoutSeconds), max: limits.maxConnections };
}

/** `mysql2` settings for one connection to a parsed URL (host and port default to localhost:3306). */
export function mysqlConnectionConfig(
  s: MetastoreConnectionSettings,
  connectTimeoutSeconds?: number,
): MysqlConnectionOptions {
  return {
    host: s.socketPath ? undefined : (s.host ?? "localhost"),
    port: s.port ?? DEFAULT_PORTS.mysql,
    socketPath: s.socketPath,
    user: s.user,
    password: s.password,
    database: s.database,
    charset: s.charset,
    // Times are passed and compared as naive texts; never let the driver shift them.
    dateStrings: true,
    ssl: s.sslMode && s.sslMode.toLowerCase() !== "disabled" ? {} : undefined,
    ...(connectTimeoutSeconds === undefined ? {} : { connectTimeout: connectTimeoutSeconds * 1000 }),
  };
}

/** `mysql2` pool settings: the connection settings and the pool's size. */
export function mysqlPoolConfig(s: MetastoreConnectionSettings, limits: SqlPoolLimits): MysqlPoolOptions {
  return {
    ...mysqlConnectionConfig(s, limits.connectTimeoutSeconds),
    connectionLimit: limits.maxConnections,
  };
}

/** An open pool on the metadata database. */
export interface SqlDatabase {
  readonly dialect: MetastoreDialectName;
  /**
   * Rows of one statement. SQL is written with `?` placeholders (none inside literals);
   * PostgreSQL gets them numbered `$1…`. On MySQL an array parameter expands to a list (`IN (?)`).
   * @throws the error of `SqlDatabaseOptions.queryError`
   */
  query<Row extends SqlRow = SqlRow>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Run a write as `query` does. @returns rows affected @throws as `query` */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
  close(): Promise<void>;
}

/** Default pool size of {@link openSqlDatabase}. */
export const DEFAULT_SQL_MAX_CONNECTIONS = 4;
/** Default `connectTimeoutSeconds` of {@link openSqlDatabase}: 10 s (mysql2's own default). */
export const DEFAULT_SQL_CONNECT_TIMEOUT_SECONDS = 10;

/** Options of {@link openSqlDatabase}. */
export interface SqlDatabaseOptions extends Partial<SqlPoolLimits> {
  /** Open a connection before returning, so a wrong URL or a down server fails here. Default `false`. */
  connectNow?: boolean;
  /**
   * The error a failed statement throws (`sql` is `"connect"` for `connectNow`); the driver
   * error is `cause`. Default CacheBackendError `METASTORE_QUERY_FAILED`.
   */
  queryError?: (cause: unknown, sql: string) => SupersetCacheError;
}

/** `?` → `$1`, `$2`, … for PostgreSQL. */
function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** `?, ?, ?` for a list of `n` parameters (n ≥ 1). */
export function sqlPlaceholders(n: number): string {
  return Array.from({ length: n }, () => "?").join(", ");
}

interface StatementResult {
  rows: SqlRow[];
  affectedRows: number;
}

/**
 * Open a pool on the database a SQLAlchemy URL (or parsed settings) names. Connections open on
 * first use unless `connectNow`.
 * @throws CacheConfigError `METASTORE_DSN_*` for a URL it cannot use; CacheBackendError
 *   `METASTORE_DRIVER_MISSING`; with `connectNow`, the `queryError` of a failed connection
 */
export async function openSqlDatabase(
  target: string | MetastoreConnectionSettings,
  options: SqlDatabaseOptions = {},
): Promise<SqlDatabase> {
  const settings = typeof target === "string" ? parseDatabaseUri(target) : target;
  const limits: SqlPoolLimits = {
    maxConnections: options.maxConnections ?? DEFAULT_SQL_MAX_CONNECTIONS,
    connectTimeoutSeconds: options.connectTimeoutSeconds ?? DEFAULT_SQL_CONNECT_TIMEOUT_SECONDS,
  };
  const fail =
    options.queryError ??
    ((cause: unknown, sql: string) =>
      queryFailed(`${settings.dialect} ${sql === "connect" ? "connect" : "query"}`, cause));
  let run: (sql: string, params: unknown[]) => Promise<StatementResult>;
  let connect: () => Promise<{ release(): void }>;
  let end: () => Promise<void>;
  if (settings.dialect === "postgresql") {
    const pool = new (await loadPostgresDriver()).Pool(postgresPoolConfig(settings, limits));
    pool.on("error", () => {}); // an idle client's failure surfaces on the next query
    run = async (sql, params) => {
      const r = await pool.query(numberPlaceholders(sql), params);
      return { rows: r.rows, affectedRows: r.rowCount ?? 0 };
    };
    connect = () => pool.connect();
    end = () => pool.end();
  } else {
    const pool = (await loadMysqlDriver()).createPool(mysqlPoolConfig(settings, limits));
    run = async (sql, params) => {
      const [result] = await pool.query(sql, params);
      return Array.isArray(result)
        ? { rows: result as SqlRow[], affectedRows: 0 }
        : { rows: [], affectedRows: (result as { affectedRows?: number }).affectedRows ?? 0 };
    };
    connect = () => pool.getConnection();
    end = () => pool.end();
  }
  const statement = async (sql: string, params: readonly unknown[]): Promise<StatementResult> => {
    try {
      return await run(sql, [...params]);
    } catch (cause) {
      throw fail(cause, sql);
    }
  };
  if (options.connectNow) {
    try {
      (await connect()).release();
    } catch (cause) {
      await end().catch(() => {});
      throw fail(cause, "connect");
    }
  }
  return {
    dialect: settings.dialect,
    query: async <Row extends SqlRow = SqlRow>(sql: string, params: readonly unknown[] = []) =>
      (await statement(sql, params)).rows as Row[],
    execute: async (sql, params = []) => (await statement(sql, params)).affectedRows,
    close: end,
  };
}
