/**
 * L1Backend in front of a RedisBackend on a real redis-server: hits served in-process, bounds by
 * entries and bytes, and cross-instance invalidation through Redis pub/sub on set/delete/clear
 * (two L1s with their own subscriber connections, as two processes would have).
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { L1Backend } from "#src/backends/l1.js";
import { RedisBackend } from "#src/backends/redis/backend.js";
import { resolveRedisConfig } from "#src/backends/redis/config.js";
import { Cache } from "#src/cache/cache.js";
import { RedisSerializer } from "#src/codecs/cachelib/redis-serializer.js";
import { RedisServer } from "#test/helpers/redis-server.js";
import { waitUntil } from "#test/helpers/wait-until.js";

let server: RedisServer;
const clients: Redis[] = [];
beforeAll(async () => {
  server = await RedisServer.start({ label: "l1" });
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await server?.stop();
});

function client(): Redis {
  const c = new Redis(`${server.url}/0`);
  clients.push(c);
  return c;
}

function l1Cache(withInvalidation: boolean, extra: { maxBytes?: number; maxEntries?: number } = {}) {
  const redis = new RedisBackend(
    resolveRedisConfig({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${server.url}/0` }),
  );
  const l1 = new L1Backend(redis, {
    ...extra,
    invalidation: withInvalidation ? { publisher: client(), subscriber: client() } : undefined,
  });
  return { l1, cache: new Cache({ backend: l1, serializer: new RedisSerializer(), keyPrefix: "superset_" }) };
}

describe("L1Backend", () => {
  it("serves hits from memory: a write behind its back is not seen until invalidated", async () => {
    const a = l1Cache(false);
    const raw = client();
    await a.cache.set("k", "v1");
    expect(await a.cache.get("k")).toBe("v1");
    await raw.set(
      "superset_k",
      Buffer.from("!\x80\x05\x95\x06\x00\x00\x00\x00\x00\x00\x00\x8c\x02v2\x94.", "latin1"),
    );
    expect(await a.cache.get("k")).toBe("v1"); // L1 copy
    expect(a.l1.stats().hits).toBeGreaterThanOrEqual(2);
    await a.cache.close();
  });

  it("pub/sub: a set or delete in one instance drops the other's copy", async () => {
    const a = l1Cache(true);
    const b = l1Cache(true);
    await a.l1.ready();
    await b.l1.ready();
    await a.cache.set("shared", "one");
    expect(await b.cache.get("shared")).toBe("one"); // b now holds it in L1
    await a.cache.set("shared", "two");
    await waitUntil("b to see the new value", async () => (await b.cache.get("shared")) === "two");
    await b.cache.delete("shared");
    await waitUntil("a to see the delete", async () => (await a.cache.get("shared")) === undefined);
    await a.cache.set("c1", 1);
    expect(await b.cache.get("c1")).toBe(1);
    await a.cache.clear();
    await waitUntil("b to see the clear", async () => (await b.cache.get("c1")) === undefined);
    expect(b.l1.stats().invalidationsReceived).toBeGreaterThanOrEqual(2);
    await a.cache.close();
    await b.cache.close();
  });

  it("bounded by bytes and by entries", async () => {
    const bytes = l1Cache(false, { maxBytes: 300 });
    for (let i = 0; i < 10; i++) await bytes.cache.set(`b${i}`, "x".repeat(100));
    let inMemory = 0;
    for (let i = 0; i < 10; i++) {
      const before = bytes.l1.stats().hits;
      await bytes.cache.get(`b${i}`);
      if (bytes.l1.stats().hits > before) inMemory++;
    }
    expect(inMemory).toBeLessThanOrEqual(2);
    const entries = l1Cache(false, { maxEntries: 3 });
    for (let i = 0; i < 10; i++) await entries.cache.set(`e${i}`, i);
    const h0 = entries.l1.stats().hits;
    for (let i = 0; i < 7; i++) await entries.cache.get(`e${i}`);
    expect(entries.l1.stats().hits - h0).toBe(0);
    await bytes.cache.close();
    await entries.cache.close();
  });

  it("peek: synchronous L1 read, never asks Redis; invalidation and TTL apply to it too", async () => {
    const a = l1Cache(true);
    const b = l1Cache(true);
    await a.l1.ready();
    await b.l1.ready();
    expect(a.cache.peek("p")).toBeUndefined(); // backend not created yet: nothing held
    await a.cache.set("p", { rows: [1, 2.5, "x"] });
    expect(a.cache.peek("p")).toEqual({ rows: [1, 2.5, "x"] });
    expect(b.cache.peek("p")).toBeUndefined(); // in Redis, but not in b's L1: peek does not fetch
    expect(await b.cache.get("p")).toEqual({ rows: [1, 2.5, "x"] });
    expect(b.cache.peek("p")).toEqual({ rows: [1, 2.5, "x"] });
    const hits = b.cache.stats()!.hits;
    b.cache.peek("p");
    expect(b.cache.stats()!.hits).toBe(hits + 1);
    await a.cache.set("p", "new");
    await waitUntil("b to drop its copy", () => b.cache.peek("p") === undefined);
    // Values are decoded per call: a caller mutating its copy cannot change another's.
    await a.cache.set("obj", { n: 1 });
    const first = a.cache.peek("obj") as { n: number };
    first.n = 99;
    expect(a.cache.peek("obj")).toEqual({ n: 1 });
    await a.cache.close();
    await b.cache.close();
  });

  it("peek on a backend without an in-process store is always undefined (use get)", async () => {
    const cache = new Cache({
      backend: new RedisBackend(
        resolveRedisConfig({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${server.url}/0` }),
      ),
      serializer: new RedisSerializer(),
    });
    await cache.set("only-redis", 1);
    expect(await cache.get("only-redis")).toBe(1);
    expect(cache.peek("only-redis")).toBeUndefined();
    await cache.close();
  });
});
