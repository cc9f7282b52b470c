/**
 * Named caches on the metastore through the public config path (CacheManager / createCache),
 * against PostgreSQL and MariaDB, cross-checked with Python: Superset's default filter-state
 * cache (JSON codec, prefix FILTER_STATE_CACHE_CONFIG) and the pickle codec both ways.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CacheManager } from "#src/manager/cache-manager.js";
import { createCache } from "#src/manager/create-cache.js";
import { ExploreFormDataStore, FilterStateStore } from "#src/superset/temporary/index.js";
import {
  createTestDatabase,
  peer,
  serverAvailable,
  type TestDatabase,
  type TestDialect,
} from "#test/helpers/metastore-databases.js";

type Rows = {
  rows: {
    found: boolean;
    count: number;
    expired: boolean;
    value_json: string;
    hex: string;
    expires_on: string | null;
  }[];
};

for (const dialect of ["postgresql", "mysql"] as TestDialect[]) {
  describe.skipIf(!serverAvailable(dialect))(`metastore caches on ${dialect}`, () => {
    let db: TestDatabase;
    beforeAll(() => {
      db = createTestDatabase(dialect);
      db.createSupersetTable();
    });
    afterAll(() => db?.drop());

    it("Superset's default FILTER_STATE cache: spec row uuid and the exact stdlib-json bytes", async () => {
      const manager = new CacheManager({ SQLALCHEMY_DATABASE_URI: db.uri }, { onBackendError: "throw" });
      try {
        const store = new FilterStateStore({
          cache: manager.filterStateCache,
          randomKey: () => "z6OiPvci1q0",
        });
        const value = '{"NATIVE_FILTER-abc": {"id": "NATIVE_FILTER-abc"}}';
        expect(await store.create({ userId: 1, sessionId: null }, 42, null, value)).toBe("z6OiPvci1q0");
        const uuidSql = dialect === "postgresql" ? "uuid::text" : "LOWER(HEX(uuid))";
        const uuids = db
          .sql(`SELECT ${uuidSql} FROM key_value ORDER BY id`)
          .map((r) => r[0]!.replaceAll("-", ""));
        // uuid3(ns("FILTER_STATE_CACHE_CONFIG"), "42;z6OiPvci1q0") and the contextual "None;None;42".
        expect(uuids).toEqual(["4c76410c907b3dd79854a2d7325defb1", "ca98aa84fc1e34388ddb506302633f79"]);
        const py = peer<Rows>({
          op: "db_read",
          dialect,
          db: db.name,
          prefix: "FILTER_STATE_CACHE_CONFIG",
          algorithm: "md5",
          codec: "json",
          keys: ["42;z6OiPvci1q0", "None;None;42"],
        });
        // The stored text, as Superset's JsonKeyValueCodec writes it.
        expect(Buffer.from(py.rows[0]!.hex, "hex").toString("utf8")).toBe(
          '{"owner": 1, "value": "{\\"NATIVE_FILTER-abc\\": {\\"id\\": \\"NATIVE_FILTER-abc\\"}}"}',
        );
        expect(Buffer.from(py.rows[1]!.hex, "hex").toString("utf8")).toBe('"z6OiPvci1q0"');
        // 90 days default timeout.
        const expires = new Date(`${py.rows[0]!.expires_on!.replace(" ", "T")}`).getTime();
        expect(Math.abs(expires - (Date.now() + 90 * 86400_000))).toBeLessThan(120_000);
        expect(await store.get({ userId: 3, sessionId: null }, 42, "z6OiPvci1q0")).toBe(value);

        const explore = new ExploreFormDataStore({
          cache: manager.exploreFormDataCache,
          randomKey: () => "z6OiPvci1q0",
        });
        await explore.create(
          { userId: 1, sessionId: null },
          { datasourceId: 5, datasourceType: "table", formData: '{"viz_type": "table"}' },
        );
        const ex = peer<Rows>({
          op: "db_read",
          dialect,
          db: db.name,
          prefix: "EXPLORE_FORM_DATA_CACHE_CONFIG",
          algorithm: "md5",
          codec: "json",
          keys: ["z6OiPvci1q0"],
        });
        expect(Buffer.from(ex.rows[0]!.hex, "hex").toString("utf8")).toBe(
          '{"owner": 1, "datasource_id": 5, "datasource_type": "table", "chart_id": null, "form_data": "{\\"viz_type\\": \\"table\\"}"}',
        );
      } finally {
        await manager.close();
      }
    });

    it("rows Python writes as Superset does are served by our stores; a value json cannot encode writes nothing", async () => {
      const manager = new CacheManager({ SQLALCHEMY_DATABASE_URI: db.uri }, { onBackendError: "throw" });
      try {
        const value = '{"NATIVE_FILTER-x": {"filterState": {"value": [1.0, "\u00e9"]}}}';
        peer({
          op: "db_write",
          dialect,
          db: db.name,
          prefix: "FILTER_STATE_CACHE_CONFIG",
          algorithm: "md5",
          codec: "json",
          rows: [{ key: "7;PYKEY", value_json: JSON.stringify({ owner: 2, value }), timeout: 600 }],
        });
        peer({
          op: "db_write",
          dialect,
          db: db.name,
          prefix: "EXPLORE_FORM_DATA_CACHE_CONFIG",
          algorithm: "md5",
          codec: "json",
          rows: [
            {
              key: "PYSTATE",
              value_json: JSON.stringify({
                owner: 2,
                datasource_id: 3,
                datasource_type: "table",
                chart_id: 4,
                form_data: "{}",
              }),
              timeout: 600,
            },
          ],
        });
        const fs = new FilterStateStore({ cache: manager.filterStateCache });
        expect(await fs.get({ userId: 1, sessionId: null }, 7, "PYKEY")).toBe(value);
        await expect(fs.update({ userId: 1, sessionId: null }, 7, "PYKEY", null, "{}")).rejects.toMatchObject(
          { httpStatus: 403 },
        );
        const ex = new ExploreFormDataStore({ cache: manager.exploreFormDataCache });
        expect(await ex.get({ userId: 1, sessionId: null }, "PYSTATE")).toBe("{}");
        expect(await ex.delete({ userId: 2, sessionId: null }, "PYSTATE")).toBe(true);
        const gone = peer<Rows>({
          op: "db_read",
          dialect,
          db: db.name,
          prefix: "EXPLORE_FORM_DATA_CACHE_CONFIG",
          algorithm: "md5",
          codec: "json",
          keys: ["PYSTATE"],
        });
        expect(gone.rows[0]!.found).toBe(false);

        const before = db.sql("SELECT COUNT(*) FROM key_value")[0]![0];
        await expect(manager.filterStateCache.set("bytes", new Uint8Array([1, 2]))).rejects.toMatchObject({
          code: "METASTORE_JSON_UNSERIALIZABLE",
        });
        expect(db.sql("SELECT COUNT(*) FROM key_value")[0]![0]).toBe(before);
      } finally {
        await manager.close();
      }
    });

    it("pickle codec (Superset 2.x default): Python's rows read by us, ours read by Python", async () => {
      const cache = createCache(
        {
          CACHE_TYPE: "SupersetMetastoreCache",
          CACHE_KEY_PREFIX: "PICKLED",
          CODEC: "pickle",
          CACHE_DEFAULT_TIMEOUT: 300,
        },
        {
          settings: { SQLALCHEMY_DATABASE_URI: db.uri },
          onBackendError: "throw",
          path: "FILTER_STATE_CACHE_CONFIG",
        },
      );
      try {
        const texts = ['{"owner": 1, "value": "{}"}', '[1, 2.5, "x", null, true, {"a": [1e100]}]', '"plain"'];
        peer({
          op: "db_write",
          dialect,
          db: db.name,
          prefix: "PICKLED",
          algorithm: "md5",
          codec: "pickle",
          rows: texts.map((t, i) => ({ key: `py${i}`, value_json: t, timeout: 300 })),
        });
        for (const [i, t] of texts.entries()) expect(await cache.get(`py${i}`)).toEqual(JSON.parse(t));
        await cache.set("ours", { owner: 9, value: '{"é": 1}' });
        await cache.set("ours-list", [1, -2, "three", null]);
        const py = peer<Rows>({
          op: "db_read",
          dialect,
          db: db.name,
          prefix: "PICKLED",
          algorithm: "md5",
          codec: "pickle",
          keys: ["ours", "ours-list"],
        });
        expect(JSON.parse(py.rows[0]!.value_json)).toEqual({ owner: 9, value: '{"é": 1}' });
        expect(JSON.parse(py.rows[1]!.value_json)).toEqual([1, -2, "three", null]);
        // No "!" marker, protocol 4 (PROTO 4 header 0x80 0x04).
        expect(py.rows[0]!.hex.slice(0, 4)).toBe("8004");
      } finally {
        await cache.close();
      }
    });
  });
}
