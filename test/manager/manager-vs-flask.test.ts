/**
 * End to end through CacheManager: the same superset_config-style dicts given to real
 * Flask-Caching (through flask_peer.py) and to our CacheManager address the same entries.
 * Python writes → we read, we write → Python reads, and the stored bytes are identical, on a
 * redis-server we start (never 6379) and on a FileSystemCache directory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CacheManager } from "#src/manager/cache-manager.js";
import type { SupersetCacheConfig } from "#src/manager/superset-config.js";
import { FlaskPeer } from "#test/helpers/peer.js";
import { RedisServer } from "#test/helpers/redis-server.js";
import { fromTagged, type Json, toTagged } from "#test/helpers/tagged.js";

const VALUES: [string, Json][] = [
  ["str", "héllo"],
  ["int", 42],
  ["none", null],
  ["list", [1, "two", null, 3.5]],
  ["dict", { a: 1, b: { $tuple: [1, "x"] } }],
  ["bytes", { $bytes: "00ff21" }],
  ["big", { $int: "1180591620717411303424" }],
  ["float", { $float: "2.0" }],
];

describe("CacheManager vs Flask-Caching on shared storage", () => {
  let redis: RedisServer;
  let peer: FlaskPeer;
  let dir: string;
  let manager: CacheManager;
  let redisConfig: Record<string, Json>;
  let fsConfig: Record<string, Json>;

  beforeAll(async () => {
    redis = await RedisServer.start();
    dir = mkdtempSync(join(tmpdir(), "sc-manager-fs-"));
    redisConfig = {
      CACHE_TYPE: "RedisCache",
      CACHE_REDIS_URL: `${redis.url}/0`,
      CACHE_KEY_PREFIX: "superset_data_",
    };
    fsConfig = { CACHE_TYPE: "FileSystemCache", CACHE_DIR: dir };
    peer = await FlaskPeer.start();
    await peer.open(redisConfig, "redis");
    await peer.open(fsConfig, "fs");
    const config: SupersetCacheConfig = {
      DATA_CACHE_CONFIG: redisConfig as SupersetCacheConfig["DATA_CACHE_CONFIG"],
      CACHE_CONFIG: fsConfig as SupersetCacheConfig["CACHE_CONFIG"],
      FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      EXPLORE_FORM_DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
    };
    manager = new CacheManager(config, { onBackendError: "throw" });
  });
  afterAll(async () => {
    await manager?.close();
    await peer?.close();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [handle, pick] of [
    ["redis", (m: CacheManager) => m.dataCache],
    ["fs", (m: CacheManager) => m.cache],
  ] as const) {
    it(`${handle}: Python writes, we read the same values and bytes`, async () => {
      const cache = pick(manager);
      for (const [key, value] of VALUES) {
        expect(await peer.call("set", { cache: handle, key: `py:${key}`, value, timeout: 0 })).toBe(true);
        // Default decoding returns an integral float (2.0) as a plain number (docs/pickle.md, `exactNumbers`).
        const expected = toTagged(fromTagged(value, { exactNumbers: false }));
        expect(toTagged((await cache.get(`py:${key}`)) ?? null), key).toEqual(expected);
        let theirs = (await peer.call("raw_get", { cache: handle, key: `py:${key}` })) as string;
        if (handle === "fs") {
          // The FS file is a 4-byte expiry header (0 = never) + the pickle the backend returns.
          expect(theirs.slice(0, 8)).toBe("00000000");
          theirs = theirs.slice(8);
        }
        expect(Buffer.from((await cache.getRaw(`py:${key}`))!).toString("hex"), key).toBe(theirs);
      }
    });

    it(`${handle}: we write, Python reads the same values; deletes and has agree`, async () => {
      const cache = pick(manager);
      for (const [key, value] of VALUES) {
        expect(await cache.set(`ts:${key}`, fromTagged(value), 0)).toBe(true);
        expect(await peer.call("get", { cache: handle, key: `ts:${key}` }), key).toEqual(value);
      }
      expect(await cache.delete("ts:str")).toBe(true);
      expect(await peer.call("has", { cache: handle, key: "ts:str" })).toBe(false);
      expect(await peer.call("delete", { cache: handle, key: "ts:int" })).toBe(true);
      expect(await cache.has("ts:int")).toBe(false);
    });
  }

  it("redis: keys carry the configured prefix on both sides", async () => {
    expect(manager.dataCache.storageKey("k")).toBe("superset_data_k");
    await manager.dataCache.set("k", "v", 0);
    expect(await peer.call("get", { cache: "redis", key: "k" })).toBe("v");
  });
});
