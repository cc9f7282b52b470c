/**
 * Superset's metadata lists and Flask-Caching memoize versions in CACHE_CONFIG, against the real
 * Python stack: flask_peer.py stores lists under keys formatted by Superset's own templates
 * (6.1.0 with catalogs, 4.0 without) through Flask-Caching on a test redis-server; Node reads
 * them and invalidates them; a function memoized by real Flask-Caching recomputes once Node
 * deletes its `_memver` key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cache } from "#src/cache/cache.js";
import { createCache } from "#src/manager/create-cache.js";
import {
  catalogListKey,
  invalidateMemoized,
  memoizeVersionKey,
  SupersetMetadataCache,
  schemaListEntryKey,
  schemaListKey,
} from "#src/superset/metadata-keys.js";
import { FlaskPeer } from "#test/helpers/peer.js";
import { RedisServer } from "#test/helpers/redis-server.js";
import type { Json } from "#test/helpers/tagged.js";

let redis: RedisServer;
let peer: FlaskPeer;
let cache: Cache;

beforeAll(async () => {
  redis = await RedisServer.start({ label: "metadata-keys" });
  const config = {
    CACHE_TYPE: "RedisCache",
    CACHE_REDIS_URL: `${redis.url}/0`,
    CACHE_KEY_PREFIX: "superset_",
  };
  peer = await FlaskPeer.start({ ops: ["ops_superset_meta"] });
  await peer.open(config);
  cache = createCache(config);
});
afterAll(async () => {
  await cache?.close();
  await peer?.close();
  await redis?.stop();
});

const tuples = (...rows: (string | null)[][]): Json => ({ $set: rows.map((r) => ({ $tuple: r })) });
const store = (req: Record<string, Json>) => peer.call("memoized_set", req) as Promise<string>;

describe("metadata lists", () => {
  it("keys Node computes are the keys Superset's templates format (catalog None included), and the values read", async () => {
    const k1 = await store({
      kind: "table_list",
      database_id: 3,
      catalog: null,
      schema: "public",
      value: tuples(["b", "public", null], ["a", "public", null]),
    });
    expect(k1).toBe(schemaListEntryKey("table_list", 3, "public", null));
    expect(k1).toBe("db:3:catalog:None:schema:public:table_list");
    const k2 = await store({
      kind: "view_list",
      database_id: 3,
      catalog: "main",
      schema: "s1",
      value: tuples(["v", "s1", "main"]),
    });
    expect(k2).toBe(schemaListEntryKey("view_list", 3, "s1", "main"));
    const k3 = await store({
      kind: "schema_list",
      database_id: 3,
      catalog: "main",
      value: { $set: ["s1", "s2"] },
    });
    expect(k3).toBe(schemaListKey(3, "main"));
    const k4 = await store({ kind: "catalog_list", database_id: 3, value: { $set: ["main"] } });
    expect(k4).toBe(catalogListKey(3));
    const meta = new SupersetMetadataCache(cache);
    expect(await meta.tables(3, "public")).toEqual([
      { table: "a", schema: "public", catalog: null },
      { table: "b", schema: "public", catalog: null },
    ]);
    expect(await meta.views(3, "s1", "main")).toEqual([{ table: "v", schema: "s1", catalog: "main" }]);
    expect(await meta.schemas(3, "main")).toEqual(["s1", "s2"]);
    expect(await meta.catalogs(3)).toEqual(["main"]);
    expect(await meta.tables(3, "nope")).toBeUndefined();
  });

  it("4.0 keys have no catalog and hold (table, schema) pairs; 4.x has no catalog list", async () => {
    const key = await store({
      version: "4.0",
      kind: "table_list",
      database_id: 4,
      schema: "x",
      value: tuples(["t", "x"]),
    });
    expect(key).toBe(schemaListEntryKey("table_list", 4, "x", null, { supersetVersion: "4.0" }));
    expect(await store({ version: "4.0", kind: "schema_list", database_id: 4, value: { $set: ["x"] } })).toBe(
      schemaListKey(4, null, { supersetVersion: "4.0" }),
    );
    const meta = new SupersetMetadataCache(cache, { supersetVersion: "4.0" });
    expect(await meta.tables(4, "x")).toEqual([{ table: "t", schema: "x", catalog: null }]);
    expect(() => catalogListKey(4, { supersetVersion: "4.1" })).toThrow(
      expect.objectContaining({ code: "UNSUPPORTED_SUPERSET_VERSION" }),
    );
    expect(await meta.invalidateDatabase(4)).toEqual(["db:4:schema:x:table_list", "db:4:schema_list"]);
    expect(await peer.call("get", { key: key })).toBeNull();
  });

  it("invalidateSchema and invalidateDatabase delete what Superset would read, and nothing of another database", async () => {
    await store({
      kind: "table_list",
      database_id: 30,
      catalog: null,
      schema: "public",
      value: tuples(["keep", "public", null]),
    });
    const meta = new SupersetMetadataCache(cache);
    expect(await meta.invalidateSchema(3, "public")).toEqual(["db:3:catalog:None:schema:public:table_list"]);
    const deleted = await meta.invalidateDatabase(3, { schemas: ["public"] });
    expect(deleted.sort()).toEqual(
      ["db:3:catalog:main:schema:s1:view_list", "db:3:catalog:main:schema_list", "db:3:catalog_list"].sort(),
    );
    expect(await peer.call("get", { key: "db:3:catalog:main:schema_list" })).toBeNull();
    expect(await meta.tables(30, "public")).toEqual([{ table: "keep", schema: "public", catalog: null }]);
  });
});

describe("Flask-Caching memoize versions", () => {
  it("deleting the _memver key Node computes makes the Python function run again", async () => {
    const call = { module: "superset.views.base", qualname: "cached_common_bootstrap_data", args: [1, "en"] };
    expect(await peer.call("memoize_call", call)).toMatchObject({ calls: 1 });
    expect(await peer.call("memoize_call", call)).toMatchObject({ calls: 1 });
    const key = memoizeVersionKey("superset.views.base.cached_common_bootstrap_data");
    expect(await cache.has(key)).toBe(true);
    expect(await invalidateMemoized(cache, "superset.views.base.cached_common_bootstrap_data")).toEqual([
      key,
    ]);
    expect(await peer.call("memoize_call", call)).toMatchObject({ calls: 2 });
    // Flask-Caching's namespace "sanitizing" translate is a no-op in Python 3: names stay whole.
    const odd = { module: "mod", qualname: "outer.<locals>.inner", args: [] };
    await peer.call("memoize_call", odd);
    expect(await cache.has(memoizeVersionKey("mod.outer.<locals>.inner"))).toBe(true);
  });
});
