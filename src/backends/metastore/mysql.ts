/**
 * MySQL/MariaDB dialect of the metastore backend, over `mysql2` (loaded lazily).
 * Superset's `uuid` column is BINARY(16) here (sqlalchemy-utils UUIDType, binary=True),
 * holding `uuid.bytes` (RFC 4122 byte order).
 */
import { ConnectionSet } from "./connection-set.js";
import {
  checkTableName,
  METASTORE_RESOURCE,
  type MetastoreDialect,
  type MetastoreRead,
  type MetastoreWrite,
  queryFailed,
  tableMissingError,
} from "./dialect.js";
import type { MetastoreConnectionSettings } from "./dsn.js";
import { loadMysqlDriver, mysqlConnectionConfig } from "./sql-database.js";

/** MySQL error numbers this dialect interprets. */
const ER_NO_SUCH_TABLE = 1146;
const ER_DUP_ENTRY = 1062;
const ER_TABLE_EXISTS = 1050;

/** The part of a `mysql2/promise` connection this dialect uses. */
interface MysqlConnection {
  query(sql: string, values?: unknown[]): Promise<[unknown, unknown]>;
  end(): Promise<void>;
  on(event: "error", listener: (err: Error) => void): void;
  on(event: "end", listener: () => void): void;
}
interface OkPacket {
  affectedRows: number;
}

/** Options of the MySQL dialect. */
export interface MysqlDialectOptions {
  tableName: string;
  /** Pool size. */
  maxConnections: number;
}

/** Connect lazily: the `mysql2` module is imported only here. */
export async function createMysqlDialect(
  settings: MetastoreConnectionSettings,
  options: MysqlDialectOptions,
): Promise<MetastoreDialect> {
  const mysql = await loadMysqlDriver();
  const config = mysqlConnectionConfig(settings);
  const connections = new ConnectionSet<MysqlConnection, [unknown, unknown]>(
    {
      open: async (onLost) => {
        const connection = (await mysql.createConnection(config)) as unknown as MysqlConnection;
        // A connection the server closes while idle emits 'error'; unheard, it would crash the process.
        connection.on("error", (error) => onLost(error));
        connection.on("end", () => onLost(undefined));
        return connection;
      },
      query: (connection, sql, values) => connection.query(sql, values),
      close: (connection) => connection.end(),
      isConnectionLost,
    },
    { maxConnections: options.maxConnections },
  );
  return new MysqlDialect(connections, options.tableName);
}

class MysqlDialect implements MetastoreDialect {
  readonly name = "mysql" as const;
  private readonly table: string;
  private readonly bareName: string;
  private readonly schemaName: string | undefined;
  private readonly selectOneSql: string;

  constructor(
    private readonly connections: ConnectionSet<MysqlConnection, [unknown, unknown]>,
    private readonly tableName: string,
  ) {
    const parts = checkTableName(tableName);
    this.table = parts.map((p) => `\`${p}\``).join(".");
    this.bareName = parts[parts.length - 1]!;
    this.schemaName = parts.length === 2 ? parts[0] : undefined;
    this.selectOneSql =
      "SELECT value, (expires_on IS NOT NULL AND expires_on <= ?) AS expired " +
      `FROM ${this.table} WHERE resource = ? AND uuid = ?`;
  }

  /** One statement's rows or OK packet (a lost connection is retried once by the set). */
  private async run(operation: string, sql: string, values: unknown[]): Promise<unknown> {
    try {
      return (await this.connections.query(sql, values))[0];
    } catch (cause) {
      if ((cause as { errno?: number }).errno === ER_NO_SUCH_TABLE)
        throw tableMissingError(this.tableName, "mysql");
      throw queryFailed(`mysql ${operation}`, cause);
    }
  }

  async tableExists(): Promise<boolean> {
    const rows = (await this.run(
      "table check",
      "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ?",
      [this.schemaName ?? null, this.bareName],
    )) as { n: number | string }[];
    return Number(rows[0]?.n ?? 0) > 0;
  }

  async createTable(): Promise<void> {
    try {
      await this.run(
        "create table",
        `CREATE TABLE IF NOT EXISTS ${this.table} (
          id INTEGER NOT NULL AUTO_INCREMENT,
          resource VARCHAR(32) NOT NULL,
          value LONGBLOB NOT NULL,
          uuid BINARY(16) NULL,
          created_on DATETIME NULL,
          created_by_fk INTEGER NULL,
          changed_on DATETIME NULL,
          changed_by_fk INTEGER NULL,
          expires_on DATETIME NULL,
          PRIMARY KEY (id),
          UNIQUE INDEX ix_key_value_uuid (uuid),
          INDEX ix_key_value_expires_on (expires_on))`,
        [],
      );
    } catch (error) {
      const errno = (error as { cause?: { errno?: number } }).cause?.errno;
      if (errno !== ER_TABLE_EXISTS || !(await this.tableExists())) throw error;
    }
  }

  async select(uuids: readonly Uint8Array[], now: string): Promise<Map<string, MetastoreRead>> {
    const out = new Map<string, MetastoreRead>();
    if (uuids.length === 0) return out;
    const rows = (await this.run(
      "select",
      `SELECT HEX(uuid) AS hex, value, (expires_on IS NOT NULL AND expires_on <= ?) AS expired
       FROM ${this.table} WHERE resource = ? AND uuid IN (?) ORDER BY id`,
      [now, METASTORE_RESOURCE, uuids.map(toBuffer)],
    )) as { hex: string; value: Uint8Array; expired: number | string }[];
    for (const row of rows) {
      const hex = row.hex.toLowerCase();
      // Lowest id first: keep the first row seen per uuid.
      if (!out.has(hex)) out.set(hex, { value: row.value, expired: Number(row.expired) === 1 });
    }
    return out;
  }

  /**
   * The common single-key read: the bare indexed lookup, SQL text built once (no hex column, no
   * ORDER BY: Superset's unique uuid index allows one row). A table without that index may hold
   * several, and then the lowest id wins as in `select`.
   */
  async selectOne(uuid: Uint8Array, now: string): Promise<MetastoreRead | undefined> {
    const rows = (await this.run("select", this.selectOneSql, [now, METASTORE_RESOURCE, toBuffer(uuid)])) as {
      value: Uint8Array;
      expired: number | string;
    }[];
    if (rows.length > 1) return (await this.select([uuid], now)).get(toBuffer(uuid).toString("hex"));
    const row = rows[0];
    return row ? { value: row.value, expired: Number(row.expired) === 1 } : undefined;
  }

  async upsert(row: MetastoreWrite): Promise<boolean> {
    // One statement arbitrated by the unique uuid index; a row of another resource is left alone.
    const result = (await this.run(
      "upsert",
      `INSERT INTO ${this.table} (resource, value, uuid, created_on, created_by_fk, expires_on)
       VALUES (?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE
         changed_by_fk = IF(resource = VALUES(resource), VALUES(created_by_fk), changed_by_fk),
         changed_on = IF(resource = VALUES(resource), VALUES(created_on), changed_on),
         expires_on = IF(resource = VALUES(resource), VALUES(expires_on), expires_on),
         value = IF(resource = VALUES(resource), VALUES(value), value)`,
      this.params(row),
    )) as OkPacket;
    // 1 = inserted, 2 = updated, 0 = duplicate left unchanged (same bytes or another resource).
    if (result.affectedRows > 0) return true;
    const current = await this.select([row.uuid], row.now);
    return current.has(toBuffer(row.uuid).toString("hex"));
  }

  async insert(row: MetastoreWrite): Promise<boolean> {
    try {
      await this.connections.query(
        `INSERT INTO ${this.table} (resource, value, uuid, created_on, created_by_fk, expires_on)
         VALUES (?, ?, ?, ?, ?, ?)`,
        this.params(row),
      );
      return true;
    } catch (cause) {
      const errno = (cause as { errno?: number }).errno;
      if (errno === ER_DUP_ENTRY) return false;
      if (errno === ER_NO_SUCH_TABLE) throw tableMissingError(this.tableName, "mysql");
      throw queryFailed("mysql insert", cause);
    }
  }

  async deleteExpired(now: string): Promise<number> {
    const r = (await this.run("prune", `DELETE FROM ${this.table} WHERE resource = ? AND expires_on <= ?`, [
      METASTORE_RESOURCE,
      now,
    ])) as OkPacket;
    return r.affectedRows;
  }

  async delete(uuid: Uint8Array): Promise<boolean> {
    const r = (await this.run("delete", `DELETE FROM ${this.table} WHERE resource = ? AND uuid = ?`, [
      METASTORE_RESOURCE,
      toBuffer(uuid),
    ])) as OkPacket;
    return r.affectedRows > 0;
  }

  async deleteAll(): Promise<number> {
    const r = (await this.run("clear", `DELETE FROM ${this.table} WHERE resource = ?`, [
      METASTORE_RESOURCE,
    ])) as OkPacket;
    return r.affectedRows;
  }

  async close(): Promise<void> {
    await this.connections.end();
  }

  private params(row: MetastoreWrite): unknown[] {
    return [METASTORE_RESOURCE, toBuffer(row.value), toBuffer(row.uuid), row.now, row.userId, row.expiresOn];
  }
}

/** mysql2's codes for a connection the server or network closed. */
const CONNECTION_LOST_CODES = new Set([
  "PROTOCOL_CONNECTION_LOST",
  "ECONNRESET",
  "EPIPE",
  "ER_SERVER_SHUTDOWN",
]);

function isConnectionLost(error: unknown): boolean {
  const e = error as { code?: string; fatal?: boolean };
  return e.code !== undefined && CONNECTION_LOST_CODES.has(e.code);
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
