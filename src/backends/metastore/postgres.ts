/**
 * PostgreSQL dialect of the metastore backend, over the `pg` package (loaded lazily).
 * Superset's `uuid` column is a native `uuid` on PostgreSQL (sqlalchemy-utils UUIDType).
 */
import { channel } from "node:diagnostics_channel";
import { type CacheErrorEvent, ERROR_CHANNEL_NAME } from "../../core/channels.js";
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
import {
  loadPostgresDriver,
  type PostgresClient,
  type PostgresResult,
  postgresConnectionConfig,
} from "./sql-database.js";
import { formatUuid } from "./uuid.js";

const errorChannel = channel(ERROR_CHANNEL_NAME);

/** Publish a lost idle connection on the library's error channel (code METASTORE_CONNECTION_LOST). */
function publishIdleError(error: Error): void {
  if (!errorChannel.hasSubscribers) return;
  const event: CacheErrorEvent = {
    cache: "metastore",
    operation: "idle-connection",
    code: "METASTORE_CONNECTION_LOST",
    error,
  };
  errorChannel.publish(event);
}

/** SQLSTATEs of a connection the server ended (admin shutdown, crash, connection failure). */
const CONNECTION_LOST_STATES = new Set(["57P01", "57P02", "57P03", "08000", "08003", "08006"]);

function isConnectionLost(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  if (e.code && CONNECTION_LOST_STATES.has(e.code)) return true;
  return e.code === "ECONNRESET" || e.code === "EPIPE" || /Connection terminated/i.test(e.message ?? "");
}

/** PostgreSQL's SQLSTATE for "relation does not exist". */
const UNDEFINED_TABLE = "42P01";

/** Options of the PostgreSQL dialect. */
export interface PostgresDialectOptions {
  tableName: string;
  /** Pool size. */
  maxConnections: number;
}

/** Connect lazily: the `pg` module is imported only here. */
export async function createPostgresDialect(
  settings: MetastoreConnectionSettings,
  options: PostgresDialectOptions,
): Promise<MetastoreDialect> {
  const pg = await loadPostgresDriver();
  const config = postgresConnectionConfig(settings);
  const connections = new ConnectionSet<PostgresClient, PostgresResult>(
    {
      open: async (onLost) => {
        const client = new pg.Client(config);
        // An idle client's network error must not crash the process (pg would throw it as an
        // unhandled 'error' event); it is published and the client leaves the set.
        client.on("error", (error) => onLost(error));
        client.on("end", () => onLost(undefined));
        await client.connect();
        return client;
      },
      query: (client, text, values) => client.query(text, values),
      close: (client) => client.end(),
      isConnectionLost,
    },
    { maxConnections: options.maxConnections, onIdleLost: publishIdleError },
  );
  return new PostgresDialect(connections, options.tableName);
}

class PostgresDialect implements MetastoreDialect {
  readonly name = "postgresql" as const;
  private readonly table: string;
  private readonly selectOneSql: string;
  // Row uuid → its hyphenated text: the arrays are the backend's remembered ones, so a key read
  // again reuses the text (formatting costs more than the rest of a read's own JS work).
  private readonly uuidTexts = new WeakMap<Uint8Array, string>();

  constructor(
    private readonly connections: ConnectionSet<PostgresClient, PostgresResult>,
    private readonly tableName: string,
  ) {
    this.table = checkTableName(tableName)
      .map((p) => `"${p}"`)
      .join(".");
    this.selectOneSql =
      "SELECT value, (expires_on IS NOT NULL AND expires_on <= $2::timestamp) AS expired " +
      `FROM ${this.table} WHERE resource = $1 AND uuid = $3::uuid`;
  }

  private async run(operation: string, text: string, values: unknown[]): Promise<PostgresResult> {
    try {
      return await this.connections.query(text, values);
    } catch (cause) {
      if ((cause as { code?: string }).code === UNDEFINED_TABLE)
        throw tableMissingError(this.tableName, "postgresql");
      throw queryFailed(`postgresql ${operation}`, cause);
    }
  }

  async tableExists(): Promise<boolean> {
    const r = await this.run("table check", "SELECT to_regclass($1) IS NOT NULL AS present", [this.table]);
    return r.rows[0]?.present === true;
  }

  async createTable(): Promise<void> {
    const statements = [
      `CREATE TABLE IF NOT EXISTS ${this.table} (
        id SERIAL NOT NULL,
        resource VARCHAR(32) NOT NULL,
        value BYTEA NOT NULL,
        uuid UUID,
        created_on TIMESTAMP WITHOUT TIME ZONE,
        created_by_fk INTEGER,
        changed_on TIMESTAMP WITHOUT TIME ZONE,
        changed_by_fk INTEGER,
        expires_on TIMESTAMP WITHOUT TIME ZONE,
        PRIMARY KEY (id))`,
      `CREATE UNIQUE INDEX IF NOT EXISTS ix_key_value_uuid ON ${this.table} (uuid)`,
      `CREATE INDEX IF NOT EXISTS ix_key_value_expires_on ON ${this.table} (expires_on)`,
    ];
    for (const sql of statements) {
      try {
        await this.run("create table", sql, []);
      } catch (error) {
        // Two processes creating the table at once race on the catalog; the loser sees a
        // unique violation although the object now exists.
        if (!(await this.tableExists())) throw error;
      }
    }
  }

  async select(uuids: readonly Uint8Array[], now: string): Promise<Map<string, MetastoreRead>> {
    if (uuids.length === 1) {
      const out = new Map<string, MetastoreRead>();
      const row = await this.selectOne(uuids[0]!, now);
      if (row) out.set(hexOf(uuids[0]!), row);
      return out;
    }
    return uuids.length === 0 ? new Map() : this.selectLowestIds(uuids, now);
  }

  /** One row per uuid, the lowest id of each. */
  private async selectLowestIds(
    uuids: readonly Uint8Array[],
    now: string,
  ): Promise<Map<string, MetastoreRead>> {
    const out = new Map<string, MetastoreRead>();
    const r = await this.run(
      "select",
      `SELECT DISTINCT ON (uuid) replace(uuid::text, '-', '') AS hex, value,
         (expires_on IS NOT NULL AND expires_on <= $2::timestamp) AS expired
       FROM ${this.table} WHERE resource = $1 AND uuid = ANY($3::uuid[]) ORDER BY uuid, id`,
      [METASTORE_RESOURCE, now, uuids.map(formatUuid)],
    );
    for (const row of r.rows) {
      out.set(row.hex as string, { value: row.value as Uint8Array, expired: row.expired === true });
    }
    return out;
  }

  /**
   * The common single-key read: the bare indexed lookup, SQL text built once. Superset's unique
   * uuid index allows one row, so no ORDER BY (its sort costs the server more than the rest of
   * the lookup); a table without that index may hold several, and then the lowest id wins.
   */
  async selectOne(uuid: Uint8Array, now: string): Promise<MetastoreRead | undefined> {
    const rows = (await this.run("select", this.selectOneSql, [METASTORE_RESOURCE, now, this.uuidText(uuid)]))
      .rows;
    if (rows.length > 1) return (await this.selectLowestIds([uuid], now)).get(hexOf(uuid));
    const row = rows[0];
    return row ? { value: row.value as Uint8Array, expired: row.expired === true } : undefined;
  }

  async upsert(row: MetastoreWrite): Promise<boolean> {
    // One statement, arbitrated by the unique uuid index: concurrent writers update, never duplicate.
    const r = await this.run(
      "upsert",
      `INSERT INTO ${this.table} AS kv (resource, value, uuid, created_on, created_by_fk, expires_on)
       VALUES ($1, $2, $3::uuid, $4::timestamp, $5, $6::timestamp)
       ON CONFLICT (uuid) DO UPDATE SET value = EXCLUDED.value, expires_on = EXCLUDED.expires_on,
         changed_on = EXCLUDED.created_on, changed_by_fk = EXCLUDED.created_by_fk
       WHERE kv.resource = EXCLUDED.resource`,
      this.params(row),
    );
    return r.rowCount === 1;
  }

  async insert(row: MetastoreWrite): Promise<boolean> {
    const r = await this.run(
      "insert",
      `INSERT INTO ${this.table} (resource, value, uuid, created_on, created_by_fk, expires_on)
       VALUES ($1, $2, $3::uuid, $4::timestamp, $5, $6::timestamp) ON CONFLICT (uuid) DO NOTHING`,
      this.params(row),
    );
    return r.rowCount === 1;
  }

  async deleteExpired(now: string): Promise<number> {
    const r = await this.run(
      "prune",
      `DELETE FROM ${this.table} WHERE resource = $1 AND expires_on <= $2::timestamp`,
      [METASTORE_RESOURCE, now],
    );
    return r.rowCount ?? 0;
  }

  async delete(uuid: Uint8Array): Promise<boolean> {
    const r = await this.run("delete", `DELETE FROM ${this.table} WHERE resource = $1 AND uuid = $2::uuid`, [
      METASTORE_RESOURCE,
      formatUuid(uuid),
    ]);
    return (r.rowCount ?? 0) > 0;
  }

  async deleteAll(): Promise<number> {
    const r = await this.run("clear", `DELETE FROM ${this.table} WHERE resource = $1`, [METASTORE_RESOURCE]);
    return r.rowCount ?? 0;
  }

  async close(): Promise<void> {
    await this.connections.end();
  }

  private uuidText(uuid: Uint8Array): string {
    let text = this.uuidTexts.get(uuid);
    if (text === undefined) {
      text = formatUuid(uuid);
      this.uuidTexts.set(uuid, text);
    }
    return text;
  }

  private params(row: MetastoreWrite): unknown[] {
    return [
      METASTORE_RESOURCE,
      Buffer.from(row.value.buffer, row.value.byteOffset, row.value.byteLength),
      this.uuidText(row.uuid),
      row.now,
      row.userId,
      row.expiresOn,
    ];
  }
}

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}
