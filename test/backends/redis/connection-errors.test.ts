/**
 * What a Redis connection failure says, on real redis-server processes: a database the server
 * does not have fails with a typed config error (redis-py raises; ioredis alone would carry on
 * in db 0), and refused connections, wrong passwords, missing passwords and TLS failures name
 * the cache, the address and the cause (`cause` set, never the password).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisBackend } from "#src/backends/redis/backend.js";
import { createCache } from "#src/manager/create-cache.js";
import { freePort, makeTlsFiles, RedisServer } from "#test/helpers/redis-server.js";

const PASSWORD = "s3cret-pw";
let plain: RedisServer;
let locked: RedisServer;
let tls: RedisServer;

beforeAll(async () => {
  [plain, locked, tls] = await Promise.all([
    RedisServer.start({ config: ["databases 16"] }),
    RedisServer.start({ config: [`requirepass ${PASSWORD}`] }),
    RedisServer.start({ tls: makeTlsFiles() }),
  ]);
});

afterAll(async () => {
  await Promise.all([plain?.stop(), locked?.stop(), tls?.stop()]);
});

function backend(url: string, path = "DATA_CACHE_CONFIG"): RedisBackend {
  return RedisBackend.fromConfig({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: url }, {}, path);
}

async function pingError(url: string): Promise<Error & { code?: string; cause?: unknown; path?: string }> {
  const b = backend(url);
  try {
    await b.ping();
  } catch (err) {
    return err as Error & { code?: string };
  } finally {
    await b.close();
  }
  throw new Error(`ping of ${url} succeeded`);
}

describe("a database the server does not have", () => {
  it("fails the connection with CONFIG_REDIS_DB naming the key, and nothing lands in db 0", async () => {
    const cache = createCache(
      { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${plain.url}/99`, CACHE_KEY_PREFIX: "bad_db_" },
      { path: "DATA_CACHE_CONFIG" },
    );
    // Fail-open does not hide a misconfiguration: the config error reaches the caller.
    await expect(cache.set("k", "v")).rejects.toMatchObject({
      name: "CacheConfigError",
      code: "CONFIG_REDIS_DB",
      path: "DATA_CACHE_CONFIG.CACHE_REDIS_URL",
    });
    await expect(cache.get("k")).rejects.toMatchObject({ code: "CONFIG_REDIS_DB" });
    expect(plain.cli(["-n", "0", "EXISTS", "bad_db_k"]).out).toBe("0");
    await cache.close();
  });

  it("CACHE_REDIS_DB out of range names CACHE_REDIS_DB; the message names database and address", async () => {
    const b = RedisBackend.fromConfig(
      {
        CACHE_TYPE: "RedisCache",
        CACHE_REDIS_HOST: plain.host,
        CACHE_REDIS_PORT: plain.port,
        CACHE_REDIS_DB: 16,
      },
      {},
      "CACHE_CONFIG",
    );
    const err = await b.ping().then(
      () => undefined,
      (e: unknown) => e as Error & { path: string },
    );
    expect(err?.path).toBe("CACHE_CONFIG.CACHE_REDIS_DB");
    expect(err?.message).toContain(
      `Redis ${plain.host}:${plain.port} for CACHE_CONFIG: database 16 does not exist`,
    );
    expect(err?.cause).toBeInstanceOf(Error);
    await b.close();
  });

  it("the last existing database still works", async () => {
    const b = backend(`${plain.url}/15`);
    await b.ping();
    expect(await b.set("db15", new Uint8Array([1]), 0)).toBe(true);
    expect(plain.cli(["-n", "15", "EXISTS", "db15"]).out).toBe("1");
    await b.close();
  });
});

describe("errors say what failed and where", () => {
  it("refused: `Redis host:port for CACHE: connection refused`, with the socket error as cause", async () => {
    const port = await freePort();
    const err = await pingError(`redis://127.0.0.1:${port}/0`);
    expect(err.code).toBe("REDIS_CONNECTION");
    expect(err.message).toBe(`Redis 127.0.0.1:${port} for DATA_CACHE_CONFIG: connection refused`);
    expect(err.cause).toMatchObject({ code: "ECONNREFUSED" });
  });

  it("a command under the throw policy says the same instead of ioredis's retry-limit text", async () => {
    const port = await freePort();
    const cache = createCache(
      { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `redis://127.0.0.1:${port}/0` },
      { path: "DATA_CACHE_CONFIG", onBackendError: "throw" },
    );
    const err = (await cache.get("k").catch((e: unknown) => e)) as Error;
    expect(err.message).toContain(`Redis 127.0.0.1:${port} for DATA_CACHE_CONFIG: connection refused`);
    expect(err.message).not.toMatch(/max retries/);
    await cache.close();
  });

  it("wrong password: REDIS_AUTH_FAILED, WRONGPASS named, password nowhere", async () => {
    const err = await pingError(`redis://:wrong-${PASSWORD}@127.0.0.1:${locked.port}/0`);
    expect(err.code).toBe("REDIS_AUTH_FAILED");
    expect(err.message).toContain(
      `Redis 127.0.0.1:${locked.port} for DATA_CACHE_CONFIG: authentication failed`,
    );
    expect(err.message).toContain("WRONGPASS");
    expect(err.cause).toBeInstanceOf(Error);
    const everything = `${err.message} ${String(err.stack)} ${JSON.stringify(err.cause)} ${String((err.cause as Error).stack)}`;
    expect(everything).not.toContain(PASSWORD);
  });

  it("no password: REDIS_AUTH_FAILED naming NOAUTH", async () => {
    const err = await pingError(`redis://127.0.0.1:${locked.port}/0`);
    expect(err.code).toBe("REDIS_AUTH_FAILED");
    expect(err.message).toMatch(/authentication required.*NOAUTH/);
  });

  it("TLS with an untrusted certificate: the handshake failure is the reason", async () => {
    const err = await pingError(`rediss://127.0.0.1:${tls.port}/0`);
    expect(err.code).toBe("REDIS_CONNECTION");
    expect(err.message).toContain(`Redis 127.0.0.1:${tls.port} for DATA_CACHE_CONFIG: TLS handshake failed`);
    expect(err.cause).toBeInstanceOf(Error);
  });

  it("a working server answers ping", async () => {
    const b = backend(`redis://:${PASSWORD}@127.0.0.1:${locked.port}/0`);
    await expect(b.ping()).resolves.toBeUndefined();
    await b.close();
  });
});
