/**
 * Secrets never leave: the redaction functions, and `util.inspect` / `JSON.stringify` of every
 * object that holds a config (Cache, CacheManager, RedisBackend, MetastoreBackend, Memcached).
 * Nothing here connects: backends are built without a first command.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { MemcachedBackend } from "#src/backends/memcached/backend.js";
import { MetastoreBackend } from "#src/backends/metastore/backend.js";
import { RedisBackend } from "#src/backends/redis/backend.js";
import { parseRedisUrl } from "#src/backends/redis/url.js";
import { CacheConfigError } from "#src/core/errors.js";
import { REDACTED, redactConfig, redactText, redactUrl } from "#src/core/redact.js";
import { CacheManager } from "#src/manager/cache-manager.js";
import { createCache } from "#src/manager/create-cache.js";

const PW = "Pa55-w0rd";

/** Every way an object can end up in a log line. */
function shown(value: unknown): string {
  return [
    inspect(value, { depth: 8 }),
    inspect(value, { depth: 8, showHidden: true }),
    JSON.stringify(value),
  ].join("\n");
}

describe("redactUrl", () => {
  it("masks the password of Redis URLs and keeps user, host, port and db", () => {
    expect(redactUrl(`redis://:${PW}@127.0.0.1:6380/2`)).toBe("redis://:***@127.0.0.1:6380/2");
    expect(redactUrl(`rediss://alice:${PW}@cache.internal/0`)).toBe("rediss://alice:***@cache.internal/0");
    expect(redactUrl(`redis://h:6379/0?password=${PW}&db=1`)).toBe("redis://h:6379/0?password=***&db=1");
    expect(redactUrl("redis://127.0.0.1:6379/0")).toBe("redis://127.0.0.1:6379/0");
    expect(redactUrl("redis://alice@h/0")).toBe("redis://alice@h/0");
    expect(redactUrl("not a url")).toBe("not a url");
  });

  it("masks SQLAlchemy passwords holding '/', '?', ':', '#' and '@' read either way", () => {
    for (const pw of ["a/b", "a?b", "a:b", "a#b", "a/b?c#d:e", "%zz", "p@ss"]) {
      const out = redactUrl(`postgresql+psycopg2://superset:${pw}@db.internal:5432/superset`);
      expect(out, pw).toMatch(/^postgresql\+psycopg2:\/\/superset:\*\*\*@/);
      expect(out.includes(pw), pw).toBe(false);
    }
    expect(redactUrl("mysql://u:x@h/d")).toBe("mysql://u:***@h/d");
  });
});

describe("redactText", () => {
  it("masks known secrets in every spelling and every URL inside the text", () => {
    const secret = "s3cr?t/ü";
    const text = `connect to postgresql://u:${secret}@h/d failed; password ${secret} / ${encodeURIComponent(secret)} / ${JSON.stringify(secret)}`;
    const out = redactText(text, [secret, undefined, ""]);
    expect(out).not.toContain("s3cr");
    expect(out).toContain("postgresql://u:***@h/d");
    expect(out.split(REDACTED).length).toBeGreaterThanOrEqual(5);
    expect(redactText("nothing here")).toBe("nothing here");
  });
});

describe("redactConfig", () => {
  it("masks secret keys and URL values, nested too, and leaves the rest", () => {
    const out = redactConfig({
      CACHE_TYPE: "RedisCache",
      CACHE_REDIS_URL: `redis://:${PW}@h:6379/0`,
      CACHE_REDIS_PASSWORD: PW,
      CACHE_KEY_PREFIX: "superset_",
      CACHE_OPTIONS: { sasl_password: PW, socket_timeout: 5 },
      SQLALCHEMY_DATABASE_URI: `postgresql://u:${PW}@db/superset`,
    });
    expect(JSON.stringify(out)).not.toContain(PW);
    expect(out).toMatchObject({
      CACHE_TYPE: "RedisCache",
      CACHE_KEY_PREFIX: "superset_",
      CACHE_REDIS_PASSWORD: REDACTED,
      CACHE_OPTIONS: { sasl_password: REDACTED, socket_timeout: 5 },
      SQLALCHEMY_DATABASE_URI: "postgresql://u:***@db/superset",
    });
  });
});

describe("objects holding a config never show a password or a full URI", () => {
  it("Cache over Redis (URL and CACHE_REDIS_PASSWORD)", () => {
    const a = createCache({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `redis://:${PW}@127.0.0.1:1/0` });
    const b = createCache({
      CACHE_TYPE: "RedisCache",
      CACHE_REDIS_HOST: "127.0.0.1",
      CACHE_REDIS_PASSWORD: PW,
    });
    for (const c of [a, b]) {
      expect(shown(c)).not.toContain(PW);
      expect(shown(c)).toContain("RedisCache");
    }
  });

  it("CacheManager with a metastore cache and Redis caches", () => {
    const manager = new CacheManager({
      SQLALCHEMY_DATABASE_URI: `postgresql://superset:${PW}?x/y@127.0.0.1:1/superset`,
      CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `redis://:${PW}@127.0.0.1:1/0` },
      DATA_CACHE_CONFIG: { CACHE_TYPE: "SupersetMetastoreCache" },
    });
    const out = shown(manager);
    expect(out).not.toContain(PW);
    expect(out).not.toContain("x/y");
  });

  it("MetastoreBackend built from a URI or from parsed settings", () => {
    const fromUri = new MetastoreBackend({ uri: `mysql://u:${PW}/?#@127.0.0.1:1/superset` });
    const fromSettings = new MetastoreBackend({
      connection: {
        dialect: "postgresql",
        host: "db",
        port: 5432,
        user: "u",
        password: PW,
        database: "superset",
        sslMode: undefined,
        charset: undefined,
        socketPath: undefined,
      },
    });
    for (const m of [fromUri, fromSettings]) {
      expect(shown(m)).not.toContain(PW);
      expect(shown(m)).not.toContain("/?#");
      expect(JSON.stringify(m)).toContain("***");
    }
  });

  it("RedisBackend and the Memcached backends", async () => {
    const redis = RedisBackend.fromConfig(
      { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `redis://:${PW}@127.0.0.1:1/0` } as never,
      { lazyConnect: true } as never,
      "CACHE_CONFIG",
    );
    const memcached = new MemcachedBackend({
      kind: "saslmemcached",
      servers: [{ host: "127.0.0.1", port: 1 }],
      username: "u",
      password: PW,
    } as never);
    try {
      for (const b of [redis, memcached]) expect(shown(b)).not.toContain(PW);
    } finally {
      await Promise.all([redis.close(), memcached.close()]);
    }
  });
});

describe("Redis URL percent-escapes", () => {
  it("a malformed escape is a typed CONFIG_INVALID_URL that does not echo the URL", () => {
    for (const url of [
      `redis://:${PW}%zz@h/0`,
      `redis://u%E0%A4%A@h/0`,
      "redis://h/%zz",
      "unix:///tmp/%zz.sock",
    ]) {
      let caught: unknown;
      try {
        parseRedisUrl(url, "CACHE_CONFIG.CACHE_REDIS_URL", 0);
      } catch (e) {
        caught = e;
      }
      expect(caught, url).toBeInstanceOf(CacheConfigError);
      expect((caught as CacheConfigError).code).toBe("CONFIG_INVALID_URL");
      expect((caught as Error).message).not.toContain(PW);
    }
  });

  it("createCache reports it as a config error, not a URIError", () => {
    expect(() => createCache({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `redis://:${PW}%@h/0` })).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID_URL" }),
    );
  });
});
