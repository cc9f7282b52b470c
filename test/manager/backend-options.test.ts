/**
 * Backend options through `createCache` and `CacheManager` on a real redis-server: an ioredis
 * client passed as CACHE_REDIS_HOST (as Flask-Caching accepts a client as host) or as the
 * `redis.client` option, `allowFlushDb`, and per-cache options laid over shared ones. Values the
 * client-backed cache writes are read back by Python Flask-Caching from the same server.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CacheConfigError } from "#src/core/errors.js";
import { CacheManager } from "#src/manager/cache-manager.js";
import { createCache } from "#src/manager/create-cache.js";
import { FlaskPeer } from "#test/helpers/redis-peer.js";
import { RedisServer } from "#test/helpers/redis-server.js";
import { toTagged } from "#test/helpers/tagged.js";

let server: RedisServer;
let client: Redis;
let peer: FlaskPeer;

beforeAll(async () => {
  server = await RedisServer.start();
  client = new Redis(`${server.url}/2`);
  peer = new FlaskPeer();
  await peer.call("open", { config: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${server.url}/2` } });
});

afterAll(async () => {
  await peer?.close();
  client?.disconnect();
  await server?.stop();
});

/** A port nothing listens on: a cache that used the config's own address would fail. */
const DEAD_URL = "redis://127.0.0.1:1/0";

describe("an existing ioredis client", () => {
  it("CACHE_REDIS_HOST may be the client; Python reads what we wrote; close leaves the client open", async () => {
    const cache = createCache(
      { CACHE_TYPE: "RedisCache", CACHE_REDIS_HOST: client },
      { onBackendError: "throw" },
    );
    expect(await cache.set("host_client", { a: [1, 2, "x"] })).toBe(true);
    expect(await peer.call("get", { key: "host_client" })).toEqual(toTagged({ a: [1, 2, "x"] }));
    // The key prefix still comes from the config layer (Flask-Caching's default).
    expect(await client.exists("flask_cache_host_client")).toBe(1);
    await cache.close();
    expect(client.status).toBe("ready");
  });

  it("CacheManager per-cache `redis.client` wins over the config's address and merges with shared options", async () => {
    const manager = new CacheManager(
      {
        DATA_CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: DEAD_URL, CACHE_KEY_PREFIX: "" },
        FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
        EXPLORE_FORM_DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      },
      {
        onBackendError: "throw",
        backendOptions: { redis: { allowFlushDb: true } },
        backends: { DATA_CACHE_CONFIG: { redis: { client } } },
      },
    );
    try {
      expect(await manager.dataCache.set("chart_1", "rows", 60)).toBe(true);
      expect(await peer.call("get", { key: "chart_1" })).toBeNull(); // Python uses flask_cache_ prefix
      expect((await client.getBuffer("chart_1"))?.[0]).toBe(0x21); // "!" + pickle, cachelib's format
      expect(await client.ttl("chart_1")).toBeGreaterThan(0);
      // allowFlushDb came from the shared options: an empty prefix may FLUSHDB.
      expect(await manager.dataCache.clear()).toBe(true);
      expect(await client.dbsize()).toBe(0);
    } finally {
      await manager.close();
    }
    expect(client.status).toBe("ready");
  });

  it("without allowFlushDb the same empty-prefix clear is refused with REDIS_CLEAR_REFUSED", async () => {
    const cache = createCache(
      { CACHE_TYPE: "RedisCache", CACHE_KEY_PREFIX: "" },
      { onBackendError: "throw", backendOptions: { redis: { client } } },
    );
    await client.set("keep_me", "1");
    await expect(cache.clear()).rejects.toMatchObject({ code: "REDIS_CLEAR_REFUSED" });
    expect(await client.get("keep_me")).toBe("1");
    await cache.close();
  });

  it("backend timeouts reach the client: a dead address with a 50 ms connect timeout and no offline queue fails fast", async () => {
    const cache = createCache(
      { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: DEAD_URL },
      { onBackendError: "throw", backendOptions: { redis: { maxOfflineQueue: 0, connectTimeoutMs: 50 } } },
    );
    await expect(cache.get("k")).rejects.toMatchObject({ code: "REDIS_OFFLINE_QUEUE_FULL" });
    await cache.close();
  });
});

describe("CACHE_REDIS_HOST validation", () => {
  it.each([[{}], [42], [["localhost"]]])("rejects %j with CONFIG_INVALID_TYPE naming the key", (host) => {
    let error: unknown;
    try {
      createCache(
        { CACHE_TYPE: "RedisCache", CACHE_REDIS_HOST: host as never },
        { path: "DATA_CACHE_CONFIG" },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CacheConfigError);
    expect(error).toMatchObject({ code: "CONFIG_INVALID_TYPE", path: "DATA_CACHE_CONFIG.CACHE_REDIS_HOST" });
  });
});
