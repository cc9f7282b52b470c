import { describe, expect, it } from "vitest";
import { RedisBackend } from "#src/backends/redis/backend.js";
import { escapeGlob } from "#src/backends/redis/clear.js";
import { keySlot } from "#src/backends/redis/cluster-slots.js";
import { parseRedisUrl, redisTopologyFor, resolveRedisConfig } from "#src/backends/redis/config.js";
import { toRedisError } from "#src/backends/redis/errors.js";
import { CacheConfigError } from "#src/core/errors.js";

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return "ok";
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe("redisTopologyFor: every CACHE_TYPE spelling Flask-Caching accepts", () => {
  it.each([
    ["RedisCache", "standalone"],
    ["redis", "standalone"],
    ["flask_caching.backends.RedisCache", "standalone"],
    ["flask_caching.backends.rediscache.RedisCache", "standalone"],
    ["RedisSentinelCache", "sentinel"],
    ["redissentinel", "sentinel"],
    ["flask_caching.backends.rediscache.RedisSentinelCache", "sentinel"],
    ["RedisClusterCache", "cluster"],
    ["rediscluster", "cluster"],
    ["flask_caching.backends.RedisClusterCache", "cluster"],
    ["SimpleCache", undefined],
    ["toString", undefined],
    ["RedisSentinel", undefined],
  ])("%s → %s", (name, topology) => {
    expect(redisTopologyFor(name)).toBe(topology);
  });
});

describe("RedisCache config precedence (spec §3.4)", () => {
  it("defaults: localhost:6379 db 0, no password", () => {
    const r = resolveRedisConfig({ CACHE_TYPE: "RedisCache" });
    expect(r.redisOptions).toMatchObject({ host: "localhost", port: 6379, db: 0 });
    expect(r.redisOptions.password).toBeUndefined();
  });

  it("HOST/PORT/DB override CACHE_OPTIONS; PASSWORD only when non-empty", () => {
    const r = resolveRedisConfig({
      CACHE_TYPE: "RedisCache",
      CACHE_REDIS_HOST: "h",
      CACHE_REDIS_PORT: 7000,
      CACHE_REDIS_DB: 3,
      CACHE_REDIS_PASSWORD: "",
      CACHE_OPTIONS: { host: "other", port: 1, db: 9, password: "from-options", socket_timeout: 1.5 },
    });
    expect(r.redisOptions).toMatchObject({
      host: "h",
      port: 7000,
      db: 3,
      password: "from-options",
      commandTimeout: 1500,
    });
    const r2 = resolveRedisConfig({ CACHE_REDIS_PASSWORD: "pw", CACHE_OPTIONS: { password: "x" } });
    expect(r2.redisOptions.password).toBe("pw");
  });

  it("URL db precedence: ?db= > /N > CACHE_REDIS_DB", () => {
    expect(resolveRedisConfig({ CACHE_REDIS_URL: "redis://h:1", CACHE_REDIS_DB: 5 }).redisOptions.db).toBe(5);
    expect(resolveRedisConfig({ CACHE_REDIS_URL: "redis://h:1/2", CACHE_REDIS_DB: 5 }).redisOptions.db).toBe(
      2,
    );
    expect(
      resolveRedisConfig({ CACHE_REDIS_URL: "redis://h:1/2?db=4", CACHE_REDIS_DB: 5 }).redisOptions.db,
    ).toBe(4);
  });

  it("URL wins over HOST/PORT/PASSWORD; user and password are URL-decoded", () => {
    const r = resolveRedisConfig({
      CACHE_REDIS_URL: "redis://al%40ice:p%3Ass@10.0.0.1:6390/1",
      CACHE_REDIS_HOST: "ignored",
      CACHE_REDIS_PASSWORD: "ignored-pw",
    });
    expect(r.redisOptions).toMatchObject({
      host: "10.0.0.1",
      port: 6390,
      db: 1,
      username: "al@ice",
      password: "p:ss",
    });
    expect(r.describe).toBe("redis://al@ice:***@10.0.0.1:6390/1");
    expect(r.describe).not.toContain("p:ss");
  });

  it("rediss:// turns TLS on; unix:// uses a socket path", () => {
    expect(resolveRedisConfig({ CACHE_REDIS_URL: "rediss://h:6380" }).redisOptions.tls).toEqual({});
    const u = parseRedisUrl("unix:///run/redis.sock?db=3", "X", 0);
    expect(u.options).toMatchObject({ path: "/run/redis.sock", db: 3 });
  });

  it("rejects bad input with typed errors that never echo the password", () => {
    let err: unknown;
    try {
      resolveRedisConfig({ CACHE_REDIS_URL: "http://u:topsecret@h" }, "DATA_CACHE_CONFIG");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CacheConfigError);
    expect((err as CacheConfigError).code).toBe("CONFIG_INVALID_URL");
    expect((err as CacheConfigError).path).toBe("DATA_CACHE_CONFIG.CACHE_REDIS_URL");
    expect(String((err as Error).message)).not.toContain("topsecret");
    expect(codeOf(() => resolveRedisConfig({ CACHE_OPTIONS: { decode_responses: true } }))).toBe(
      "CONFIG_REDIS_DECODE_RESPONSES",
    );
    expect(codeOf(() => resolveRedisConfig({ CACHE_OPTIONS: { sockt_timeout: 1 } }))).toBe(
      "CONFIG_UNKNOWN_KEY",
    );
    expect(codeOf(() => resolveRedisConfig({ CACHE_REDIS_DB: -1 }))).toBe("CONFIG_INVALID_VALUE");
    expect(codeOf(() => resolveRedisConfig({ CACHE_TYPE: "SimpleCache" }))).toBe("CONFIG_UNKNOWN_CACHE_TYPE");
  });

  it("CACHE_OPTIONS default_timeout/key_prefix belong to the Cache layer and are accepted", () => {
    expect(
      codeOf(() => resolveRedisConfig({ CACHE_OPTIONS: { default_timeout: 77, retry_on_timeout: true } })),
    ).toBe("ok");
  });
});

describe("Sentinel and Cluster config (spec §3.5–3.6)", () => {
  it("sentinel: defaults, passwords split, sentinel_ options go to the sentinels", () => {
    const d = resolveRedisConfig({ CACHE_TYPE: "RedisSentinelCache", CACHE_REDIS_URL: "redis://ignored:1" });
    expect(d.redisOptions).toMatchObject({
      sentinels: [{ host: "127.0.0.1", port: 26379 }],
      name: "mymaster",
      db: 0,
    });
    const r = resolveRedisConfig({
      CACHE_TYPE: "RedisSentinelCache",
      CACHE_REDIS_SENTINELS: [["10.0.0.1", 26380], "10.0.0.2:26381"],
      CACHE_REDIS_SENTINEL_MASTER: "prod",
      CACHE_REDIS_PASSWORD: "data-pw",
      CACHE_REDIS_SENTINEL_PASSWORD: "sent-pw",
      CACHE_REDIS_DB: 2,
      CACHE_OPTIONS: { sentinel_socket_timeout: 0.5, socket_timeout: 2 },
    });
    expect(r.redisOptions).toMatchObject({
      sentinels: [
        { host: "10.0.0.1", port: 26380 },
        { host: "10.0.0.2", port: 26381 },
      ],
      name: "prod",
      db: 2,
      password: "data-pw",
      sentinelPassword: "sent-pw",
      sentinelCommandTimeout: 500,
      commandTimeout: 2000,
    });
    expect(r.describe).not.toContain("pw");
  });

  it("cluster: CACHE_REDIS_CLUSTER list, password, no db; or the URL as startup node", () => {
    const r = resolveRedisConfig({
      CACHE_TYPE: "RedisClusterCache",
      CACHE_REDIS_CLUSTER: "10.0.0.1:7000, 10.0.0.2:7001",
      CACHE_REDIS_PASSWORD: "cpw",
    });
    expect(r.clusterNodes).toEqual([
      { host: "10.0.0.1", port: 7000 },
      { host: "10.0.0.2", port: 7001 },
    ]);
    expect(r.redisOptions.password).toBe("cpw");
    expect(r.redisOptions.db).toBeUndefined();
    const u = resolveRedisConfig({ CACHE_TYPE: "RedisClusterCache", CACHE_REDIS_URL: "rediss://:x@h:7002" });
    expect(u.clusterNodes).toEqual([{ host: "h", port: 7002 }]);
    expect(u.redisOptions).toMatchObject({ password: "x", tls: {} });
    expect(codeOf(() => resolveRedisConfig({ CACHE_TYPE: "RedisClusterCache" }))).toBe("CONFIG_MISSING_KEY");
  });
});

describe("secrets never leak", () => {
  it("toString, JSON and util.inspect of the backend hide the password", async () => {
    const { inspect } = await import("node:util");
    const b = RedisBackend.fromConfig({ CACHE_REDIS_URL: "redis://bob:hunter2@127.0.0.1:1/0" });
    for (const text of [String(b), JSON.stringify(b), inspect(b, { depth: 10, showHidden: true })]) {
      expect(text).not.toContain("hunter2");
      expect(text).toContain("127.0.0.1");
    }
    await b.close();
  });

  it("error messages are scrubbed of configured secrets", () => {
    const e = toRedisError(new Error("WRONGPASS for hunter2"), "GET", ["hunter2"]);
    expect(e.message).not.toContain("hunter2");
    expect(e.code).toBe("REDIS_AUTH_FAILED");
    expect(e.cause).toBeUndefined();
  });
});

describe("hash slots and glob escaping", () => {
  it("matches the cluster spec's CRC16 vectors and hash tags", () => {
    expect(keySlot("123456789")).toBe(0x31c3 % 16384);
    expect(keySlot("foo")).toBe(12182);
    expect(keySlot("{user1000}.following")).toBe(keySlot("user1000"));
    expect(keySlot("foo{}{bar}")).toBe(keySlot("foo{}{bar}"));
    expect(keySlot("foo{}{bar}")).not.toBe(keySlot("bar"));
    expect(keySlot("héllo")).toBe(keySlot(new TextEncoder().encode("héllo")));
  });

  it("escapes every glob metacharacter", () => {
    expect(escapeGlob("a?b*c[d]e\\f")).toBe("a\\?b\\*c\\[d\\]e\\\\f");
    expect(escapeGlob("flask_cache_")).toBe("flask_cache_");
  });
});

describe("existing clients", () => {
  it("an ioredis client in CACHE_REDIS_HOST (as Flask-Caching allows) is used as is and never closed by us", async () => {
    const { Redis } = await import("ioredis");
    const client = new Redis({ lazyConnect: true, port: 1 });
    const b = RedisBackend.fromConfig({ CACHE_TYPE: "RedisCache", CACHE_REDIS_HOST: client });
    expect(String(b)).toBe("RedisBackend(standalone (caller's client))");
    await b.close();
    expect(client.status).toBe("wait");
    await expect(b.get("k")).rejects.toMatchObject({ code: "REDIS_CLOSED" });
    client.disconnect();
  });

  it("ioredis keyPrefix is refused (the Cache applies CACHE_KEY_PREFIX once; SCAN would miss prefixed keys)", async () => {
    const { Cluster, Redis } = await import("ioredis");
    const config = { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: "redis://127.0.0.1:1/0" };
    const refused = { code: "CONFIG_REDIS_KEY_PREFIX", path: "DATA_CACHE_CONFIG" };
    const path = "DATA_CACHE_CONFIG";
    expect(() => RedisBackend.fromConfig(config, { path, ioredis: { keyPrefix: "x:" } })).toThrow(
      expect.objectContaining(refused),
    );
    const client = new Redis({ lazyConnect: true, port: 1, keyPrefix: "x:" });
    expect(() =>
      RedisBackend.fromConfig({ CACHE_TYPE: "RedisCache", CACHE_REDIS_HOST: client }, { path }),
    ).toThrow(expect.objectContaining(refused));
    const cluster = new Cluster([{ host: "127.0.0.1", port: 1 }], {
      lazyConnect: true,
      redisOptions: { keyPrefix: "x:" },
    });
    expect(() => new RedisBackend(undefined, { path, client: cluster })).toThrow(
      expect.objectContaining(refused),
    );
    const plain = RedisBackend.fromConfig(config, { path, ioredis: { keyPrefix: "" } });
    await plain.close();
    client.disconnect();
    cluster.disconnect();
  });
});
