import { describe, expect, it } from "vitest";
import { BACKENDS, implementedKinds, knownCacheTypes, resolveBackendKind } from "#src/backends/registry.js";
import { SimpleBackend } from "#src/backends/simple.js";
import { resolveFlaskCacheConfig } from "#src/config/flask-config.js";
import { systemClock } from "#src/core/clock.js";
import { CacheConfigError } from "#src/core/errors.js";
import { createCache } from "#src/manager/create-cache.js";

describe("CACHE_TYPE resolution", () => {
  const expected: [string, string][] = [
    ["null", "null"],
    ["NullCache", "null"],
    ["flask_caching.backends.NullCache", "null"],
    ["flask_caching.backends.nullcache.NullCache", "null"],
    ["flask_caching.backends.null", "null"],
    ["simple", "simple"],
    ["SimpleCache", "simple"],
    ["flask_caching.backends.simplecache.SimpleCache", "simple"],
    ["filesystem", "filesystem"],
    ["FileSystemCache", "filesystem"],
    ["flask_caching.backends.filesystemcache.FileSystemCache", "filesystem"],
    ["redis", "redis"],
    ["RedisCache", "redis"],
    ["flask_caching.backends.RedisCache", "redis"],
    ["flask_caching.backends.rediscache.RedisCache", "redis"],
    ["redissentinel", "redis-sentinel"],
    ["RedisSentinelCache", "redis-sentinel"],
    ["flask_caching.backends.rediscache.RedisSentinelCache", "redis-sentinel"],
    ["rediscluster", "redis-cluster"],
    ["RedisClusterCache", "redis-cluster"],
    ["memcached", "memcached"],
    ["MemcachedCache", "memcached"],
    ["flask_caching.backends.memcache.SASLMemcachedCache", "sasl-memcached"],
    ["spreadsaslmemcached", "spread-sasl-memcached"],
    ["gaememcached", "gae-memcached"],
    ["UWSGICache", "uwsgi"],
    ["flask_caching.backends.uwsgicache.UWSGICache", "uwsgi"],
    ["SupersetMetastoreCache", "metastore"],
    ["superset.extensions.metastore_cache.SupersetMetastoreCache", "metastore"],
  ];
  it.each(expected)("%s -> %s", (type, kind) => {
    expect(resolveBackendKind(type, "X")).toBe(kind);
  });

  it("knows every spelling listed in the spec (10 classes x 3 + 11 factories x 2 + 2 metastore)", () => {
    expect(knownCacheTypes()).toHaveLength(10 * 3 + 11 * 2 + 2);
  });

  it("rejects unknown names and names case-variants Python would not import", () => {
    for (const bad of ["Redis", "rediscache", "RedisSentinel", "flask_caching.RedisCache", ""]) {
      expect(() => resolveBackendKind(bad, "CACHE_CONFIG.CACHE_TYPE")).toThrowError(
        expect.objectContaining({ code: "CONFIG_UNKNOWN_CACHE_TYPE", path: "CACHE_CONFIG.CACHE_TYPE" }),
      );
    }
  });

  it("rejects bare cachelib classes, which Flask-Caching <= 2.4 breaks", () => {
    expect(() => resolveBackendKind("cachelib.RedisCache", "P")).toThrowError(
      expect.objectContaining({ code: "CONFIG_CACHE_TYPE_UNSUPPORTED" }),
    );
  });

  it("names known-but-unimplemented kinds", () => {
    for (const type of ["gaememcached", "uwsgi"]) {
      const build = () => createCache({ CACHE_TYPE: type }, { path: "DATA_CACHE_CONFIG" });
      expect(build).toThrow(CacheConfigError);
      expect(build).toThrow(
        expect.objectContaining({
          code: "CONFIG_BACKEND_NOT_IMPLEMENTED",
          path: "DATA_CACHE_CONFIG.CACHE_TYPE",
          message: expect.stringMatching(/memcached|uwsgi/),
        }),
      );
    }
  });

  it("registers the serializer and prefix rule Flask-Caching uses per family", () => {
    expect(BACKENDS.simple).toMatchObject({ serializer: "pickle", keyPrefix: "ignored" });
    expect(BACKENDS.filesystem).toMatchObject({ serializer: "pickle", keyPrefix: "ignored" });
    expect(BACKENDS.redis).toMatchObject({ serializer: "redis", keyPrefix: "prepend" });
    expect(BACKENDS.metastore.keyPrefix).toBe("backend");
  });

  it("suggests the closest accepted CACHE_TYPE, spelt as its class", () => {
    const cases: [string, string][] = [
      ["Redis", "RedisCache"],
      ["FilesystemCache", "FileSystemCache"],
      ["flask_caching.RedisClusterCache", "RedisClusterCache"],
      ["SupersetMetastoreCach", "SupersetMetastoreCache"],
    ];
    for (const [bad, suggested] of cases) {
      expect(() => resolveBackendKind(bad, "DATA_CACHE_CONFIG.CACHE_TYPE")).toThrowError(
        expect.objectContaining({
          code: "CONFIG_UNKNOWN_CACHE_TYPE",
          path: "DATA_CACHE_CONFIG.CACHE_TYPE",
          message: expect.stringContaining(`did you mean "${suggested}"?`),
        }),
      );
    }
    expect(() => resolveBackendKind("Postgres", "P")).toThrowError(
      expect.objectContaining({ message: expect.not.stringContaining("did you mean") }),
    );
  });
});

describe("backend families", () => {
  it("every implemented row loads a module exporting backendModule; the rest name no module", async () => {
    for (const [family, row] of Object.entries(BACKENDS)) {
      if (row.load === null) {
        expect(
          implementedKinds().some((k) => k in row.kinds),
          family,
        ).toBe(false);
        continue;
      }
      const { backendModule } = await row.load();
      expect(typeof backendModule.createBackend, family).toBe("function");
      for (const kind of Object.keys(row.kinds)) expect(implementedKinds()).toContain(kind);
    }
  });

  it("a family builds every kind it lists, from the row alone", async () => {
    const ctx = { clock: systemClock, path: "CACHE_CONFIG", settings: {} };
    const config = resolveFlaskCacheConfig({ CACHE_TYPE: "SimpleCache", CACHE_THRESHOLD: 3 }, "CACHE_CONFIG");
    const { backendModule } = await BACKENDS.simple.load();
    const backend = await backendModule.createBackend(config, ctx);
    expect(backend).toBeInstanceOf(SimpleBackend);
    expect((backend as SimpleBackend).threshold).toBe(3);
  });
});
