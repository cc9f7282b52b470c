/**
 * `CacheManager.ready()` reaches every server: it connects and PINGs each Redis (real
 * redis-server processes) and rejects naming the cache, the address (never the password) and
 * the cause; a bad URL fails when the manager is built, under the right key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CacheConfigError } from "#src/core/errors.js";
import { CacheManager } from "#src/manager/cache-manager.js";
import { freePort, RedisServer } from "#test/helpers/redis-server.js";

const PASSWORD = "ready-s3cret";
let server: RedisServer;
let locked: RedisServer;

beforeAll(async () => {
  [server, locked] = await Promise.all([
    RedisServer.start(),
    RedisServer.start({ config: [`requirepass ${PASSWORD}`] }),
  ]);
});

afterAll(async () => {
  await Promise.all([server?.stop(), locked?.stop()]);
});

/** Required caches in memory so only DATA_CACHE_CONFIG is under test. */
function managerWithData(url: string): CacheManager {
  return new CacheManager({
    DATA_CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: url },
    FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
    EXPLORE_FORM_DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
  });
}

async function readyError(m: CacheManager): Promise<Error & { code?: string; cause?: unknown }> {
  try {
    await m.ready();
  } catch (err) {
    return err as Error & { code?: string };
  } finally {
    await m.close();
  }
  throw new Error("ready() resolved");
}

describe("ready() reaches every Redis", () => {
  it("resolves when every server answers", async () => {
    const m = managerWithData(`${server.url}/0`);
    await expect(m.ready()).resolves.toBeUndefined();
    await m.close();
  });

  it("Redis down: rejects naming the cache, host:port and `connection refused`", async () => {
    const port = await freePort();
    const err = await readyError(managerWithData(`redis://127.0.0.1:${port}/0`));
    expect(err.code).toBe("REDIS_CONNECTION");
    expect(err.message).toBe(`Redis 127.0.0.1:${port} for DATA_CACHE_CONFIG: connection refused`);
    expect(err.cause).toMatchObject({ code: "ECONNREFUSED" });
  });

  it("wrong password: REDIS_AUTH_FAILED, never the password", async () => {
    const err = await readyError(managerWithData(`redis://:not-${PASSWORD}@127.0.0.1:${locked.port}/0`));
    expect(err.code).toBe("REDIS_AUTH_FAILED");
    expect(err.message).toContain(
      `Redis 127.0.0.1:${locked.port} for DATA_CACHE_CONFIG: authentication failed`,
    );
    expect(`${err.message}${String(err.stack)}`).not.toContain(PASSWORD);
  });

  it("a database the server does not have: CONFIG_REDIS_DB at the URL's key", async () => {
    const err = await readyError(managerWithData(`${server.url}/99`));
    expect(err).toBeInstanceOf(CacheConfigError);
    expect(err).toMatchObject({ code: "CONFIG_REDIS_DB", path: "DATA_CACHE_CONFIG.CACHE_REDIS_URL" });
  });

  it("several caches failing: the first in Superset's order is thrown", async () => {
    const port = await freePort();
    const m = new CacheManager({
      CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `redis://127.0.0.1:${port}/0` },
      DATA_CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${server.url}/99` },
      FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      EXPLORE_FORM_DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
    });
    const err = await readyError(m);
    expect(err.message).toContain("for CACHE_CONFIG: connection refused");
  });

  it("`caches` checks only the named caches", async () => {
    const port = await freePort();
    const m = new CacheManager({
      CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `redis://127.0.0.1:${port}/0` },
      DATA_CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${server.url}/0` },
    });
    await expect(m.ready({ caches: ["DATA_CACHE_CONFIG"] })).resolves.toBeUndefined();
    await expect(m.ready({ caches: ["CACHE_CONFIG"] })).rejects.toMatchObject({ code: "REDIS_CONNECTION" });
    await m.close();
  });
});

describe("a bad Redis URL fails when the manager is built", () => {
  it("names the key path of the cache that holds it", () => {
    const build = () =>
      new CacheManager({
        CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${server.url}/0` },
        DATA_CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: "http://127.0.0.1:1/0" },
      });
    expect(build).toThrow(CacheConfigError);
    expect(build).toThrow(/^DATA_CACHE_CONFIG\.CACHE_REDIS_URL: unsupported scheme http/);
  });

  it("RESULTS_BACKEND's URL is checked under RESULTS_BACKEND", () => {
    expect(
      () =>
        new CacheManager({
          RESULTS_BACKEND: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: "redis://h:notaport/0" },
        }),
    ).toThrow(/^RESULTS_BACKEND\.CACHE_REDIS_URL: /);
  });
});
