/**
 * Options set once on `CacheManager` reach what is built over it: `supersetVersion` and
 * HASH_ALGORITHM reach `QueryCacheManager.forManager` and the key functions (`keyOptions`), the
 * manager's clock reaches `forManager`; a misspelt CACHE_TYPE gets a suggestion.
 */
import { tableFromArrays } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { CacheConfigError } from "#src/core/errors.js";
import { CacheManager } from "#src/manager/cache-manager.js";
import { QueryCacheManager } from "#src/superset/chart-data.js";
import { queryObjectCacheKey } from "#src/superset/query-object-key.js";
import { FakeClock } from "#src/testing/index.js";

const SIMPLE = { CACHE_TYPE: "SimpleCache" } as const;
const CONFIG = {
  DATA_CACHE_CONFIG: SIMPLE,
  FILTER_STATE_CACHE_CONFIG: SIMPLE,
  EXPLORE_FORM_DATA_CACHE_CONFIG: SIMPLE,
};
const QUERY_OBJECT = { datasource: { id: 1, type: "table" }, columns: ["a"], metrics: ["count"] };
const df = () => tableFromArrays({ a: Int32Array.from([1, 2]) });

describe("supersetVersion set once on the manager", () => {
  it("reaches QueryCacheManager.forManager (6.0 writes no queried_dttm; 6.1 does)", () => {
    const old = new CacheManager(CONFIG, { supersetVersion: "6.0" });
    expect(old.supersetVersion).toBe("6.0");
    expect(QueryCacheManager.forManager(old).buildValue({ df: df(), query: "SELECT 1" })).not.toHaveProperty(
      "queried_dttm",
    );
    const current = new CacheManager(CONFIG, { supersetVersion: "6.1" });
    expect(QueryCacheManager.forManager(current).buildValue({ df: df(), query: "SELECT 1" })).toHaveProperty(
      "queried_dttm",
    );
    // An explicit option of the caller still wins.
    const over = QueryCacheManager.forManager(old, { supersetVersion: "6.1" });
    expect(over.buildValue({ df: df(), query: "SELECT 1" })).toHaveProperty("queried_dttm");
  });

  it("reaches the key functions through keyOptions, with HASH_ALGORITHM", () => {
    const m = new CacheManager({ ...CONFIG, HASH_ALGORITHM: "sha256" }, { supersetVersion: "6.0" });
    expect(m.keyOptions).toEqual({ supersetVersion: "6.0", algorithm: "sha256" });
    const key = queryObjectCacheKey(QUERY_OBJECT, m.keyOptions);
    expect(key).toHaveLength(64);
    expect(key).toBe(queryObjectCacheKey(QUERY_OBJECT, { supersetVersion: "6.0", algorithm: "sha256" }));
    const md5 = new CacheManager(CONFIG, { supersetVersion: "6.0" });
    expect(queryObjectCacheKey(QUERY_OBJECT, md5.keyOptions)).toHaveLength(32);
    expect(new CacheManager(CONFIG).keyOptions).toEqual({});
  });

  it("an unknown version is rejected when the manager is built", () => {
    expect(() => new CacheManager(CONFIG, { supersetVersion: "7.3" as "6.1" })).toThrowError(
      expect.objectContaining({ code: "UNSUPPORTED_SUPERSET_VERSION", path: "supersetVersion" }),
    );
  });
});

describe("the manager's clock", () => {
  it("QueryCacheManager.forManager stamps dttm with the manager's FakeClock", () => {
    const clock = new FakeClock(Date.UTC(2020, 0, 2, 3, 4, 5));
    const m = new CacheManager(CONFIG, { clock, supersetVersion: "6.1" });
    expect(m.clock).toBe(clock);
    const value = QueryCacheManager.forManager(m).buildValue({ df: df(), query: "SELECT 1" });
    expect(value.dttm).toBe("2020-01-02T03:04:05");
    expect(value.queried_dttm).toBe("2020-01-02T03:04:05+00:00");
  });
});

describe("a misspelt CACHE_TYPE", () => {
  it("suggests the accepted type (RedisCahce → RedisCache) under the cache's key", () => {
    let err: unknown;
    try {
      new CacheManager({ ...CONFIG, DATA_CACHE_CONFIG: { CACHE_TYPE: "RedisCahce" } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CacheConfigError);
    expect(err).toMatchObject({ code: "CONFIG_UNKNOWN_CACHE_TYPE", path: "DATA_CACHE_CONFIG.CACHE_TYPE" });
    expect((err as Error).message).toContain('did you mean "RedisCache"?');
  });
});
