/**
 * Superset's dashboard, explore and SQL Lab permalinks on the metadata database's `key_value`
 * table. A key is the row id as Hashids with a per-kind salt; the salt is the JSON string in
 * the `app` row `uuid3(namespace(""), "<kind>_permalink_salt")` (namespace by `HASH_ALGORITHM`,
 * then each of `HASH_ALGORITHM_FALLBACKS`). Values are JSON (`JsonKeyValueCodec`).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { metastoreJsonSerializer } from "../backends/metastore/codecs.js";
import { naiveTimestamp } from "../backends/metastore/time.js";
import {
  formatUuid,
  type MetastoreHashAlgorithm,
  metastoreNamespace,
  uuid3Bytes,
} from "../backends/metastore/uuid.js";
import { dumps } from "../codecs/json/dumps.js";
import { type Clock, systemClock } from "../core/clock.js";
import type { PyValue } from "../python/values.js";
import { makeJsonIntDttmSer } from "../superset/json-hooks.js";
import { AuthError } from "./errors.js";
import { type MetadataDatabase, openMetadataDatabase } from "./metadata-database.js";
import { decodePermalinkId, encodePermalinkKey } from "./permalink-key.js";

/** Largest `key_value.id` (a signed 32-bit INTEGER column in Superset's schema). */
const MAX_KEY_VALUE_ID = 2 ** 31 - 1;

/** The three permalink kinds. */
export type PermalinkKind = "dashboard" | "explore" | "sqllab";

/** `KeyValueResource` of each kind's rows. */
export const PERMALINK_RESOURCES: Readonly<Record<PermalinkKind, string>> = {
  dashboard: "dashboard_permalink",
  explore: "explore_permalink",
  sqllab: "sqllab_permalink",
};
/** `KeyValueResource.APP`, where the salts live. */
export const APP_RESOURCE = "app";
/** `SharedKey` of each kind's salt. */
const SALT_KEYS: Readonly<Record<PermalinkKind, string>> = {
  dashboard: "dashboard_permalink_salt",
  explore: "explore_permalink_salt",
  sqllab: "sqllab_permalink_salt",
};
/** Salts are `random_key(48)`: 48 random bytes, base64url. */
const SALT_BYTES = 48;

/** Options of {@link PermalinkStore}. */
export interface PermalinkStoreOptions {
  /** The metadata database: a SQLAlchemy URL (`SQLALCHEMY_DATABASE_URI`) or an open connection. */
  database: string | MetadataDatabase;
  /** `HASH_ALGORITHM`. Default `"sha256"` (Superset 6.1); `"md5"` for every release before. */
  hashAlgorithm?: MetastoreHashAlgorithm;
  /** `HASH_ALGORITHM_FALLBACKS`: where salts are looked for next. Default `["md5"]` (6.1's default). */
  hashAlgorithmFallbacks?: readonly MetastoreHashAlgorithm[];
  /** Wall clock of `created_on` and expiry checks: naive local time, as Superset's `datetime.now()`. */
  clock?: Clock;
}

/** Options of {@link PermalinkStore.create}. */
export interface CreatePermalinkOptions {
  /** The creating user's id (`created_by_fk`, and part of a dashboard permalink's row uuid). */
  userId: number | null;
  /**
   * Reuse the row of the same user and value (`get_deterministic_uuid(salt, (user_id, value))`
   * and an upsert), as Superset does for dashboards. Default: `true` for dashboards only.
   */
  deterministic?: boolean;
}

const jsonCodec = metastoreJsonSerializer();
const intDttmSer = makeJsonIntDttmSer();

/** Resolves and creates permalinks as Superset's permalink commands do. */
export class PermalinkStore {
  private db: MetadataDatabase | undefined;
  private opening: Promise<MetadataDatabase> | undefined;
  private readonly algorithm: MetastoreHashAlgorithm;
  private readonly fallbacks: readonly MetastoreHashAlgorithm[];
  private readonly clock: Clock;

  constructor(private readonly options: PermalinkStoreOptions) {
    this.algorithm = options.hashAlgorithm ?? "sha256";
    this.fallbacks = options.hashAlgorithmFallbacks ?? ["md5"];
    for (const a of [this.algorithm, ...this.fallbacks]) metastoreNamespace("", a); // validates early
    this.clock = options.clock ?? systemClock;
    if (typeof options.database !== "string") this.db = options.database;
  }

  private async database(): Promise<MetadataDatabase> {
    if (this.db) return this.db;
    this.opening ??= openMetadataDatabase(this.options.database as string);
    this.db = await this.opening;
    return this.db;
  }

  private now(): string {
    return naiveTimestamp(this.clock.now(), "local");
  }

  private uuidParam(db: MetadataDatabase, bytes: Uint8Array): string | Buffer {
    // PostgreSQL's column is a native uuid; MySQL's BINARY(16) holds uuid.bytes.
    return db.dialect === "postgresql" ? formatUuid(bytes) : Buffer.from(bytes);
  }

  /** Value of the unexpired row of `resource` with this uuid, or undefined. */
  private async valueByUuid(
    db: MetadataDatabase,
    resource: string,
    uuid: Uint8Array,
  ): Promise<Uint8Array | undefined> {
    const rows = await db.query(
      "SELECT value FROM key_value WHERE resource = ? AND uuid = ? AND (expires_on IS NULL OR expires_on > ?) ORDER BY id",
      [resource, this.uuidParam(db, uuid), this.now()],
    );
    return rows[0]?.value as Uint8Array | undefined;
  }

  private saltUuid(kind: PermalinkKind, algorithm: MetastoreHashAlgorithm): Uint8Array {
    return uuid3Bytes(metastoreNamespace("", algorithm), SALT_KEYS[kind]);
  }

  /**
   * `get_shared_value("<kind>_permalink_salt")`: the current algorithm's row, then each
   * fallback's. With `migrate`, a salt found through a fallback is copied to the current
   * algorithm's row, as Superset does.
   */
  private async findSalt(
    db: MetadataDatabase,
    kind: PermalinkKind,
    migrate: boolean,
  ): Promise<string | null> {
    for (const algorithm of [this.algorithm, ...this.fallbacks]) {
      const raw = await this.valueByUuid(db, APP_RESOURCE, this.saltUuid(kind, algorithm));
      if (raw === undefined) continue;
      const salt = decodeJson(raw);
      if (typeof salt !== "string")
        throw new AuthError("AUTH_PERMALINK_VALUE_INVALID", `the ${kind} salt is not a string`);
      if (migrate && algorithm !== this.algorithm) await this.insertSalt(db, kind, salt);
      return salt;
    }
    return null;
  }

  private async insertSalt(db: MetadataDatabase, kind: PermalinkKind, salt: string): Promise<void> {
    const ignore = db.dialect === "postgresql" ? "" : "IGNORE ";
    const conflict = db.dialect === "postgresql" ? " ON CONFLICT (uuid) DO NOTHING" : "";
    await db.execute(
      `INSERT ${ignore}INTO key_value (resource, value, uuid, created_on, created_by_fk) VALUES (?, ?, ?, ?, ?)${conflict}`,
      [
        APP_RESOURCE,
        encodeJson(salt),
        this.uuidParam(db, this.saltUuid(kind, this.algorithm)),
        this.now(),
        null,
      ],
    );
  }

  /** `get_permalink_salt`: the salt, created (`random_key(48)`) when no row has one yet. */
  private async salt(db: MetadataDatabase, kind: PermalinkKind): Promise<string> {
    const found = await this.findSalt(db, kind, true);
    if (found !== null) return found;
    await this.insertSalt(db, kind, randomBytes(SALT_BYTES).toString("base64url"));
    // A concurrent creator may have won the insert: whatever row exists now is the salt.
    const created = await this.findSalt(db, kind, false);
    if (created === null)
      throw new AuthError("AUTH_PERMALINK_VALUE_INVALID", `the ${kind} salt could not be stored`);
    return created;
  }

  /**
   * The state behind a permalink key, as `Get…PermalinkCommand` reads it. Read-only: a missing
   * salt is not created and a fallback salt is not migrated.
   * @returns the stored JSON value, or `null` for an unknown, malformed or expired key
   * @throws AuthError `AUTH_DATABASE_QUERY_FAILED`, `AUTH_PERMALINK_VALUE_INVALID` (a stored value that is not JSON)
   */
  async resolve(kind: PermalinkKind, key: string): Promise<PyValue | null> {
    const db = await this.database();
    const salt = await this.findSalt(db, kind, false);
    if (salt === null) return null;
    const id = decodePermalinkId(key, salt);
    // key_value.id is a 32-bit INTEGER: a larger id names no row (and PostgreSQL would reject it).
    if (id === null || id < 1 || id > MAX_KEY_VALUE_ID) return null;
    const rows = await db.query(
      "SELECT value FROM key_value WHERE resource = ? AND id = ? AND (expires_on IS NULL OR expires_on > ?)",
      [PERMALINK_RESOURCES[kind], String(id), this.now()],
    );
    const raw = rows[0]?.value as Uint8Array | undefined;
    return raw === undefined ? null : decodeJson(raw);
  }

  /**
   * Store `value` and return its permalink key, as `Create…PermalinkCommand` does. For a
   * dashboard `value` is `{ dashboardId, state }`; for explore `{ chartId, datasourceId,
   * datasourceType, datasource, state }`; for SQL Lab the editor state.
   * @throws AuthError `AUTH_PERMALINK_VALUE_INVALID` (not JSON-serializable), `AUTH_DATABASE_QUERY_FAILED`
   */
  async create(kind: PermalinkKind, value: PyValue, options: CreatePermalinkOptions): Promise<string> {
    const db = await this.database();
    const salt = await this.salt(db, kind);
    const bytes = encodeJson(value);
    const resource = PERMALINK_RESOURCES[kind];
    const deterministic = options.deterministic ?? kind === "dashboard";
    const uuid = deterministic
      ? this.deterministicUuid(salt, options.userId, value)
      : uuidBytes(randomUUID());
    const uuidParam = this.uuidParam(db, uuid);
    const now = this.now();
    if (deterministic) {
      // KeyValueDAO.upsert_entry: the same user and state land on the same row.
      const update =
        db.dialect === "postgresql"
          ? " ON CONFLICT (uuid) DO UPDATE SET value = EXCLUDED.value, expires_on = NULL, " +
            "changed_on = EXCLUDED.created_on, changed_by_fk = EXCLUDED.created_by_fk"
          : " ON DUPLICATE KEY UPDATE value = VALUES(value), expires_on = NULL, " +
            "changed_on = VALUES(created_on), changed_by_fk = VALUES(created_by_fk)";
      await db.execute(
        `INSERT INTO key_value (resource, value, uuid, created_on, created_by_fk) VALUES (?, ?, ?, ?, ?)${update}`,
        [resource, bytes, uuidParam, now, options.userId],
      );
    } else {
      await db.execute(
        "INSERT INTO key_value (resource, value, uuid, created_on, created_by_fk) VALUES (?, ?, ?, ?, ?)",
        [resource, bytes, uuidParam, now, options.userId],
      );
    }
    const rows = await db.query("SELECT id FROM key_value WHERE resource = ? AND uuid = ? ORDER BY id", [
      resource,
      uuidParam,
    ]);
    if (rows[0] === undefined)
      throw new AuthError("AUTH_PERMALINK_VALUE_INVALID", `the ${kind} permalink row was not stored`);
    return encodePermalinkKey(BigInt(String(rows[0].id)), salt);
  }

  /** `get_deterministic_uuid(salt, (user_id, value))`: uuid3 of the sorted-key JSON under the salt's namespace. */
  private deterministicUuid(salt: string, userId: number | null, value: PyValue): Uint8Array {
    let payload: string;
    try {
      payload = dumps([userId, value], {
        sortKeys: true,
        allowNan: false,
        ignoreNan: true,
        default: intDttmSer,
      });
    } catch (cause) {
      throw new AuthError("AUTH_PERMALINK_VALUE_INVALID", "the permalink value is not JSON-serializable", {
        cause,
      });
    }
    return uuid3Bytes(metastoreNamespace(salt, this.algorithm), payload);
  }

  /** Close the connection this store opened from a URL (a given connection is left open). */
  async close(): Promise<void> {
    if (typeof this.options.database === "string" && this.db) await this.db.close();
  }
}

function encodeJson(value: PyValue): Buffer {
  try {
    return Buffer.from(jsonCodec.dumps(value));
  } catch (cause) {
    throw new AuthError("AUTH_PERMALINK_VALUE_INVALID", "the permalink value is not JSON-serializable", {
      cause,
    });
  }
}

function decodeJson(bytes: Uint8Array): PyValue {
  try {
    return jsonCodec.loads(bytes);
  } catch (cause) {
    throw new AuthError("AUTH_PERMALINK_VALUE_INVALID", "a stored permalink value is not JSON", { cause });
  }
}

function uuidBytes(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replaceAll("-", ""), "hex"));
}
