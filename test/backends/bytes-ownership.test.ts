/**
 * Bytes handed out by a backend are the caller's to change, and bytes handed to `set` are not
 * read after `set` returns (unless `zeroCopyWrites`): SimpleCache, L1Backend and a real
 * redis-server, at the backend and through `Cache` (decoded `bytes` values are views of the
 * bytes read, so a backend that hands out its stored bytes lets one caller change the cache).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { L1Backend } from "#src/backends/l1.js";
import { RedisBackend } from "#src/backends/redis/backend.js";
import { resolveRedisConfig } from "#src/backends/redis/config.js";
import { SimpleBackend } from "#src/backends/simple.js";
import { Cache } from "#src/cache/cache.js";
import { RedisSerializer } from "#src/codecs/cachelib/redis-serializer.js";
import { RedisServer } from "#test/helpers/redis-server.js";

let server: RedisServer;
beforeAll(async () => {
  server = await RedisServer.start({ label: "bytes-ownership" });
});
afterAll(async () => {
  await server?.stop();
});

const SIZES = [16, 64 * 1024];

function pattern(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);
}

describe("values read are the caller's to change", () => {
  for (const [name, make] of [
    ["SimpleBackend", () => new SimpleBackend()],
    ["L1Backend", () => new L1Backend(new SimpleBackend())],
  ] as const) {
    it(`${name}: get, peek and getMany return copies; set keeps a copy`, async () => {
      const b = make();
      for (const n of SIZES) {
        const original = pattern(n);
        const given = original.slice();
        await b.set("k", given, 0);
        given.fill(0xee); // the caller reuses its buffer after set
        (await b.get("k"))!.fill(1);
        b.peek?.("k")?.fill(2);
        (await b.getMany(["k"]))[0]!.fill(3);
        expect(await b.get("k")).toEqual(original);
      }
    });

    it(`${name} under Cache: a decoded bytes value written into does not change the cache`, async () => {
      const cache = new Cache({ backend: make(), serializer: new RedisSerializer(), keyPrefix: "p_" });
      for (const n of SIZES) {
        const original = pattern(n);
        const given = original.slice();
        await cache.set("blob", { data: given });
        given.fill(0xee);
        const first = (await cache.get("blob")) as { data: Uint8Array };
        first.data.fill(9);
        const second = (await cache.get("blob")) as { data: Uint8Array };
        expect(second.data).toEqual(original);
        const peeked = cache.peek("blob") as { data: Uint8Array } | undefined;
        peeked?.data.fill(8);
        expect(((await cache.get("blob")) as { data: Uint8Array }).data).toEqual(original);
      }
      await cache.close();
    });
  }
});

describe("Redis set is finished with the caller's bytes when it returns", () => {
  function backend(zeroCopyWrites?: boolean): RedisBackend {
    return new RedisBackend(
      resolveRedisConfig({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${server.url}/0` }),
      {
        ...(zeroCopyWrites === undefined ? {} : { zeroCopyWrites }),
      },
    );
  }

  it("set, setParts, setMany and add of > 4 KB: a change right after the call is not stored", async () => {
    const b = backend();
    try {
      await b.set("warmup", new Uint8Array([1]), 0); // connected: the fast path
      const n = 100 * 1024;
      const original = pattern(n);
      const writes: [string, (v: Uint8Array) => Promise<unknown>][] = [
        ["set", (v) => b.set("set", v, 0)],
        ["setParts", (v) => b.setParts("setParts", [v.subarray(0, 10), v.subarray(10)], 0)],
        ["setMany", (v) => b.setMany([{ key: "setMany", value: v, timeout: 0 }])],
        ["add", (v) => b.add("add", v, 0)],
      ];
      for (const [key, write] of writes) {
        const given = original.slice();
        const done = write(given);
        given.fill(0xee); // before the socket sent it
        await done;
        expect(await b.get(key), key).toEqual(original);
      }
    } finally {
      await b.close();
    }
  });

  it("before the connection is ready (offline queue) too", async () => {
    const b = backend();
    try {
      const original = pattern(50 * 1024);
      const given = original.slice();
      const done = b.set("offline", given, 0);
      given.fill(0xee);
      await done;
      expect(await b.get("offline")).toEqual(original);
    } finally {
      await b.close();
    }
  });

  it("Cache.set of a large bytes value (sent in parts) stores the value as it was at the call", async () => {
    const b = backend();
    const cache = new Cache({ backend: b, serializer: new RedisSerializer(), keyPrefix: "p_" });
    try {
      await cache.set("warmup", 1);
      const original = pattern(200 * 1024);
      const given = original.slice();
      const done = cache.set("big", given);
      given.fill(0xee);
      expect(await done).toBe(true);
      expect(await cache.get("big")).toEqual(original);
    } finally {
      await cache.close();
    }
  });

  it("zeroCopyWrites: true still stores the bytes when they are left alone", async () => {
    const b = backend(true);
    try {
      await b.set("warmup", new Uint8Array([1]), 0);
      const original = pattern(100 * 1024);
      expect(await b.set("zc", original, 0)).toBe(true);
      expect(await b.setParts("zc2", [original.subarray(0, 5), original.subarray(5)], 0)).toBe(true);
      expect(await b.get("zc")).toEqual(original);
      expect(await b.get("zc2")).toEqual(original);
    } finally {
      await b.close();
    }
  });
});
