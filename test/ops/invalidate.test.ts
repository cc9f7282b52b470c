/**
 * invalidate() against a real metadata database (PostgreSQL and MariaDB, throwaway databases
 * with Superset's cache_keys table) and a real redis-server whose chart entries were written by
 * Python Flask-Caching: Superset ≤ 6.1 deletes from CACHE_CONFIG (so data under another prefix
 * survives, as in Superset), master deletes from DATA_CACHE_CONFIG; the rows go either way.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CacheManager } from "#src/manager/cache-manager.js";
import { invalidate } from "#src/ops/invalidate.js";
import {
  createTestDatabase,
  serverAvailable,
  type TestDatabase,
  type TestDialect,
} from "#test/helpers/metastore-databases.js";
import { CLI_BIN_SOURCE } from "#test/helpers/paths.js";
import { FlaskPeer } from "#test/helpers/peer.js";
import { RedisServer } from "#test/helpers/redis-server.js";

const DDL: Record<TestDialect, string> = {
  postgresql: `CREATE TABLE cache_keys (id SERIAL NOT NULL, cache_key VARCHAR(256) NOT NULL, cache_timeout INTEGER,
    datasource_uid VARCHAR(64) NOT NULL, created_on TIMESTAMP WITHOUT TIME ZONE, PRIMARY KEY (id));
    CREATE INDEX ix_cache_keys_datasource_uid ON cache_keys (datasource_uid);`,
  mysql: `CREATE TABLE cache_keys (id INTEGER NOT NULL AUTO_INCREMENT, cache_key VARCHAR(256) NOT NULL, cache_timeout INTEGER,
    datasource_uid VARCHAR(64) NOT NULL, created_on DATETIME, PRIMARY KEY (id));
    CREATE INDEX ix_cache_keys_datasource_uid ON cache_keys (datasource_uid);`,
};

let server: RedisServer;
let peer: FlaskPeer;
beforeAll(async () => {
  server = await RedisServer.start({ label: "invalidate" });
  peer = await FlaskPeer.start();
  await peer.open({
    CACHE_TYPE: "RedisCache",
    CACHE_REDIS_URL: server.url,
    CACHE_KEY_PREFIX: "superset_data_",
  });
}, 30_000);
afterAll(async () => {
  await peer?.close();
  await server?.stop();
});

for (const dialect of ["postgresql", "mysql"] as const) {
  describe.skipIf(!serverAvailable(dialect))(`invalidate over ${dialect}`, () => {
    let db: TestDatabase;
    let manager: CacheManager;
    beforeAll(() => {
      db = createTestDatabase(dialect);
      db.sql(DDL[dialect]);
      manager = new CacheManager({
        CACHE_CONFIG: {
          CACHE_TYPE: "RedisCache",
          CACHE_REDIS_URL: server.url,
          CACHE_KEY_PREFIX: "superset_",
        },
        DATA_CACHE_CONFIG: {
          CACHE_TYPE: "RedisCache",
          CACHE_REDIS_URL: server.url,
          CACHE_KEY_PREFIX: "superset_data_",
        },
        FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
        EXPLORE_FORM_DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      });
    });
    afterAll(async () => {
      await manager?.close();
      db?.drop();
    });

    async function seed(tag: string) {
      for (const [key, uid] of [
        [`${tag}k1`, "3__table"],
        [`${tag}k2`, "3__table"],
        [`${tag}k3`, "4__table"],
      ] as const) {
        await peer.call("set", { key, value: { df: null, query: `SELECT ${key}` } });
        db.sql(
          `INSERT INTO cache_keys (cache_key, cache_timeout, datasource_uid) VALUES ('${key}', NULL, '${uid}')`,
        );
      }
    }
    const rows = () => db.sql("SELECT cache_key FROM cache_keys ORDER BY id").map((r) => r[0]);

    it("6.1 behaviour: deletes from CACHE_CONFIG (data under its own prefix survives), rows removed", async () => {
      await seed(`${dialect}-a-`);
      const r = await invalidate(
        { datasourceUids: ["3__table"] },
        { manager, databaseUri: db.uri, supersetVersion: "6.1" },
      );
      expect(r.cache).toBe("CACHE_CONFIG");
      expect(r.keys).toEqual([`${dialect}-a-k1`, `${dialect}-a-k2`]);
      expect(r.deleted).toEqual([]);
      expect(r.rowsDeleted).toBe(2);
      expect(await peer.call("has", { key: `${dialect}-a-k1` })).toBe(true); // Superset issue #40489
      expect(rows()).toEqual([`${dialect}-a-k3`]);
    });

    it("master behaviour: deletes the chart data Python wrote, only for the given datasources", async () => {
      db.sql("DELETE FROM cache_keys");
      await seed(`${dialect}-b-`);
      const r = await invalidate(
        { datasourceUids: ["3__table", "9__table"] },
        { manager, databaseUri: db.uri, supersetVersion: "master" },
      );
      expect(r.cache).toBe("DATA_CACHE_CONFIG");
      expect(r.deleted).toEqual([`${dialect}-b-k1`, `${dialect}-b-k2`]);
      expect(await peer.call("has", { key: `${dialect}-b-k1` })).toBe(false);
      expect(await peer.call("has", { key: `${dialect}-b-k2` })).toBe(false);
      expect(await peer.call("has", { key: `${dialect}-b-k3` })).toBe(true);
      expect(rows()).toEqual([`${dialect}-b-k3`]);
      const none = await invalidate({ datasourceUids: [] }, { manager, databaseUri: db.uri, target: "data" });
      expect(none).toEqual({ cache: "DATA_CACHE_CONFIG", keys: [], deleted: [], rowsDeleted: 0 });
    });

    it("the CLI's invalidate does the same from a config file (subprocess)", async () => {
      db.sql("DELETE FROM cache_keys");
      await seed(`${dialect}-c-`);
      const dir = mkdtempSync(join(tmpdir(), "superset-cache-inv-"));
      const config = join(dir, "superset.json");
      writeFileSync(
        config,
        JSON.stringify({
          CACHE_CONFIG: {
            CACHE_TYPE: "RedisCache",
            CACHE_REDIS_URL: server.url,
            CACHE_KEY_PREFIX: "superset_",
          },
          DATA_CACHE_CONFIG: {
            CACHE_TYPE: "RedisCache",
            CACHE_REDIS_URL: server.url,
            CACHE_KEY_PREFIX: "superset_data_",
          },
        }),
      );
      const bin = CLI_BIN_SOURCE;
      const args = ["--import", "tsx", bin, "invalidate", "--config", config, "--database-uri", db.uri];
      const r = spawnSync(
        process.execPath,
        [...args, "--datasource-uid", "4__table", "--target", "data", "--json"],
        {
          encoding: "utf8",
        },
      );
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({
        cache: "DATA_CACHE_CONFIG",
        keys: [`${dialect}-c-k3`],
        deleted: [`${dialect}-c-k3`],
        rowsDeleted: 1,
      });
      expect(await peer.call("has", { key: `${dialect}-c-k3` })).toBe(false);
      expect(spawnSync(process.execPath, [...args], { encoding: "utf8" }).status).toBe(2); // no uid
    });
  });
}

describe("invalidate over the opt-in Redis key index (no cache_keys table)", () => {
  it("QueryCacheManager records keys per datasource; invalidate deletes exactly those, Python sees them gone", async () => {
    const { DatasourceKeyIndex } = await import("#src/ops/datasource-key-index.js");
    const { QueryCacheManager } = await import("#src/superset/chart-data.js");
    const { tableFromArrays } = await import("apache-arrow");
    const manager = new CacheManager({
      DATA_CACHE_CONFIG: {
        CACHE_TYPE: "RedisCache",
        CACHE_REDIS_URL: server.url,
        CACHE_KEY_PREFIX: "superset_data_",
      },
      CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      EXPLORE_FORM_DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
    });
    const keyIndex = new DatasourceKeyIndex({ redisUrl: server.url });
    try {
      const q = new QueryCacheManager(manager.dataCache, { keyIndex });
      const df = tableFromArrays({ n: Int32Array.from([1]) });
      expect(await q.set("idx-a1", { df, query: "SELECT 1" }, 600, "7__table")).toBe(true);
      expect(await q.set("idx-a2", { df, query: "SELECT 2" }, 60, "7__table")).toBe(true);
      expect(await q.set("idx-b1", { df, query: "SELECT 3" }, 600, "8__table")).toBe(true);
      const ttl = Number(server.cli(["TTL", "superset_cache_index:7__table"]).out);
      expect(ttl).toBeGreaterThan(500); // the longest entry's timeout wins
      expect(await peer.call("has", { key: "idx-a1" })).toBe(true);
      const r = await invalidate({ datasourceUids: ["7__table"] }, { manager, keyIndex, target: "data" });
      expect(r).toEqual({
        cache: "DATA_CACHE_CONFIG",
        keys: ["idx-a1", "idx-a2"],
        deleted: ["idx-a1", "idx-a2"],
        rowsDeleted: 1,
      });
      expect(await peer.call("has", { key: "idx-a1" })).toBe(false);
      expect(await peer.call("has", { key: "idx-a2" })).toBe(false);
      expect(await peer.call("has", { key: "idx-b1" })).toBe(true);
      await expect(invalidate({ datasourceUids: ["x"] }, { manager })).rejects.toMatchObject({
        code: "INVALIDATE_NO_SOURCE",
      });
    } finally {
      await keyIndex.close();
      await manager.close();
    }
  });
});
