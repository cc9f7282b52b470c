/**
 * KeyvStoreAdapter: Keyv 5 and cache-manager 7 driving our RedisCache on a real redis-server;
 * entries they write are read by Python Flask-Caching (RedisCache, same prefix) as normal
 * entries. Keyv's own @keyv/test-suite runs over the adapter (serialized mode) on SimpleCache and
 * Redis; its store-API cases are also rewritten for the non-serialized mode (Python-readable
 * values). cacheable drives the Redis cache through the adapter.
 */
import keyvTestSuite from "@keyv/test-suite";
import { createCache as createCacheManager } from "cache-manager";
import { Cacheable } from "cacheable";
import { Redis } from "ioredis";
import Keyv from "keyv";
import * as vitest from "vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cache } from "#src/cache/cache.js";
import { KeyvAdapterError, KeyvStoreAdapter } from "#src/integrations/keyv/store-adapter.js";
import { createCache } from "#src/manager/create-cache.js";
import { FlaskPeer } from "#test/helpers/peer.js";
import { RedisServer } from "#test/helpers/redis-server.js";

const PREFIX = "superset_";
let server: RedisServer;
let peer: FlaskPeer;
let redisCache: Cache;

beforeAll(async () => {
  server = await RedisServer.start({ label: "keyv" });
  peer = await FlaskPeer.start();
  const config = { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${server.url}/0`, CACHE_KEY_PREFIX: PREFIX };
  redisCache = createCache(config);
  await peer.open(config);
});
afterAll(async () => {
  await redisCache?.close();
  await peer?.close();
  await server?.stop();
});

const plainKeyv = (cache: Cache, namespace?: string) =>
  new Keyv({
    store: new KeyvStoreAdapter(cache),
    serialize: undefined,
    deserialize: undefined,
    namespace,
  });

describe("Keyv and cache-manager on our Redis cache, read by Flask-Caching", () => {
  it("Keyv writes values Python reads under the same key (Keyv namespace included)", async () => {
    const keyv = plainKeyv(redisCache);
    expect(await keyv.set("dash:1", { title: "Sales", rows: [1, 2, 3] }, 60_000)).toBe(true);
    expect(await keyv.get("dash:1")).toEqual({ title: "Sales", rows: [1, 2, 3] });
    const raw = new Redis(`${server.url}/0`);
    const keys = await raw.keys(`${PREFIX}*dash:1`);
    expect(keys).toHaveLength(1);
    const ttl = await raw.ttl(keys[0] as string);
    expect(ttl).toBeGreaterThan(55);
    expect(ttl).toBeLessThanOrEqual(60);
    // The stored bytes are cachelib's "!" + pickle, not a Keyv JSON envelope.
    const bytes = await raw.getBuffer(keys[0] as string);
    expect(bytes?.[0]).toBe(0x21);
    raw.disconnect();
    const unprefixed = (keys[0] as string).slice(PREFIX.length);
    expect(await peer.call("get", { key: unprefixed })).toEqual({ title: "Sales", rows: [1, 2, 3] });
    // And Keyv reads what Python writes.
    await peer.call("set", { key: unprefixed, value: { title: "from python" } });
    expect(await keyv.get("dash:1")).toEqual({ title: "from python" });
  });

  it("cache-manager 7 over Keyv over our cache: set/get/del/wrap, Python reads its entries", async () => {
    const cm = createCacheManager({ stores: [plainKeyv(redisCache, "cm")] });
    await cm.set("chart:42", { metric: "sum__num", value: 1234 }, 30_000);
    expect(await cm.get("chart:42")).toEqual({ metric: "sum__num", value: 1234 });
    expect(await peer.call("get", { key: "cm:chart:42" })).toEqual({ metric: "sum__num", value: 1234 });
    let runs = 0;
    const wrapped = await cm.wrap("chart:43", async () => ({ v: ++runs }), 30_000);
    expect(wrapped).toEqual({ v: 1 });
    expect(await cm.wrap("chart:43", async () => ({ v: ++runs }), 30_000)).toEqual({ v: 1 });
    expect(await peer.call("get", { key: "cm:chart:43" })).toEqual({ v: 1 });
    await cm.del("chart:42");
    expect(await cm.get("chart:42")).toBeUndefined();
    expect(await peer.call("has", { key: "cm:chart:42" })).toBe(false);
  });

  it("serialized mode stores Keyv's JSON envelope as a Python str", async () => {
    const keyv = new Keyv({
      store: new KeyvStoreAdapter(redisCache, { serialized: true }),
      namespace: "ser",
    });
    await keyv.set("a", { x: 1 });
    expect(await keyv.get("a")).toEqual({ x: 1 });
    const text = (await peer.call("get", { key: "ser:a" })) as string;
    expect(JSON.parse(text)).toMatchObject({ value: { x: 1 } });
  });
});

// The store-API cases of @keyv/test-suite (keyvApiTests / keyvValueTests) in non-serialized mode.
for (const kind of ["simple", "redis"] as const) {
  describe(`Keyv API cases over KeyvStoreAdapter (${kind})`, () => {
    const cacheOf = () => (kind === "redis" ? redisCache : createCache({ CACHE_TYPE: "SimpleCache" }));
    const fresh = async () => {
      const keyv = plainKeyv(cacheOf(), `t${Math.random().toString(36).slice(2)}`);
      return keyv;
    };
    it(".set(key, value) returns true; .get(key) returns the value; missing is undefined", async () => {
      const keyv = await fresh();
      expect(await keyv.set("foo", "bar")).toBe(true);
      expect(await keyv.get("foo")).toBe("bar");
      expect(await keyv.get("nope")).toBeUndefined();
    });
    it("values of every JSON type, null included, round-trip", async () => {
      const keyv = await fresh();
      for (const v of [0, -1.5, "", "ünï", true, false, null, [1, [2]], { a: { b: [null] } }]) {
        await keyv.set("v", v);
        expect(await keyv.get("v")).toEqual(v);
      }
    });
    it(".delete(key) returns true for an existing key, false for a missing one", async () => {
      const keyv = await fresh();
      await keyv.set("foo", "bar");
      expect(await keyv.delete("foo")).toBe(true);
      expect(await keyv.get("foo")).toBeUndefined();
      expect(await keyv.delete("foo")).toBe(false);
    });
    it(".has(key), .getMany, .setMany, .deleteMany", async () => {
      const keyv = await fresh();
      await keyv.setMany([
        { key: "a", value: 1 },
        { key: "b", value: 2 },
      ]);
      expect(await keyv.has("a")).toBe(true);
      expect(await keyv.has("zz")).toBe(false);
      expect(await keyv.getMany(["a", "b", "c"])).toEqual([1, 2, undefined]);
      expect(await keyv.deleteMany(["a", "b"])).toBe(true);
      expect(await keyv.getMany(["a", "b"])).toEqual([undefined, undefined]);
    });
    it("ttl in ms expires the entry (stored as whole seconds, rounded up)", async () => {
      const keyv = await fresh();
      await keyv.set("t", "x", 1000);
      expect(await keyv.get("t")).toBe("x");
      await new Promise((r) => setTimeout(r, 2100));
      expect(await keyv.get("t")).toBeUndefined();
    });
    it(".clear() empties the store", async () => {
      const keyv = await fresh();
      await keyv.set("a", 1);
      await keyv.clear();
      expect(await keyv.get("a")).toBeUndefined();
    });
  });
}

describe("adapter errors", () => {
  it("a non-serialized adapter given an envelope string refuses with a typed error", async () => {
    const adapter = new KeyvStoreAdapter(createCache({ CACHE_TYPE: "SimpleCache" }));
    await expect(adapter.set("k", '{"value":1}')).rejects.toBeInstanceOf(KeyvAdapterError);
    await expect(adapter.set("k", '{"value":1}')).rejects.toMatchObject({ code: "KEYV_VALUE_UNSUPPORTED" });
  });
});

// Keyv's own adapter suite (@keyv/test-suite 2.1.2: API, value and namespace cases) over the adapter
// in serialized mode (Keyv's JSON envelope stored as a Python str). Its iterator cases need a store
// iterator, which the adapter does not have (documented).
const suiteSimpleCache = createCache({ CACHE_TYPE: "SimpleCache", CACHE_THRESHOLD: 100_000 });
afterAll(() => suiteSimpleCache.close());

describe("@keyv/test-suite over KeyvStoreAdapter (SimpleCache)", () => {
  keyvTestSuite(vitest, Keyv, () => new KeyvStoreAdapter(suiteSimpleCache, { serialized: true }));
});

describe("@keyv/test-suite over KeyvStoreAdapter (RedisCache, real redis-server)", () => {
  keyvTestSuite(vitest, Keyv, () => new KeyvStoreAdapter(redisCache, { serialized: true }));
});

describe("cacheable over our Redis cache", () => {
  it("Cacheable with our adapter as secondary: set/get/delete, Python reads what it wrote", async () => {
    const cacheable = new Cacheable({
      secondary: new Keyv({
        store: new KeyvStoreAdapter(redisCache),
        serialize: undefined,
        deserialize: undefined,
      }),
    });
    await cacheable.set("chart:7", { rows: [1, 2, 3], title: "Sales" }, "1m");
    expect(await cacheable.get("chart:7")).toEqual({ rows: [1, 2, 3], title: "Sales" });
    // Read through a fresh Cacheable (empty primary): the value comes from our Redis cache.
    const other = new Cacheable({
      secondary: new Keyv({
        store: new KeyvStoreAdapter(redisCache),
        serialize: undefined,
        deserialize: undefined,
      }),
    });
    expect(await other.get("chart:7")).toEqual({ rows: [1, 2, 3], title: "Sales" });
    // Flask-Caching sees a normal entry (cachelib "!" + pickle) under the same key (Keyv's
    // namespace included, as Keyv wrote it).
    const raw = new Redis(`${server.url}/0`);
    const stored = await raw.keys(`${PREFIX}*chart:7`);
    raw.disconnect();
    expect(stored).toHaveLength(1);
    const key = (stored[0] as string).slice(PREFIX.length);
    expect(await peer.call("get", { key })).toEqual({ rows: [1, 2, 3], title: "Sales" });
    await cacheable.delete("chart:7");
    expect(await peer.call("get", { key })).toBeNull();
  });
});
