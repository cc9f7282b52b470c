/**
 * End to end through `createCache` (Cache + RedisSerializer + RedisBackend) against real
 * Flask-Caching on one redis-server: values written by either side read back equal on the
 * other, our bytes identical to the golden bytes, Flask-Caching's delete_many loop, clear, and
 * the error policies on a dead server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CircuitBreakerBackend } from "#src/backends/circuit-breaker.js";
import { RedisBackend } from "#src/backends/redis/backend.js";
import { Cache } from "#src/cache/cache.js";
import { RedisSerializer } from "#src/codecs/cachelib/redis-serializer.js";
import { createCache } from "#src/manager/create-cache.js";
import {
  FlaskPeer,
  type GoldenCase,
  goldenTimeout,
  redisGoldenCases,
  trackUnhandledRejections,
} from "#test/helpers/redis-peer.js";
import { RedisServer } from "#test/helpers/redis-server.js";
import { fromTagged, type Json, toTagged } from "#test/helpers/tagged.js";

/** Built from JSON by the peer, these lose the object sharing the golden run had (see standalone test). */
const REBUILT_DIFFERENTLY = new Set(["list_shared_ref", "list_same_str", "dataframe", "counter_inc"]);

let server: RedisServer;
let peer: FlaskPeer;
let cache: Cache;
let cases: GoldenCase[];
const unhandled = trackUnhandledRejections();

beforeAll(async () => {
  server = await RedisServer.start();
  peer = new FlaskPeer();
  cases = await redisGoldenCases();
  const config = { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${server.url}/3` };
  await peer.call("open", { config });
  cache = createCache(config);
  await cache.whenReady();
});

afterAll(async () => {
  await cache?.close();
  await peer?.close();
  await server?.stop();
  unhandled.stop();
  expect(unhandled.count()).toBe(0);
});

describe("createCache(RedisCache) ↔ Flask-Caching RedisCache", () => {
  it("our writes are byte-identical to the golden bytes and Python reads the same values", async () => {
    for (const c of cases) {
      if (c.name === "counter_inc") continue;
      expect(await cache.set(c.key, fromTagged(c.value as Json), goldenTimeout(c))).toBe(true);
      if (!REBUILT_DIFFERENTLY.has(c.name))
        expect(await peer.call("raw_get", { key: c.key })).toBe(c.raw_hex);
      if (c.name !== "dataframe") expect(await peer.call("get", { key: c.key })).toEqual(c.value);
    }
  });

  it("bytes values of every size (encoder-free pickle, large ones as parts) equal Python's own bytes", async () => {
    // Also through a composed Cache behind the circuit breaker (which forwards setParts).
    const behindBreaker = new Cache({
      backend: new CircuitBreakerBackend(RedisBackend.fromConfig({ CACHE_REDIS_URL: `${server.url}/3` })),
      serializer: new RedisSerializer(),
      keyPrefix: "flask_cache_",
    });
    for (const [via, c] of [
      ["createCache", cache],
      ["breaker", behindBreaker],
    ] as const) {
      await checkBytesValues(via, c);
    }
    await behindBreaker.close();
  });

  async function checkBytesValues(via: string, cache: Cache): Promise<void> {
    for (const size of [
      0,
      255,
      256,
      16 * 1024 - 1,
      16 * 1024,
      64 * 1024 - 1,
      64 * 1024,
      100 * 1024,
      1024 * 1024 + 7,
    ]) {
      const value = Buffer.alloc(size);
      for (let i = 0; i < size; i++) value[i] = (i * 13 + size) & 0xff;
      const tagged = toTagged(new Uint8Array(value));
      expect(await cache.set(`bytes:${size}`, value, 120)).toBe(true);
      await peer.call("set", { key: `py-bytes:${size}`, value: tagged, timeout: 120 });
      const ours = await peer.call<string>("raw_get", { key: `bytes:${size}` });
      expect(ours, `${via} ${size}`).toBe(await peer.call<string>("raw_get", { key: `py-bytes:${size}` }));
      expect(await peer.call("get", { key: `bytes:${size}` })).toEqual(tagged);
      expect(Buffer.from((await cache.get(`bytes:${size}`)) as Uint8Array).equals(value)).toBe(true);
    }
  }

  it("Python's writes read back as equal values (and the INCRBY counter as an int)", async () => {
    for (const c of cases) {
      if (c.operation === "inc") await peer.call("inc", { key: `py:${c.key}`, delta: 5 });
      else await peer.call("set", { key: `py:${c.key}`, value: c.value, timeout: goldenTimeout(c) });
    }
    const values = await cache.getMany(cases.map((c) => `py:${c.key}`));
    for (const [i, c] of cases.entries()) {
      if (c.name === "dataframe") continue;
      if (c.name === "counter_inc") expect(values[i]).toBe(5);
      // Default decoding maps Python floats to plain numbers (2.0 → 2), as the DESIGN table says.
      else
        expect(toTagged(values[i]!)).toEqual(toTagged(fromTagged(c.value as Json, { exactNumbers: false })));
    }
    expect(await cache.get("py:missing")).toBeUndefined();
    expect(await cache.get(`py:${cases.find((c) => c.name === "none")!.key}`)).toBeNull();
  });

  it("deleteMany follows Flask-Caching's loop: stops at the first missing key, like Python", async () => {
    const keys = ["dm1", "dm2", "missing", "dm3"];
    for (const k of ["dm1", "dm2", "dm3"]) await cache.set(k, 1);
    expect(await cache.deleteMany(keys)).toEqual(["dm1", "dm2"]);
    expect(await cache.has("dm3")).toBe(true);
    await peer.call("set", { key: "dm1", value: 1 });
    await peer.call("set", { key: "dm2", value: 1 });
    expect(await peer.call("delete_many", { keys })).toEqual(["dm1", "dm2"]);
    expect(await peer.call("has", { key: "dm3" })).toBe(true);
  });

  it("inc/dec share INCRBY counters with Python; clear empties the prefix for both", async () => {
    expect(await cache.inc("ctr", 3)).toBe(3);
    expect(await peer.call("inc", { key: "ctr", delta: 2 })).toBe(5);
    expect(await cache.dec("ctr", 1)).toBe(4);
    expect(await cache.clear()).toBe(true);
    expect(await peer.call("get", { key: "ctr" })).toBeNull();
    expect(await cache.get("dm3")).toBeUndefined();
  });
});

describe("error policies on a dead server", () => {
  it("fail-open: reads miss, writes report false, errors are counted; throw: a typed CacheBackendError", async () => {
    const dead = await RedisServer.start();
    const url = `${dead.url}/0`;
    await dead.stop();
    const open = createCache({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: url });
    expect(await open.get("k")).toBeUndefined();
    expect(await open.set("k", 1)).toBe(false);
    expect(Object.keys(open.errorCounts()).every((code) => code.startsWith("REDIS_"))).toBe(true);
    const strict = createCache(
      { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: url },
      { onBackendError: "throw" },
    );
    await expect(strict.get("k")).rejects.toMatchObject({ name: "RedisBackendError", backend: "redis" });
    await open.close();
    await strict.close();
  });
});
