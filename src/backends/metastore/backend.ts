/**
 * CACHE_TYPE `SupersetMetastoreCache`: cache entries as rows of Superset's `key_value` table
 * (resource `superset_metastore_cache`), one row per key, row uuid = uuid3 of the key under
 * a namespace seeded by CACHE_KEY_PREFIX. Bytes in, bytes out; the JSON or pickle codec is
 * the serializer above (see metastore-codecs.ts).
 *
 * The prefix is NOT prepended to keys here (Superset does not either): build the `Cache` over
 * this backend with an empty key prefix and pass CACHE_KEY_PREFIX as `keyPrefix` below.
 */

import type { ResolvedCacheConfig } from "../../config/config-types.js";
import { type Clock, systemClock } from "../../core/clock.js";
import { CacheBackendError, CacheConfigError } from "../../core/errors.js";
import { type InspectFunction, inspectCustom, REDACTED, redactUrl } from "../../core/redact.js";
import type { BackendEntry, CacheBackend } from "../backend.js";
import type { BackendContext } from "../backend-module.js";
import {
  DEFAULT_TABLE_NAME,
  type MetastoreDialect,
  type MetastoreWrite,
  tableMissingError,
} from "./dialect.js";
import { type MetastoreConnectionSettings, parseDatabaseUri } from "./dsn.js";
import { type NaiveTimeZone, naiveTimestamp } from "./time.js";
import { type MetastoreHashAlgorithm, metastoreNamespace, uuid3Bytes } from "./uuid.js";

/**
 * Options of {@link MetastoreBackend}; every field is optional except a way to reach the
 * database. Defaults in `METASTORE_BACKEND_DEFAULTS`.
 */
export interface MetastoreBackendOptions {
  /** Superset's SQLALCHEMY_DATABASE_URI (postgresql://, postgresql+psycopg2://, mysql://, mysql+mysqldb://…). */
  uri?: string;
  /** Parsed settings, instead of `uri`. */
  connection?: MetastoreConnectionSettings;
  /** A ready dialect (tests, custom drivers), instead of `uri`/`connection`. */
  dialect?: MetastoreDialect;
  /** The cache's CACHE_KEY_PREFIX: seeds the uuid namespace. Default `""`. */
  keyPrefix?: string;
  /** Superset's HASH_ALGORITHM for the namespace. Default `"md5"` (Superset ≤ 6.0). */
  algorithm?: MetastoreHashAlgorithm;
  /** Create the table and indexes when missing (Superset's DDL without the ab_user foreign keys). Default `false`: a missing table throws `METASTORE_TABLE_MISSING`. */
  createTable?: boolean;
  /** Table name, optionally `schema.table`. Default `"key_value"`. */
  tableName?: string;
  /** Connection pool size. Default 5. */
  maxConnections?: number;
  /** Written to `created_by_fk`/`changed_by_fk` (Superset's `get_user_id()`). Default `null`. */
  userId?: number | null;
  /** Time source for expiry. Default the system clock. */
  clock?: Clock;
  /** Wall clock of the naive timestamps: `"local"` (Superset's `datetime.now()`) or `"utc"`. Default `"local"`. */
  timeZone?: NaiveTimeZone;
  /** Config path of the cache, named by `ping()` errors (e.g. `FILTER_STATE_CACHE_CONFIG`). Default none. */
  path?: string;
}

/** Keys whose row uuid a backend remembers (about 100 bytes each with the key). */
const UUID_MEMO_KEYS = 4096;

/** Default pool size (connections). */
export const DEFAULT_MAX_CONNECTIONS = 5;

/** Defaults of `MetastoreBackendOptions` (Superset ≤ 6.0's behaviour). */
export const METASTORE_BACKEND_DEFAULTS = {
  keyPrefix: "",
  algorithm: "md5",
  createTable: false,
  tableName: DEFAULT_TABLE_NAME,
  maxConnections: DEFAULT_MAX_CONNECTIONS,
  userId: null,
  timeZone: "local",
} as const satisfies Partial<MetastoreBackendOptions>;

/**
 * What `backendOptions.metastore` may set for every metastore cache: defaults for the settings
 * a cache dict's `CACHE_OPTIONS` also holds (`create_table`, `table_name`, `max_connections`,
 * `user_id`, `time_zone`), which win over these.
 */
export type MetastoreFamilyOptions = Pick<
  MetastoreBackendOptions,
  "createTable" | "tableName" | "maxConnections" | "userId" | "timeZone"
>;

/**
 * The metastore backend. Expiry: a positive timeout (SECONDS) sets `expires_on = now + timeout`;
 * 0 or a negative timeout stores NULL (never expires), as Superset's `_get_expiry` does.
 * Expired rows read as missing and are deleted by `add` (prune first, as Superset does).
 * All methods throw `CacheBackendError` (`METASTORE_TABLE_MISSING`, `METASTORE_QUERY_FAILED`,
 * `METASTORE_DRIVER_MISSING`, `METASTORE_CLOSED`) on database failures.
 */
export class MetastoreBackend implements CacheBackend {
  readonly kind = "metastore";
  private readonly namespace: Uint8Array;
  // key → row uuid of recent keys: the md5 costs more than the rest of a get's JS work, and a
  // key (a filter state, a permalink) is typically read many times. Emptied when full.
  private readonly uuidMemo = new Map<string, Uint8Array>();
  private readonly clock: Clock;
  private readonly zone: NaiveTimeZone;
  private readonly userId: number | null;
  private ready: Promise<MetastoreDialect> | undefined;
  /** The dialect once `ready` has resolved: a read then skips awaiting the promise. */
  private opened: MetastoreDialect | undefined;
  private closed = false;

  constructor(private readonly options: MetastoreBackendOptions) {
    if (!options.dialect && !options.uri && !options.connection) {
      throw new CacheConfigError(
        "METASTORE_NO_DATABASE",
        "uri",
        "SupersetMetastoreCache needs a database: pass `uri` (SQLALCHEMY_DATABASE_URI), `connection` or `dialect`",
      );
    }
    // Parse eagerly so a bad URI fails at construction, not on first use.
    if (!options.dialect && !options.connection && options.uri) parseDatabaseUri(options.uri);
    const d = METASTORE_BACKEND_DEFAULTS;
    this.namespace = metastoreNamespace(options.keyPrefix ?? d.keyPrefix, options.algorithm ?? d.algorithm);
    this.clock = options.clock ?? systemClock;
    this.zone = options.timeZone ?? d.timeZone;
    this.userId = options.userId ?? d.userId;
  }

  /**
   * Registry adapter: `SQLALCHEMY_DATABASE_URI` and `HASH_ALGORITHM` from the manager settings,
   * the namespace seed from `CACHE_KEY_PREFIX`, and `create_table`, `table_name`,
   * `max_connections`, `user_id`, `time_zone` from `CACHE_OPTIONS` over `backendOptions.metastore`.
   * @throws CacheConfigError `METASTORE_NO_DATABASE` without SQLALCHEMY_DATABASE_URI, or a DSN error.
   */
  static fromFlaskConfig(
    config: ResolvedCacheConfig,
    context: BackendContext<MetastoreFamilyOptions>,
  ): MetastoreBackend {
    const uri = context.settings.SQLALCHEMY_DATABASE_URI;
    if (!uri) {
      throw new CacheConfigError(
        "METASTORE_NO_DATABASE",
        `${context.path}.CACHE_TYPE`,
        "SupersetMetastoreCache needs SQLALCHEMY_DATABASE_URI (Superset's metadata database)",
      );
    }
    const fromDict = config.CACHE_OPTIONS as MetastoreCacheOptions;
    const family = context.options ?? {};
    return new MetastoreBackend({
      uri,
      keyPrefix: config.CACHE_KEY_PREFIX,
      algorithm: context.settings.HASH_ALGORITHM,
      createTable: fromDict.create_table ?? family.createTable,
      tableName: fromDict.table_name ?? family.tableName,
      maxConnections: fromDict.max_connections ?? family.maxConnections,
      userId: fromDict.user_id ?? family.userId,
      timeZone: fromDict.time_zone ?? family.timeZone,
      clock: context.clock,
      path: context.path,
    });
  }

  /** What logs and `JSON.stringify` show: the database with its password masked, the table and the prefix. */
  toJSON(): Record<string, unknown> {
    const o = this.options;
    const c = o.connection;
    const target = o.uri
      ? redactUrl(o.uri)
      : c
        ? `${c.dialect}://${c.user ?? ""}${c.password !== undefined ? `:${REDACTED}` : ""}@${c.host ?? ""}:${c.port ?? ""}/${c.database ?? ""}`
        : "custom dialect";
    return {
      kind: this.kind,
      target,
      tableName: o.tableName ?? METASTORE_BACKEND_DEFAULTS.tableName,
      keyPrefix: o.keyPrefix ?? "",
    };
  }

  /** `util.inspect`/`console.log`: the `toJSON` view, never the password or the full URI. */
  [inspectCustom](_depth: number, options: object, inspect: InspectFunction): string {
    return `MetastoreBackend ${inspect(this.toJSON(), options)}`;
  }

  /** The row uuid bytes of a key (uuid3 under this cache's namespace). */
  rowUuid(key: string): Uint8Array {
    return this.uuidOf(key).slice();
  }

  /** `rowUuid` without the copy, for statements only (the memo's array must not be changed). */
  private uuidOf(key: string): Uint8Array {
    let uuid = this.uuidMemo.get(key);
    if (uuid === undefined) {
      uuid = uuid3Bytes(this.namespace, key);
      if (this.uuidMemo.size >= UUID_MEMO_KEYS) this.uuidMemo.clear();
      this.uuidMemo.set(key, uuid);
    }
    return uuid;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const dialect = this.opened ?? (await this.dialect());
    if (!dialect.selectOne) return (await this.getMany([key]))[0];
    const row = await dialect.selectOne(this.uuidOf(key), this.now());
    return row && !row.expired ? ownCopy(row.value) : undefined;
  }

  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    const dialect = await this.dialect();
    const uuids = keys.map((k) => this.uuidOf(k));
    const rows = await dialect.select(uuids, this.now());
    return uuids.map((u) => {
      const row = rows.get(hex(u));
      return row && !row.expired ? ownCopy(row.value) : undefined;
    });
  }

  async set(key: string, value: Uint8Array, timeout: number): Promise<boolean> {
    const dialect = await this.dialect();
    return dialect.upsert(this.row(key, value, timeout));
  }

  async setMany(entries: readonly BackendEntry[]): Promise<boolean[]> {
    const out: boolean[] = [];
    for (const e of entries) out.push(await this.set(e.key, e.value, e.timeout));
    return out;
  }

  async add(key: string, value: Uint8Array, timeout: number): Promise<boolean> {
    const dialect = await this.dialect();
    // Superset prunes the resource's expired rows first, so an expired row never blocks add().
    await dialect.deleteExpired(this.now());
    return dialect.insert(this.row(key, value, timeout));
  }

  /** Deletes the row even when it has expired (Superset's delete does not look at expiry). */
  async delete(key: string): Promise<boolean> {
    const dialect = await this.dialect();
    return dialect.delete(this.uuidOf(key));
  }

  async deleteMany(keys: readonly string[]): Promise<boolean[]> {
    const out: boolean[] = [];
    for (const k of keys) out.push(await this.delete(k));
    return out;
  }

  async has(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }

  /**
   * Deletes every row of resource `superset_metastore_cache` (rows of all metastore caches
   * sharing the table: uuids do not reveal their namespace). `prefix` cannot narrow it.
   * Superset's own `clear()` is a no-op here; this one really clears.
   */
  async clear(_prefix: string): Promise<boolean> {
    const dialect = await this.dialect();
    await dialect.deleteAll();
    return true;
  }

  /**
   * Open the pool and check that the table exists (`CacheManager.ready()`).
   * @throws CacheBackendError with the code of the failure (`METASTORE_QUERY_FAILED`,
   *   `METASTORE_TABLE_MISSING`, …), naming the cache and the database host, never the password
   */
  async ping(): Promise<void> {
    try {
      await this.dialect();
    } catch (err) {
      if (!(err instanceof CacheBackendError)) throw err;
      const o = this.options;
      const s = o.connection ?? (o.uri ? parseDatabaseUri(o.uri) : undefined);
      const where = s
        ? ` ${s.dialect} ${s.socketPath ?? s.host ?? "localhost"}:${s.port ?? "default port"}/${s.database ?? ""}`
        : "";
      const forCache = o.path ? ` for ${o.path}` : "";
      throw new CacheBackendError(err.code, "metastore", `Metastore${where}${forCache}: ${err.message}`, {
        cause: err,
      });
    }
  }

  /** Delete expired rows of the resource now; returns how many. */
  async prune(): Promise<number> {
    const dialect = await this.dialect();
    return dialect.deleteExpired(this.now());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const pending = this.ready;
    this.ready = undefined;
    this.opened = undefined;
    if (pending) {
      const dialect = await pending.catch(() => undefined);
      await dialect?.close();
    }
  }

  private now(): string {
    return naiveTimestamp(this.clock.now(), this.zone);
  }

  private row(key: string, value: Uint8Array, timeout: number): MetastoreWrite {
    const nowMs = this.clock.now();
    return {
      uuid: this.uuidOf(key),
      value,
      expiresOn: timeout > 0 ? naiveTimestamp(nowMs + timeout * 1000, this.zone) : null,
      now: naiveTimestamp(nowMs, this.zone),
      userId: this.userId,
    };
  }

  private dialect(): Promise<MetastoreDialect> {
    if (this.closed) {
      return Promise.reject(new CacheBackendError("METASTORE_CLOSED", "metastore", "backend is closed"));
    }
    if (!this.ready) {
      const ready = this.open();
      this.ready = ready;
      // A failed open is retried on the next call instead of caching the rejection.
      ready.then(
        (dialect) => {
          if (this.ready === ready) this.opened = dialect;
        },
        () => {
          if (this.ready === ready) this.ready = undefined;
        },
      );
    }
    return this.ready;
  }

  private async open(): Promise<MetastoreDialect> {
    const o = this.options;
    const tableName = o.tableName ?? METASTORE_BACKEND_DEFAULTS.tableName;
    const dialect = o.dialect ?? (await connect(o.connection ?? parseDatabaseUri(o.uri!), tableName, o));
    try {
      if (o.createTable) await dialect.createTable();
      else if (!(await dialect.tableExists())) {
        throw tableMissingError(tableName, dialect.name);
      }
    } catch (error) {
      if (!o.dialect) await dialect.close().catch(() => undefined);
      throw error;
    }
    return dialect;
  }
}

async function connect(
  settings: MetastoreConnectionSettings,
  tableName: string,
  options: MetastoreBackendOptions,
): Promise<MetastoreDialect> {
  const dialectOptions = {
    tableName,
    maxConnections: options.maxConnections ?? METASTORE_BACKEND_DEFAULTS.maxConnections,
  };
  if (settings.dialect === "postgresql") {
    const { createPostgresDialect } = await import("./postgres.js");
    return createPostgresDialect(settings, dialectOptions);
  }
  const { createMysqlDialect } = await import("./mysql.js");
  return createMysqlDialect(settings, dialectOptions);
}

/** A copy in a buffer of its own: driver values are views of larger socket or pool buffers. */
function ownCopy(bytes: Uint8Array): Uint8Array {
  // About half the time of `new Uint8Array(bytes)` for a small value (measured on Node 20).
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** CACHE_OPTIONS keys the metastore backend reads (snake_case, as Python constructor arguments). */
interface MetastoreCacheOptions {
  create_table?: boolean;
  table_name?: string;
  max_connections?: number;
  user_id?: number | null;
  time_zone?: NaiveTimeZone;
}
