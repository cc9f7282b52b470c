/**
 * Permalinks on real PostgreSQL and MariaDB `key_value` tables: links Python creates as
 * Superset's commands do (salts in the `app` rows, Hashids keys, deterministic dashboard rows)
 * resolve here, and links created here resolve in Python; salts made by either side are shared,
 * and a salt stored under the md5 namespace is found through HASH_ALGORITHM_FALLBACKS.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MetadataDatabase, openMetadataDatabase, PermalinkStore } from "#src/auth/index.js";
import { decodePermalinkId, encodePermalinkKey } from "#src/auth/permalink-key.js";
import { metastoreUuid } from "#src/backends/metastore/uuid.js";
import type { PyValue } from "#src/python/values.js";
import {
  createTestDatabase,
  serverAvailable,
  type TestDatabase,
  type TestDialect,
} from "#test/helpers/metastore-databases.js";
import { FlaskPeer } from "#test/helpers/peer.js";
import type { Json } from "#test/helpers/tagged.js";

const DASHBOARD = {
  dashboardId: "0d9a1f52-7b2e-4c1e-9d65-3f2b7a8c4e10",
  state: {
    dataMask: { "NATIVE_FILTER-1": { filterState: { value: ["EU"] } } },
    activeTabs: ["TAB-1"],
    anchor: null,
    urlParams: [["standalone", "1"]],
  },
};
const EXPLORE = {
  chartId: 12,
  datasourceId: 3,
  datasourceType: "table",
  datasource: "3__table",
  state: { formData: { datasource: "3__table", viz_type: "table", slice_id: 12 }, urlParams: [] },
};
const SQLLAB = {
  dbId: 1,
  name: "Untitled Query",
  schema: "public",
  sql: "SELECT 1 — ünïcode",
  autorun: false,
};

let peer: FlaskPeer;
beforeAll(async () => {
  peer = await FlaskPeer.start({ ops: ["ops_auth"] });
});
afterAll(async () => {
  await peer?.close();
});

describe.each<TestDialect>(["postgresql", "mysql"])("permalinks on %s", (dialect) => {
  const available = serverAvailable(dialect);
  let db: TestDatabase;
  let conn: MetadataDatabase;
  let store: PermalinkStore;
  const py = (op: string, args: Record<string, Json>) =>
    peer.call(op, { dialect, db: db.name, algorithm: "sha256", fallbacks: ["md5"], ...args });
  beforeAll(async () => {
    if (!available) return;
    db = createTestDatabase(dialect);
    db.createSupersetTable();
    conn = await openMetadataDatabase(db.uri);
    store = new PermalinkStore({ database: conn });
  });
  afterAll(async () => {
    await conn?.close();
    db?.drop();
  });

  it.skipIf(!available)("resolves permalinks Python creates, of every kind", async () => {
    for (const [kind, value] of [
      ["dashboard", DASHBOARD],
      ["explore", EXPLORE],
      ["sqllab", SQLLAB],
    ] as const) {
      const key = (await py("permalink_create", { kind, value: value as Json, user_id: 1 })) as string;
      expect(key.length).toBeGreaterThanOrEqual(11);
      expect(await store.resolve(kind, key)).toEqual(value);
    }
  });

  it.skipIf(!available)(
    "creates permalinks Python resolves; the same user and state give the same key",
    async () => {
      const key = await store.create("dashboard", DASHBOARD as unknown as PyValue, { userId: 1 });
      expect(await py("permalink_get", { kind: "dashboard", key })).toEqual(DASHBOARD);
      // Superset's create on the same user and state upserts the same row: the same key.
      expect(await py("permalink_create", { kind: "dashboard", value: DASHBOARD, user_id: 1 })).toBe(key);
      expect(await store.create("dashboard", DASHBOARD as unknown as PyValue, { userId: 1 })).toBe(key);
      const otherUser = await store.create("dashboard", DASHBOARD as unknown as PyValue, { userId: 2 });
      expect(otherUser).not.toBe(key);
      expect(await py("permalink_create", { kind: "dashboard", value: DASHBOARD, user_id: 2 })).toBe(
        otherUser,
      );
      // Explore and SQL Lab links are new rows every time.
      const a = await store.create("sqllab", SQLLAB, { userId: 1 });
      const b = await store.create("sqllab", SQLLAB, { userId: 1 });
      expect(a).not.toBe(b);
      expect(await py("permalink_get", { kind: "sqllab", key: b })).toEqual(SQLLAB);
      expect(
        await py("permalink_get", {
          kind: "explore",
          key: await store.create("explore", EXPLORE, { userId: null }),
        }),
      ).toEqual(EXPLORE);
    },
  );

  it.skipIf(!available)("answers null for unknown, foreign and malformed keys", async () => {
    const key = await store.create("explore", EXPLORE, { userId: 1 });
    expect(await store.resolve("dashboard", key)).toBeNull(); // another kind's salt
    expect(await store.resolve("explore", `${key}x`)).toBeNull();
    expect(await store.resolve("explore", "")).toBeNull();
    expect(await store.resolve("explore", "aaaaaaaaaaaaaaaaaaaaaa")).toBeNull();
  });

  it.skipIf(!available)("answers null for a valid key whose id no 32-bit key_value.id can hold", async () => {
    const key = await store.create("explore", EXPLORE, { userId: 1 });
    // The explore salt: the one `app` row whose salt decodes the key just made.
    const rows = await conn.query("SELECT value FROM key_value WHERE resource = 'app'", []);
    const salts = rows.map((r) => JSON.parse(Buffer.from(r.value as Uint8Array).toString("utf8")) as string);
    const salt = salts.find((s) => decodePermalinkId(key, s) !== null) as string;
    expect(salt).toEqual(expect.any(String));
    expect(await store.resolve("explore", encodePermalinkKey(2 ** 31, salt))).toBeNull();
    expect(await store.resolve("explore", encodePermalinkKey(2n ** 63n, salt))).toBeNull();
  });

  it.skipIf(!available)(
    "finds a salt Superset ≤ 6.0 stored under the md5 namespace, and copies it forward",
    async () => {
      await conn.execute("DELETE FROM key_value WHERE resource = 'app'"); // only Superset 6.0 used it
      const key = (await peer.call("permalink_create", {
        dialect,
        db: db.name,
        algorithm: "md5",
        fallbacks: [],
        kind: "sqllab",
        value: SQLLAB,
        user_id: 1,
      })) as string;
      const md5Salt = metastoreUuid("sqllab_permalink_salt", { algorithm: "md5" });
      const shaSalt = metastoreUuid("sqllab_permalink_salt", { algorithm: "sha256" });
      const count = async (u: string) => {
        const uuid = dialect === "postgresql" ? u : Buffer.from(u.replaceAll("-", ""), "hex");
        const sql = "SELECT COUNT(*) AS n FROM key_value WHERE resource = 'app' AND uuid = ?";
        return Number((await conn.query(sql, [uuid]))[0]?.n);
      };
      expect([await count(md5Salt), await count(shaSalt)]).toEqual([1, 0]);
      const withoutFallback = new PermalinkStore({ database: conn, hashAlgorithmFallbacks: [] });
      try {
        expect(await withoutFallback.resolve("sqllab", key)).toBeNull();
        expect(await store.resolve("sqllab", key)).toEqual(SQLLAB);
        expect(await count(shaSalt)).toBe(0); // resolving never writes
        // Creating under 6.1 rules copies the md5 salt to the sha256 row, as shared_entries does.
        const created = await store.create("sqllab", SQLLAB, { userId: 1 });
        expect(await count(shaSalt)).toBe(1);
        expect(await withoutFallback.resolve("sqllab", created)).toEqual(SQLLAB);
      } finally {
        await withoutFallback.close(); // leaves the shared connection open
      }
    },
  );

  it.skipIf(!available)("refuses values JSON cannot carry", async () => {
    await expect(store.create("sqllab", { when: new Uint8Array(1) }, { userId: 1 })).rejects.toMatchObject({
      code: "AUTH_PERMALINK_VALUE_INVALID",
    });
  });
});
