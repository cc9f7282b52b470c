/**
 * Read-only queries on Superset's metadata database (SQLALCHEMY_DATABASE_URI), PostgreSQL or
 * MySQL/MariaDB, through the optional `pg` / `mysql2` packages loaded on first use. SQL is
 * written with `?` placeholders; PostgreSQL gets them renumbered to `$1…`.
 */
import { parseDatabaseUri } from "../../backends/metastore/dsn.js";
import { WarmupError } from "./errors.js";

export type MetadataRow = Record<string, unknown>;

/** An open connection to the metadata database. */
export interface MetadataDatabase {
  readonly dialect: "postgresql" | "mysql";
  /** @throws WarmupError `WARMUP_METADATA_QUERY_FAILED` */
  query(sql: string, params?: readonly unknown[]): Promise<MetadataRow[]>;
  close(): Promise<void>;
}

interface PgClient {
  connect(): Promise<void>;
  query(text: string, values?: unknown[]): Promise<{ rows: MetadataRow[] }>;
  end(): Promise<void>;
  on(event: "error", listener: (err: Error) => void): void;
}
interface MysqlConnection {
  query(text: string, values?: unknown[]): Promise<[unknown, unknown]>;
  end(): Promise<void>;
}

async function load<T>(pkg: string, importer: () => Promise<unknown>): Promise<T> {
  try {
    const mod = (await importer()) as T & { default?: T };
    return mod.default ?? mod;
  } catch (cause) {
    throw new WarmupError(
      "WARMUP_METADATA_DRIVER_MISSING",
      `reading the metadata database needs the \`${pkg}\` package: npm install ${pkg}`,
      { cause },
    );
  }
}

function failed(what: string, cause: unknown): WarmupError {
  const first = what.trim().split(/\s+/).slice(0, 4).join(" ");
  return new WarmupError(
    "WARMUP_METADATA_QUERY_FAILED",
    `metadata ${first} failed: ${(cause as Error).message}`,
    {
      cause,
    },
  );
}

/** `?, ?, ?` for a list of `n` parameters (n ≥ 1). */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => "?").join(", ");
}

/**
 * Connect to the metadata database named by a SQLAlchemy URL.
 * @throws CacheConfigError for a URL that is not PostgreSQL or MySQL; WarmupError
 *   `WARMUP_METADATA_DRIVER_MISSING`, `WARMUP_METADATA_QUERY_FAILED` (connection refused)
 */
export async function openMetadataDatabase(uri: string): Promise<MetadataDatabase> {
  const s = parseDatabaseUri(uri);
  if (s.dialect === "postgresql") {
    const pg = await load<{ Client: new (c: Record<string, unknown>) => PgClient }>("pg", () => import("pg"));
    const client = new pg.Client({
      host: s.host,
      port: s.port,
      user: s.user,
      password: s.password,
      database: s.database,
    });
    client.on("error", () => {}); // reported by the next query
    await client.connect().catch((cause: unknown) => {
      throw failed("connect", cause);
    });
    return {
      dialect: "postgresql",
      async query(sql, params = []) {
        let n = 0;
        const text = sql.replace(/\?/g, () => `$${++n}`);
        try {
          return (await client.query(text, [...params])).rows;
        } catch (cause) {
          throw failed(sql, cause);
        }
      },
      close: () => client.end(),
    };
  }
  const mysql = await load<{ createConnection(c: Record<string, unknown>): Promise<MysqlConnection> }>(
    "mysql2",
    () => import("mysql2/promise"),
  );
  const conn = await mysql
    .createConnection({
      host: s.host,
      port: s.port,
      user: s.user,
      password: s.password,
      database: s.database,
      ...(s.socketPath ? { socketPath: s.socketPath } : {}),
    })
    .catch((cause: unknown) => {
      throw failed("connect", cause);
    });
  return {
    dialect: "mysql",
    async query(sql, params = []) {
      try {
        const [rows] = await conn.query(sql, [...params]);
        return rows as MetadataRow[];
      } catch (cause) {
        throw failed(sql, cause);
      }
    },
    close: () => conn.end(),
  };
}
