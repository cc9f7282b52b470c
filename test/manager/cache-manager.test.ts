/**
 * CacheManager: Superset's defaults and _init_cache rules, validation errors with key paths,
 * RESULTS_BACKEND handling, close(). Nothing here connects anywhere: caches are built lazily
 * and the Redis ones are never used.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Cache } from "#src/cache/cache.js";
import { CacheConfigError } from "#src/core/errors.js";
import { CacheManager } from "#src/manager/cache-manager.js";
import type { SupersetCacheConfig } from "#src/manager/superset-config.js";
import { createInMemoryCacheManager, FakeClock } from "#src/testing/index.js";
import { REPO_ROOT } from "#test/helpers/paths.js";

const DB = { SQLALCHEMY_DATABASE_URI: "postgresql://superset@127.0.0.1:1/superset" };

function configError(fn: () => unknown): CacheConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CacheConfigError);
    return err as CacheConfigError;
  }
  throw new Error("expected a CacheConfigError");
}

describe("Superset defaults", () => {
  it("builds the six caches with Superset's defaults", async () => {
    const m = new CacheManager(DB);
    expect(m.cache.config?.CACHE_TYPE).toBe("NullCache");
    expect(m.dataCache.config?.CACHE_TYPE).toBe("NullCache");
    expect(m.cache.defaultTimeout).toBe(86_400);
    expect(m.thumbnailCache.defaultTimeout).toBe(7 * 86_400);
    expect(m.filterStateCache.config).toMatchObject({
      CACHE_TYPE: "superset.extensions.metastore_cache.SupersetMetastoreCache",
      CACHE_KEY_PREFIX: "FILTER_STATE_CACHE_CONFIG",
      CACHE_DEFAULT_TIMEOUT: 90 * 86_400,
    });
    expect(m.exploreFormDataCache.config).toMatchObject({
      CACHE_KEY_PREFIX: "EXPLORE_FORM_DATA_CACHE_CONFIG",
      CACHE_DEFAULT_TIMEOUT: 7 * 86_400,
    });
    // the metastore consumes its prefix itself (uuid namespace); Cache never prepends it
    expect(m.filterStateCache.keyPrefix).toBe("");
    expect(m.resultsBackendUseMsgpack).toBe(true);
    expect(m.hasResultsBackend).toBe(false);
    await m.close();
  });

  it("a cache dict without CACHE_DEFAULT_TIMEOUT inherits the top-level one", () => {
    const m = new CacheManager({
      ...DB,
      CACHE_DEFAULT_TIMEOUT: 123,
      DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      CACHE_CONFIG: { CACHE_TYPE: "SimpleCache", CACHE_DEFAULT_TIMEOUT: 5 },
    });
    expect(m.dataCache.defaultTimeout).toBe(123);
    expect(m.cache.defaultTimeout).toBe(5);
    expect(m.defaultTimeout).toBe(123);
  });

  it("Redis caches without CACHE_KEY_PREFIX get Flask-Caching's flask_cache_", () => {
    const m = new CacheManager({
      ...DB,
      DATA_CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: "redis://127.0.0.1:1/0" },
      CACHE_CONFIG: {
        CACHE_TYPE: "redis",
        CACHE_KEY_PREFIX: "superset_",
        CACHE_REDIS_URL: "redis://127.0.0.1:1/0",
      },
      FILTER_STATE_CACHE_CONFIG: {
        CACHE_TYPE: "flask_caching.backends.rediscache.RedisCache",
        CACHE_KEY_PREFIX: "",
        CACHE_REDIS_URL: "redis://127.0.0.1:1/0",
      },
    });
    expect(m.dataCache.keyPrefix).toBe("flask_cache_");
    expect(m.cache.keyPrefix).toBe("superset_");
    expect(m.filterStateCache.keyPrefix).toBe(""); // "" disables it
  });

  it("a non-required cache configured as SupersetMetastoreCache becomes the metastore (Superset master)", () => {
    const m = new CacheManager({ ...DB, THUMBNAIL_CACHE_CONFIG: { CACHE_TYPE: "SupersetMetastoreCache" } });
    expect(m.thumbnailCache.config).toMatchObject({
      CACHE_TYPE: "superset.extensions.metastore_cache.SupersetMetastoreCache",
      CACHE_KEY_PREFIX: "THUMBNAIL_CACHE_CONFIG",
    });
  });

  it("required caches without a metadata database: their first use throws a typed error naming the key and NullCache", async () => {
    const m = new CacheManager({});
    const err = (await m.filterStateCache.get("k").catch((e: unknown) => e)) as CacheConfigError;
    expect(err).toBeInstanceOf(CacheConfigError);
    expect(err.code).toBe("CONFIG_METASTORE_NO_DATABASE");
    expect(err.path).toBe("FILTER_STATE_CACHE_CONFIG.CACHE_TYPE");
    expect(err.message).toMatch(/RedisCache/);
    expect(err.message).toMatch(/"NullCache" if this service does not use it/);
    expect(err.message).toMatch(/SQLALCHEMY_DATABASE_URI/);
    const explore = new CacheManager({
      FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      EXPLORE_FORM_DATA_CACHE_CONFIG: {},
    });
    await expect(explore.exploreFormDataCache.set("k", 1)).rejects.toMatchObject({
      code: "CONFIG_METASTORE_NO_DATABASE",
      path: "EXPLORE_FORM_DATA_CACHE_CONFIG.CACHE_TYPE",
    });
    await m.close();
    await explore.close();
  });

  it("a service that only reads chart data needs no metadata database", async () => {
    const m = new CacheManager({ DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" } });
    expect(await m.dataCache.set("chart", [1, 2], 60)).toBe(true);
    expect(await m.dataCache.get("chart")).toEqual([1, 2]);
    // ready() skips the two required caches left at their metastore default without a database …
    await m.ready();
    // … unless asked to check them.
    await expect(m.ready({ caches: ["FILTER_STATE_CACHE_CONFIG"] })).rejects.toMatchObject({
      code: "CONFIG_METASTORE_NO_DATABASE",
    });
    await m.close();
  });

  it("a metastore cache the caller chose without a database fails ready()", async () => {
    const m = new CacheManager({ THUMBNAIL_CACHE_CONFIG: { CACHE_TYPE: "SupersetMetastoreCache" } });
    await expect(m.ready()).rejects.toMatchObject({
      code: "CONFIG_METASTORE_NO_DATABASE",
      path: "THUMBNAIL_CACHE_CONFIG.CACHE_TYPE",
    });
    await m.close();
  });

  it("RESULTS_BACKEND unset: using resultsBackend raises RESULTS_BACKEND_NOT_CONFIGURED", () => {
    const m = new CacheManager(DB);
    const err = configError(() => m.resultsBackend);
    expect(err.code).toBe("RESULTS_BACKEND_NOT_CONFIGURED");
    expect(err.message).toMatch(/Results backend is not configured\./);
  });

  it("RESULTS_BACKEND as a dict uses cachelib's defaults (no flask_cache_ prefix, 300 s); a Cache is used as is", async () => {
    const m = new CacheManager({
      ...DB,
      RESULTS_BACKEND: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: "redis://127.0.0.1:1/0" },
      RESULTS_BACKEND_USE_MSGPACK: false,
    });
    expect(m.resultsBackend.keyPrefix).toBe("");
    expect(m.resultsBackend.defaultTimeout).toBe(300);
    expect(m.resultsBackendUseMsgpack).toBe(false);
    const own = createInMemoryCacheManager().cache;
    const m2 = new CacheManager({ ...DB, RESULTS_BACKEND: own });
    expect(m2.resultsBackend).toBe(own);
    expect(own).toBeInstanceOf(Cache);
    await m.close();
  });
});

describe("validation", () => {
  const cases: [string, SupersetCacheConfig, string, string, RegExp?][] = [
    [
      "misspelt top-level key",
      { DATA_CACHE_CONFG: {} } as SupersetCacheConfig,
      "CONFIG_UNKNOWN_KEY",
      "DATA_CACHE_CONFG",
      /DATA_CACHE_CONFIG/,
    ],
    [
      "misspelt cache key",
      { CACHE_CONFIG: { CACHE_TIMEOUT: 1 } } as SupersetCacheConfig,
      "CONFIG_UNKNOWN_KEY",
      "CACHE_CONFIG.CACHE_TIMEOUT",
      /CACHE_DEFAULT_TIMEOUT|CACHE_OPTIONS/,
    ],
    [
      "lower-case key",
      { cache_config: {} } as SupersetCacheConfig,
      "CONFIG_UNKNOWN_KEY",
      "cache_config",
      /CACHE_CONFIG/,
    ],
    [
      "string timeout",
      { CACHE_DEFAULT_TIMEOUT: "300" } as unknown as SupersetCacheConfig,
      "CONFIG_INVALID_TYPE",
      "CACHE_DEFAULT_TIMEOUT",
    ],
    [
      "cache dict not an object",
      { DATA_CACHE_CONFIG: "RedisCache" } as unknown as SupersetCacheConfig,
      "CONFIG_INVALID_TYPE",
      "DATA_CACHE_CONFIG",
    ],
    [
      "negative threshold",
      { CACHE_CONFIG: { CACHE_TYPE: "SimpleCache", CACHE_THRESHOLD: -1 } },
      "CONFIG_INVALID_VALUE",
      "CACHE_CONFIG.CACHE_THRESHOLD",
    ],
    [
      "fractional threshold",
      { CACHE_CONFIG: { CACHE_TYPE: "SimpleCache", CACHE_THRESHOLD: 1.5 } },
      "CONFIG_INVALID_VALUE",
      "CACHE_CONFIG.CACHE_THRESHOLD",
    ],
    [
      "boolean as string",
      { CACHE_CONFIG: { CACHE_IGNORE_ERRORS: "yes" } } as unknown as SupersetCacheConfig,
      "CONFIG_INVALID_TYPE",
      "CACHE_CONFIG.CACHE_IGNORE_ERRORS",
    ],
    [
      "unknown CACHE_TYPE",
      { DATA_CACHE_CONFIG: { CACHE_TYPE: "Redis" } },
      "CONFIG_UNKNOWN_CACHE_TYPE",
      "DATA_CACHE_CONFIG.CACHE_TYPE",
    ],
    [
      "unimplemented CACHE_TYPE",
      { DATA_CACHE_CONFIG: { CACHE_TYPE: "gaememcached" } },
      "CONFIG_BACKEND_NOT_IMPLEMENTED",
      "DATA_CACHE_CONFIG.CACHE_TYPE",
    ],
    [
      "bad HASH_ALGORITHM",
      { HASH_ALGORITHM: "sha1" } as unknown as SupersetCacheConfig,
      "CONFIG_INVALID_TYPE",
      "HASH_ALGORITHM",
    ],
    [
      "bad RESULTS_BACKEND key",
      {
        RESULTS_BACKEND: { CACHE_TYPE: "SimpleCache", CACHE_DIRR: "/tmp" },
      } as unknown as SupersetCacheConfig,
      "CONFIG_UNKNOWN_KEY",
      "RESULTS_BACKEND.CACHE_DIRR",
      /CACHE_DIR/,
    ],
  ];
  it.each(cases)("%s", (_name, config, code, path, message) => {
    const err = configError(() => new CacheManager({ ...DB, ...config }));
    expect(err.code).toBe(code);
    expect(err.path).toBe(path);
    if (message) expect(err.message).toMatch(message);
  });

  it("null values count as unset (Python None)", () => {
    const m = new CacheManager({
      ...DB,
      CACHE_CONFIG: { CACHE_TYPE: "SimpleCache", CACHE_DIR: null } as never,
    });
    expect(m.cache.config?.CACHE_TYPE).toBe("SimpleCache");
  });
});

describe("in-memory manager and close()", () => {
  it("every named cache works in memory on the injected clock", async () => {
    const clock = new FakeClock();
    const m = createInMemoryCacheManager({}, { clock });
    expect(m.clock).toBe(clock);
    for (const c of [
      m.cache,
      m.dataCache,
      m.thumbnailCache,
      m.filterStateCache,
      m.exploreFormDataCache,
      m.resultsBackend,
    ]) {
      expect(await c.set("k", "v", 10)).toBe(true);
      expect(await c.get("k")).toBe("v");
    }
    clock.advanceSeconds(11);
    expect(await m.dataCache.get("k")).toBeUndefined();
    expect(m.entries().map(([key]) => key)).toEqual([
      "CACHE_CONFIG",
      "DATA_CACHE_CONFIG",
      "THUMBNAIL_CACHE_CONFIG",
      "FILTER_STATE_CACHE_CONFIG",
      "EXPLORE_FORM_DATA_CACHE_CONFIG",
      "RESULTS_BACKEND",
    ]);
    expect(m.entries()[1]?.[1]).toBe(m.dataCache);
    await m.ready();
    await m.close();
    await m.close();
  });
});

describe("README quickstart", () => {
  it("its CacheManager config constructs without SQLALCHEMY_DATABASE_URI (both required caches are set)", async () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    const literal = /new CacheManager\((\{[\s\S]*?\n\})\);/.exec(readme)?.[1];
    expect(literal, "README has a `new CacheManager({...});` snippet").toBeDefined();
    // The snippet is a plain object literal; evaluate it as JavaScript (no TypeScript syntax in it).
    const config = new Function(`return (${literal});`)() as SupersetCacheConfig;
    expect(config.SQLALCHEMY_DATABASE_URI).toBeUndefined();
    const m = new CacheManager(config); // nothing connects before first use
    expect(m.filterStateCache.config?.CACHE_TYPE).toBe("RedisCache");
    expect(m.exploreFormDataCache.config?.CACHE_TYPE).toBe("RedisCache");
    await m.close();
    // Dropping either required cache from the same config fails on its first use, naming the key.
    const { EXPLORE_FORM_DATA_CACHE_CONFIG: _dropped, ...withoutExplore } = config;
    const dropped = new CacheManager(withoutExplore);
    await expect(dropped.exploreFormDataCache.get("k")).rejects.toMatchObject({
      code: "CONFIG_METASTORE_NO_DATABASE",
      path: "EXPLORE_FORM_DATA_CACHE_CONFIG.CACHE_TYPE",
    });
    await dropped.close();
  });
});
