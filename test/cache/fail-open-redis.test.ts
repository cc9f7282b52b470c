/**
 * The Cache layer's fail-open policy against a real redis-server we start and kill: reads miss,
 * writes report false, every failure is counted and published, and the cache recovers when the
 * server is back. With "throw", the same failure is a typed CacheBackendError.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CacheErrorEvent, ERROR_CHANNEL_NAME } from "#src/core/channels.js";
import { SupersetCacheError } from "#src/core/errors.js";
import { createCache } from "#src/manager/create-cache.js";
import { RedisServer } from "#test/helpers/redis-server.js";

describe("fail-open over a dying redis-server", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("misses and counts while the server is down, recovers after restart", async () => {
    const config = {
      CACHE_TYPE: "RedisCache",
      CACHE_REDIS_URL: `${redis.url}/0`,
      CACHE_KEY_PREFIX: "fo_",
      CACHE_OPTIONS: { socket_timeout: 0.5, socket_connect_timeout: 0.5 },
    };
    const cache = createCache(config, { path: "DATA_CACHE_CONFIG" });
    const strict = createCache(config, { path: "CACHE_CONFIG", onBackendError: "throw" });
    const events: CacheErrorEvent[] = [];
    const listener = (m: unknown) => events.push(m as CacheErrorEvent);
    subscribe(ERROR_CHANNEL_NAME, listener);
    try {
      expect(await cache.set("k", "v", 0)).toBe(true);
      expect(await cache.get("k")).toBe("v");

      await redis.kill(); // SIGKILL, keeps its directory so restart() works
      expect(await cache.get("k")).toBeUndefined();
      expect(await cache.set("k2", "v2")).toBe(false);
      expect(await cache.has("k")).toBe(false);
      const counts = cache.errorCounts();
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(3);
      expect(events.filter((e) => e.cache === "DATA_CACHE_CONFIG").map((e) => e.operation)).toEqual([
        "get",
        "set",
        "has",
      ]);
      const err = await strict.get("k").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SupersetCacheError);
      expect((err as SupersetCacheError).code).toMatch(/^[A-Z_]+$/);

      await redis.restart();
      let back: unknown;
      for (let i = 0; i < 40 && back === undefined; i++) {
        back = await cache.set("k3", "again", 0).then((ok) => (ok ? true : undefined));
        if (back === undefined) await new Promise((r) => setTimeout(r, 250));
      }
      expect(back).toBe(true);
      expect(await cache.get("k3")).toBe("again");
    } finally {
      unsubscribe(ERROR_CHANNEL_NAME, listener);
      await cache.close();
      await strict.close();
    }
  });
});
