/**
 * Fail-open is not silent: the first failure of each code on each cache is reported once (a
 * process warning by default, or the `logger` option), later ones are only counted. A fake
 * failing backend is right here: this is the Cache layer's rule, not interop; the Redis case
 * runs against a port nothing listens on.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SimpleBackend } from "#src/backends/simple.js";
import { Cache } from "#src/cache/cache.js";
import type { CacheWarnings } from "#src/cache/error-policy.js";
import { PickleSerializer } from "#src/codecs/cachelib/pickle-serializer.js";
import { CacheBackendError } from "#src/core/errors.js";
import { CacheManager } from "#src/manager/cache-manager.js";
import { freePort } from "#test/helpers/redis-server.js";

class BrokenBackend extends SimpleBackend {
  override async get(): Promise<Uint8Array | undefined> {
    throw new CacheBackendError(
      "REDIS_CONNECTION",
      "redis",
      "Redis 127.0.0.1:1 for DATA_CACHE_CONFIG: connection refused",
    );
  }
  override async set(): Promise<boolean> {
    throw new Error("socket closed");
  }
}

function brokenCache(logger?: CacheWarnings): Cache {
  return new Cache({
    backend: new BrokenBackend(),
    serializer: new PickleSerializer(),
    name: "DATA_CACHE_CONFIG",
    ...(logger === undefined ? {} : { logger }),
  });
}

const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);
afterEach(() => {
  process.off("warning", onWarning);
  warnings.length = 0;
});

/** Process warnings are emitted on the next tick. */
const nextTick = () => new Promise((resolve) => setImmediate(resolve));

describe("first failure of each code", () => {
  it("emits one process warning per code per cache by default; counters keep counting", async () => {
    process.on("warning", onWarning);
    const cache = brokenCache();
    for (let i = 0; i < 3; i++) expect(await cache.get("k")).toBeUndefined();
    expect(await cache.set("k", 1)).toBe(false);
    expect(await cache.set("k", 2)).toBe(false);
    await nextTick();
    const ours = warnings.filter((w) => w.name === "SupersetCacheWarning");
    expect(ours.map((w) => (w as Error & { code: string }).code)).toEqual([
      "REDIS_CONNECTION",
      "BACKEND_OPERATION_FAILED",
    ]);
    expect(ours[0]?.message).toContain("DATA_CACHE_CONFIG: get failed open with REDIS_CONNECTION");
    expect(ours[0]?.message).toContain("connection refused");
    expect(cache.errorCounts()).toEqual({ REDIS_CONNECTION: 3, BACKEND_OPERATION_FAILED: 2 });
    // Another cache reports its own first failure.
    await brokenCache().get("k");
    await nextTick();
    expect(warnings.filter((w) => w.name === "SupersetCacheWarning")).toHaveLength(3);
  });

  it("goes to a pino/console-shaped logger instead when one is given", async () => {
    process.on("warning", onWarning);
    const seen: { details: object; message?: string }[] = [];
    const cache = brokenCache({ warn: (details, message) => seen.push({ details, message }) });
    await cache.get("a");
    await cache.get("b");
    await nextTick();
    expect(seen).toHaveLength(1);
    expect(seen[0]?.details).toMatchObject({
      cache: "DATA_CACHE_CONFIG",
      operation: "get",
      code: "REDIS_CONNECTION",
    });
    expect(seen[0]?.message).toContain("REDIS_CONNECTION");
    expect(warnings.filter((w) => w.name === "SupersetCacheWarning")).toHaveLength(0);
  });

  it("`logger: false` silences it; a throwing logger does not break fail-open", async () => {
    process.on("warning", onWarning);
    const silent = brokenCache(false);
    expect(await silent.get("k")).toBeUndefined();
    const throwing = brokenCache({
      warn: () => {
        throw new Error("logger down");
      },
    });
    expect(await throwing.get("k")).toBeUndefined();
    await nextTick();
    expect(warnings.filter((w) => w.name === "SupersetCacheWarning")).toHaveLength(0);
    expect(silent.errorCounts()).toEqual({ REDIS_CONNECTION: 1 });
  });

  it("a CacheManager with Redis down warns once for DATA_CACHE_CONFIG, through its logger option", async () => {
    const port = await freePort();
    const seen: string[] = [];
    const m = new CacheManager(
      {
        DATA_CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `redis://127.0.0.1:${port}/0` },
        FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
        EXPLORE_FORM_DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      },
      { logger: { warn: (_details, message) => seen.push(String(message)) } },
    );
    expect(await m.dataCache.get("k")).toBeUndefined();
    expect(await m.dataCache.get("k")).toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain(`Redis 127.0.0.1:${port} for DATA_CACHE_CONFIG: connection refused`);
    expect(m.dataCache.errorCounts()).toEqual({ REDIS_CONNECTION: 2 });
    await m.close();
  });
});
