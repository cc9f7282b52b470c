/**
 * Keyv's own adapter test suite (@keyv/test-suite: API, value and namespace cases) over
 * KeyvStoreAdapter in serialized mode (Keyv's default JSON envelope, stored as a Python str),
 * on SimpleCache and on RedisCache against a real redis-server; and cacheable (Cacheable with our
 * adapter as its secondary store) driving the Redis cache, its entries read by Flask-Caching.
 */
import keyvTestSuite, { keyvIteratorTests } from "@keyv/test-suite";
import { Cacheable } from "cacheable";
import { Redis } from "ioredis";
import Keyv from "keyv";
import * as vitest from "vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cache } from "../../src/cache/cache.js";
import { createCache } from "../../src/cache/create-cache.js";
import { KeyvStoreAdapter } from "../../src/keyv/store-adapter.js";
import { FlaskPeer } from "../helpers/peer.js";
import { RedisServer } from "../helpers/redis-server.js";

const PREFIX = "superset_";
let server: RedisServer;
let peer: FlaskPeer;
let redisCache: Cache;
const simpleCache = createCache({ CACHE_TYPE: "SimpleCache", CACHE_THRESHOLD: 100_000 });

beforeAll(async () => {
  server = await RedisServer.start({ label: "keyv-suite" });
  peer = await FlaskPeer.start();
  const config = { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${server.url}/0`, CACHE_KEY_PREFIX: PREFIX };
  redisCache = createCache(config);
  await peer.open(config);
});
afterAll(async () => {
  await redisCache?.close();
  await simpleCache.close();
  await peer?.close();
  await server?.stop();
});

describe("@keyv/test-suite over KeyvStoreAdapter (SimpleCache)", () => {
  keyvTestSuite(vitest, Keyv, () => new KeyvStoreAdapter(simpleCache, { serialized: true }));
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

void keyvIteratorTests; // iterator cases need a store iterator; the adapter has none (documented).
