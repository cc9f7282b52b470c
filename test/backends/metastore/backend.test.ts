/** MetastoreBackend logic over a recording fake dialect (SQL itself is covered by the interop tests). */
import { describe, expect, it } from "vitest";
import { MetastoreBackend, type MetastoreBackendOptions } from "#src/backends/metastore/backend.js";
import { metastoreSerializerFromConfig } from "#src/backends/metastore/codecs.js";
import type { MetastoreDialect, MetastoreRead, MetastoreWrite } from "#src/backends/metastore/dialect.js";
import { naiveTimestamp } from "#src/backends/metastore/time.js";
import { metastoreUuid } from "#src/backends/metastore/uuid.js";
import type { ResolvedCacheConfig } from "#src/config/config-types.js";
import { CacheBackendError, CacheConfigError } from "#src/core/errors.js";
import { createCache } from "#src/manager/create-cache.js";
import { FakeClock } from "#src/testing/index.js";

const hex = (u: Uint8Array) => Buffer.from(u).toString("hex");

class FakeDialect implements MetastoreDialect {
  readonly name = "postgresql" as const;
  readonly rows = new Map<string, MetastoreWrite>();
  readonly log: string[] = [];
  exists = true;
  closed = 0;
  async tableExists() {
    this.log.push("tableExists");
    return this.exists;
  }
  async createTable() {
    this.log.push("createTable");
    this.exists = true;
  }
  async select(uuids: readonly Uint8Array[], now: string) {
    this.log.push(`select@${now}`);
    const out = new Map<string, MetastoreRead>();
    for (const u of uuids) {
      const r = this.rows.get(hex(u));
      if (r) out.set(hex(u), { value: r.value, expired: r.expiresOn !== null && r.expiresOn <= now });
    }
    return out;
  }
  async upsert(row: MetastoreWrite) {
    this.log.push(`upsert expires=${row.expiresOn}`);
    this.rows.set(hex(row.uuid), row);
    return true;
  }
  async insert(row: MetastoreWrite) {
    this.log.push("insert");
    if (this.rows.has(hex(row.uuid))) return false;
    this.rows.set(hex(row.uuid), row);
    return true;
  }
  async deleteExpired(now: string) {
    this.log.push("deleteExpired");
    let n = 0;
    for (const [k, r] of this.rows)
      if (r.expiresOn !== null && r.expiresOn <= now && this.rows.delete(k)) n++;
    return n;
  }
  async delete(uuid: Uint8Array) {
    this.log.push("delete");
    return this.rows.delete(hex(uuid));
  }
  async deleteAll() {
    const n = this.rows.size;
    this.rows.clear();
    return n;
  }
  async close() {
    this.closed++;
  }
}

const enc = new TextEncoder();

describe("MetastoreBackend", () => {
  it("uuid per key from the prefix namespace; expiry as naive now + SECONDS; <= 0 means NULL", async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    const dialect = new FakeDialect();
    const b = new MetastoreBackend({
      dialect,
      keyPrefix: "FILTER_STATE_CACHE_CONFIG",
      clock,
      timeZone: "utc",
      userId: 4,
    });
    expect(hex(b.rowUuid("42;z6OiPvci1q0"))).toBe(
      metastoreUuid("42;z6OiPvci1q0", { keyPrefix: "FILTER_STATE_CACHE_CONFIG" }).replaceAll("-", ""),
    );
    await b.set("a", enc.encode("1"), 90);
    await b.set("b", enc.encode("2"), 0);
    await b.set("c", enc.encode("3"), -10);
    const [a, bb, c] = [...dialect.rows.values()];
    expect(a).toMatchObject({
      expiresOn: "2026-01-02 03:05:35.678000",
      now: "2026-01-02 03:04:05.678000",
      userId: 4,
    });
    expect(bb!.expiresOn).toBeNull();
    expect(c!.expiresOn).toBeNull();
    expect(dialect.log[0]).toBe("tableExists");
  });

  it("reads expired rows as missing without deleting them; add prunes first; delete ignores expiry", async () => {
    const clock = new FakeClock();
    const dialect = new FakeDialect();
    const b = new MetastoreBackend({ dialect, clock });
    await b.set("k", enc.encode("v"), 5);
    expect(await b.has("k")).toBe(true);
    clock.advanceSeconds(5);
    expect(await b.get("k")).toBeUndefined();
    expect(dialect.rows.size).toBe(1);
    dialect.log.length = 0;
    expect(await b.add("k", enc.encode("w"), 0)).toBe(true);
    expect(dialect.log).toEqual(["deleteExpired", "insert"]);
    expect(await b.add("k", enc.encode("x"), 0)).toBe(false);
    await b.set("e", enc.encode("e"), 1);
    clock.advanceSeconds(2);
    expect(await b.delete("e")).toBe(true);
    expect(await b.deleteMany(["k", "none"])).toEqual([true, false]);
  });

  it("missing table: typed error unless createTable; closed backend: typed error; close is idempotent", async () => {
    const dialect = new FakeDialect();
    dialect.exists = false;
    const b = new MetastoreBackend({ dialect });
    await expect(b.get("x")).rejects.toMatchObject({ code: "METASTORE_TABLE_MISSING" });
    expect(dialect.rows.size).toBe(0);
    const c = new MetastoreBackend({ dialect, createTable: true });
    expect(await c.set("x", enc.encode("1"), 0)).toBe(true);
    expect(dialect.log).toContain("createTable");
    await c.close();
    await c.close();
    expect(dialect.closed).toBe(1);
    await expect(c.get("x")).rejects.toMatchObject({ code: "METASTORE_CLOSED" });
  });

  it("remembered row uuids: rowUuid hands out a copy, and keys past the memo's size stay exact", async () => {
    const dialect = new FakeDialect();
    const b = new MetastoreBackend({ dialect, keyPrefix: "memo" });
    const first = b.rowUuid("k");
    first.fill(0); // a caller's change must not reach the statements
    expect(await b.set("k", new Uint8Array([7]), 0)).toBe(true);
    expect(hex(b.rowUuid("k"))).toBe(metastoreUuid("k", { keyPrefix: "memo" }).replaceAll("-", ""));
    expect([...dialect.rows.keys()]).toEqual([hex(b.rowUuid("k"))]);
    for (let i = 0; i < 5000; i++) b.rowUuid(`other-${i}`); // fills and empties the memo
    for (const key of ["k", "other-0", "other-4999"]) {
      expect(hex(b.rowUuid(key))).toBe(metastoreUuid(key, { keyPrefix: "memo" }).replaceAll("-", ""));
    }
    expect([...(await b.get("k"))!]).toEqual([7]);
  });

  it("local vs utc naive timestamps", () => {
    const ms = Date.UTC(2026, 5, 1, 23, 59, 59, 1);
    expect(naiveTimestamp(ms, "utc")).toBe("2026-06-01 23:59:59.001000");
    const d = new Date(ms);
    expect(naiveTimestamp(ms, "local").slice(0, 10)).toBe(
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`,
    );
  });

  it("constructor and registry hooks fail early with typed errors", async () => {
    expect(() => new MetastoreBackend({})).toThrow(
      expect.objectContaining({ code: "METASTORE_NO_DATABASE" }),
    );
    expect(() => new MetastoreBackend({ uri: "sqlite:///x.db" })).toThrow(CacheConfigError);
    const config = {
      CACHE_TYPE: "SupersetMetastoreCache",
      CACHE_DEFAULT_TIMEOUT: 300,
      CACHE_KEY_PREFIX: "P",
      CACHE_THRESHOLD: 500,
      CACHE_IGNORE_ERRORS: false,
      CACHE_OPTIONS: {},
      CACHE_ARGS: [],
      defaultTimeout: 300,
    } as ResolvedCacheConfig;
    const ctx = { clock: new FakeClock(), path: "FILTER_STATE_CACHE_CONFIG", settings: {} };
    expect(() => MetastoreBackend.fromFlaskConfig(config, ctx)).toThrow(
      expect.objectContaining({
        code: "METASTORE_NO_DATABASE",
        path: "FILTER_STATE_CACHE_CONFIG.CACHE_TYPE",
      }),
    );
    expect(metastoreSerializerFromConfig({ ...config, CODEC: "json" }, ctx).name).toBe("metastore-json");
    expect(metastoreSerializerFromConfig(config, ctx).name).toBe("metastore-pickle");
    expect(() => metastoreSerializerFromConfig({ ...config, CODEC: "yaml" as "json" }, ctx)).toThrow(
      expect.objectContaining({ code: "METASTORE_CODEC_UNKNOWN" }),
    );
    const pickled = metastoreSerializerFromConfig(config, ctx).dumps({ a: 1 });
    expect([pickled[0], pickled[1]]).toEqual([0x80, 4]); // protocol 4, no "!"
  });

  it("backendOptions.metastore reach the backend through createCache; CACHE_OPTIONS win", async () => {
    const cache = createCache(
      {
        CACHE_TYPE: "SupersetMetastoreCache",
        CACHE_KEY_PREFIX: "P",
        CACHE_OPTIONS: { table_name: "from_dict" },
      },
      {
        path: "FILTER_STATE_CACHE_CONFIG",
        settings: { SQLALCHEMY_DATABASE_URI: "postgresql://postgres@127.0.0.1:1/none" },
        backendOptions: {
          metastore: { tableName: "from_options", maxConnections: 2, timeZone: "utc" },
          redis: { commandTimeoutMs: 1 },
        },
      },
    );
    const backend = await cache.backend();
    expect(backend).toBeInstanceOf(MetastoreBackend);
    // The options object is private; reading it here checks the mapping without a database.
    expect((backend as unknown as { options: MetastoreBackendOptions }).options).toMatchObject({
      tableName: "from_dict",
      maxConnections: 2,
      timeZone: "utc",
      keyPrefix: "P",
    });
    await cache.close();
  });

  it("an unreachable database is a METASTORE_QUERY_FAILED backend error, retried on the next call", async () => {
    const b = new MetastoreBackend({ uri: "postgresql://postgres@127.0.0.1:1/none", maxConnections: 1 });
    const err = await b.get("k").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CacheBackendError);
    expect(err).toMatchObject({ code: "METASTORE_QUERY_FAILED", backend: "metastore" });
    await expect(b.get("k")).rejects.toMatchObject({ code: "METASTORE_QUERY_FAILED" });
    await b.close();
  });
});
