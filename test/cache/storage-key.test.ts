/**
 * Keys that are not valid UTF-8 (lone surrogates) are refused by `Cache` on every backend with
 * `KEY_NOT_UTF8`, as Python's `key.encode()` refuses them: on Redis, Memcached and the metastore
 * `"\ud800"`, `"\udfff"` and `"\ufffd"` would otherwise be one key. Real redis-server; the other
 * backends are in-process or on a temporary directory.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { L1Backend } from "#src/backends/l1.js";
import { SimpleBackend } from "#src/backends/simple.js";
import { Cache } from "#src/cache/cache.js";
import { RedisSerializer } from "#src/codecs/cachelib/redis-serializer.js";
import { CacheArgumentError } from "#src/core/errors.js";
import { createCache } from "#src/manager/create-cache.js";
import { RedisServer } from "#test/helpers/redis-server.js";

let server: RedisServer;
let dir: string;
beforeAll(async () => {
  server = await RedisServer.start({ label: "storage-key" });
  dir = mkdtempSync(join(tmpdir(), "storage-key-"));
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const BAD = ["\ud800", "\udfff", "a\udc00b", "\ud83d"];

function caches(): [string, Cache][] {
  return [
    ["SimpleCache", createCache({ CACHE_TYPE: "SimpleCache" })],
    ["RedisCache", createCache({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${server.url}/0` })],
    ["FileSystemCache", createCache({ CACHE_TYPE: "FileSystemCache", CACHE_DIR: dir })],
    [
      "L1 over SimpleCache",
      new Cache({ backend: new L1Backend(new SimpleBackend()), serializer: new RedisSerializer() }),
    ],
  ];
}

describe("lone surrogates in keys", () => {
  it("every operation of every backend rejects with KEY_NOT_UTF8 (never fail-open), nothing is stored", async () => {
    for (const [name, cache] of caches()) {
      try {
        await cache.set("\ufffd", "replacement");
        for (const key of BAD) {
          const ops: [string, () => unknown][] = [
            ["get", () => cache.get(key)],
            ["set", () => cache.set(key, "x")],
            ["add", () => cache.add(key, "x")],
            ["getMany", () => cache.getMany(["ok", key])],
            ["setMany", () => cache.setMany({ [key]: "x" })],
            ["delete", () => cache.delete(key)],
            ["has", () => cache.has(key)],
            ["inc", () => cache.inc(key)],
          ];
          for (const [op, run] of ops) {
            const result = Promise.resolve().then(run);
            await expect(result, `${name} ${op}`).rejects.toBeInstanceOf(CacheArgumentError);
            await expect(result, `${name} ${op}`).rejects.toMatchObject({ code: "KEY_NOT_UTF8" });
          }
          expect(() => cache.peek(key), `${name} peek`).toThrow(
            expect.objectContaining({ code: "KEY_NOT_UTF8" }),
          );
        }
        // "\ufffd" itself is a valid key and was not overwritten by any of the refused writes.
        expect(await cache.get("\ufffd"), name).toBe("replacement");
        // A well-formed astral character (a surrogate pair) is fine.
        expect(await cache.set("\ud83d\ude00", 1), name).toBe(true);
        expect(await cache.get("\ud83d\ude00"), name).toBe(1);
      } finally {
        await cache.close();
      }
    }
  });

  it("a prefix with a lone surrogate makes every key invalid", async () => {
    const cache = new Cache({
      backend: new SimpleBackend(),
      serializer: new RedisSerializer(),
      keyPrefix: "p\ud800",
    });
    await expect(cache.get("k")).rejects.toMatchObject({ code: "KEY_NOT_UTF8" });
    expect(() => cache.storageKey("k")).toThrow(CacheArgumentError);
  });
});
