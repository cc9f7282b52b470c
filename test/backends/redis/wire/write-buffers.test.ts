/**
 * WriteBufferPool and the pooled copy of `DirectSetCommand`: buffers are reused, idle bytes stay
 * under the bound, and a buffer goes back only when ioredis settled its command with a reply or
 * an error: never on a command timeout while the command still waits (a paused server, an
 * offline queue flushed after a reconnect), so no later set can overwrite bytes still to be sent.
 */
import { Command, Redis, type RedisOptions } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisBackend } from "#src/backends/redis/backend.js";
import { DirectSetCommand } from "#src/backends/redis/wire/direct-set.js";
import { DEFAULT_WRITE_BUFFER_POOL_BYTES, WriteBufferPool } from "#src/backends/redis/wire/write-buffers.js";
import { RedisServer } from "#test/helpers/redis-server.js";
import { waitUntil } from "#test/helpers/wait-until.js";

const KiB = 1024;

describe("WriteBufferPool", () => {
  it("hands out power-of-two classes from 8 KiB to 4 MiB and nothing outside them", () => {
    const pool = new WriteBufferPool();
    expect(pool.take(4 * KiB)).toBeUndefined(); // Node's slab serves these
    expect(pool.take(4 * KiB + 1)?.length).toBe(8 * KiB);
    expect(pool.take(8 * KiB)?.length).toBe(8 * KiB);
    expect(pool.take(8 * KiB + 1)?.length).toBe(16 * KiB);
    expect(pool.take(100 * KiB)?.length).toBe(128 * KiB);
    expect(pool.take(4096 * KiB)?.length).toBe(4096 * KiB);
    expect(pool.take(4096 * KiB + 1)).toBeUndefined();
    expect(new WriteBufferPool(0).take(100 * KiB)).toBeUndefined();
  });

  it("gives the most recently returned buffer of a class back first", () => {
    const pool = new WriteBufferPool();
    const a = pool.take(100 * KiB)!;
    const b = pool.take(100 * KiB)!;
    expect(b).not.toBe(a);
    pool.give(a);
    pool.give(b);
    expect(pool.idleBytes).toBe(256 * KiB);
    expect(pool.take(70 * KiB)).toBe(b);
    expect(pool.take(128 * KiB)).toBe(a);
    expect(pool.idleBytes).toBe(0);
    expect(pool.take(20 * KiB)?.length).toBe(32 * KiB); // another class: not a or b
  });

  it("keeps at most maxIdleBytes of idle buffers (default 8 MiB)", () => {
    expect(DEFAULT_WRITE_BUFFER_POOL_BYTES).toBe(8 * 1024 * KiB);
    const pool = new WriteBufferPool(300 * KiB);
    const taken = Array.from({ length: 5 }, () => pool.take(100 * KiB)!);
    for (const b of taken) pool.give(b);
    expect(pool.idleBytes).toBe(256 * KiB);
    const big = new WriteBufferPool();
    for (const b of Array.from({ length: 80 }, () => big.take(100 * KiB)!)) big.give(b);
    expect(big.idleBytes).toBe(64 * 128 * KiB);
  });
});

describe("pooled DirectSetCommand bytes", () => {
  const asBuffer = (c: string | Buffer) => (typeof c === "string" ? Buffer.from(c) : c);

  it("a reused buffer holding a longer earlier command still yields exactly ioredis's bytes", () => {
    const pool = new WriteBufferPool();
    const first = new DirectSetCommand(
      "a-much-longer-key-".repeat(20),
      Buffer.alloc(90 * KiB, 1),
      600,
      false,
      pool,
    );
    const firstBytes = asBuffer(first.toWritable({}));
    first.resolve(Buffer.from("OK")); // settled by ioredis: the buffer goes back
    expect(pool.idleBytes).toBe(128 * KiB);
    for (const [key, size, timeout] of [
      ["k", 70 * KiB, 0],
      ["clé ✓", 5 * KiB, 1],
      ["k2", 100 * KiB, 3600],
    ] as const) {
      const value = Buffer.alloc(size, 7);
      const cmd = new DirectSetCommand(key, [value.subarray(0, 3), value.subarray(3)], timeout, false, pool);
      const args = timeout > 0 ? [key, value, "EX", String(timeout)] : [key, value];
      const theirs = asBuffer(new Command("set", args).toWritable({}) as string | Buffer);
      const ours = asBuffer(cmd.toWritable({}));
      // 70 and 100 KB share the first command's 128 KiB class: its buffer, reused.
      expect(ours.buffer === firstBytes.buffer).toBe(size > 64 * KiB);
      expect(ours.equals(theirs)).toBe(true);
      cmd.reject(new Error("gone")); // an error reply or a flushed queue gives it back too
      cmd.promise.catch(() => {});
    }
  });
});

describe("pooled DirectSetCommand against a real server", () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await RedisServer.start({ label: "write-buffers" });
  });
  afterAll(async () => {
    await server?.stop();
  });

  function value(n: number, seed: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) out[i] = (i * 7 + seed) & 0xff;
    return out;
  }

  function client(options: RedisOptions = {}): Redis {
    return new Redis({ host: server.host, port: server.port, ...options });
  }

  it("reuses one buffer for sequential sets and stores every value as given", async () => {
    const c = client();
    const pool = new WriteBufferPool();
    try {
      await c.ping();
      const given = [1, 2, 3].map((seed) => value(100 * KiB, seed));
      for (const [i, v] of given.entries()) {
        const done = new DirectSetCommand(`seq${i}`, v, 0, false, pool).sendOn(c);
        expect(pool.idleBytes).toBe(0); // lent to the command
        v.fill(0xee); // the caller's bytes are not read after set returns
        expect(await done).toBe("OK");
        expect(pool.idleBytes).toBe(128 * KiB); // given back with the reply: the same buffer each time
      }
      for (const [i, seed] of [1, 2, 3].entries()) {
        expect((await c.getBuffer(`seq${i}`))?.equals(value(100 * KiB, seed))).toBe(true);
      }
    } finally {
      c.disconnect();
    }
  });

  it("64 concurrent sets each get their own buffer; all are given back", async () => {
    const c = client();
    const pool = new WriteBufferPool();
    try {
      await c.ping();
      const sets = Array.from({ length: 64 }, (_, i) => {
        const v = value(50 * KiB, i);
        const done = new DirectSetCommand(`conc${i}`, v, 60, false, pool).sendOn(c);
        v.fill(0);
        return done;
      });
      await Promise.all(sets);
      expect(pool.idleBytes).toBe(64 * 64 * KiB);
      for (let i = 0; i < 64; i++)
        expect((await c.getBuffer(`conc${i}`))?.equals(value(50 * KiB, i))).toBe(true);
    } finally {
      c.disconnect();
    }
  });

  it("a command timeout (paused server) keeps the buffer until the reply arrives", async () => {
    const c = client({ commandTimeout: 300 });
    const pool = new WriteBufferPool();
    try {
      await c.ping();
      expect(server.cli(["CLIENT", "PAUSE", "2000", "WRITE"]).ok).toBe(true);
      const original = value(100 * KiB, 5);
      await expect(new DirectSetCommand("paused", original, 0, false, pool).sendOn(c)).rejects.toThrow(
        /Command timed out/,
      );
      expect(pool.idleBytes).toBe(0); // still lent: the server has not answered
      await waitUntil("the paused SET's reply", () => pool.idleBytes === 128 * KiB);
      expect((await c.getBuffer("paused"))?.equals(original)).toBe(true);
    } finally {
      c.disconnect();
    }
  });

  it("a command timed out in the offline queue is written from its own buffer after the reconnect", async () => {
    await server.kill();
    const c = client({ commandTimeout: 300, retryStrategy: () => 50, maxRetriesPerRequest: null });
    c.on("error", () => {});
    const pool = new WriteBufferPool();
    try {
      const original = value(100 * KiB, 9);
      const queued = new DirectSetCommand("offline", original, 0, false, pool).sendOn(c);
      await expect(queued).rejects.toThrow(/Command timed out/);
      // A later set taking a buffer now must not get (and overwrite) the queued command's buffer.
      const other = pool.take(100 * KiB)!;
      other.fill(0xee);
      pool.give(other);
      await server.restart();
      await waitUntil("the offline SET's reply", () => pool.idleBytes === 256 * KiB, { timeoutMs: 10_000 });
      expect((await c.getBuffer("offline"))?.equals(original)).toBe(true);
    } finally {
      c.disconnect();
      if (!server.running) await server.restart();
    }
  });

  it("RedisBackend: sets through the pool store each value, also after a command timeout", async () => {
    const b = RedisBackend.fromConfig({ CACHE_REDIS_URL: `${server.url}/0` }, { commandTimeoutMs: 300 });
    try {
      await b.set("warmup", new Uint8Array([1]), 0);
      const values = [11, 12, 13].map((seed) => value(100 * KiB, seed));
      for (const [i, v] of values.entries()) expect(await b.set(`backend${i}`, v, 0)).toBe(true);
      expect(server.cli(["CLIENT", "PAUSE", "2000", "WRITE"]).ok).toBe(true);
      await expect(b.set("backendPaused", value(100 * KiB, 14), 0)).rejects.toMatchObject({
        code: "REDIS_COMMAND_TIMEOUT",
      });
      // Stored once the pause ends (its buffer was kept); the next set may then reuse that buffer.
      await waitUntil(
        "the paused SET to land",
        async () => (await b.get("backendPaused").catch(() => undefined)) !== undefined,
      );
      expect(await b.get("backendPaused")).toEqual(new Uint8Array(value(100 * KiB, 14)));
      expect(await b.set("backendAfter", value(100 * KiB, 15), 0)).toBe(true);
      for (const [i, seed] of [11, 12, 13].entries())
        expect(await b.get(`backend${i}`)).toEqual(new Uint8Array(value(100 * KiB, seed)));
      expect(await b.get("backendAfter")).toEqual(new Uint8Array(value(100 * KiB, 15)));
    } finally {
      await b.close();
    }
  });
});
