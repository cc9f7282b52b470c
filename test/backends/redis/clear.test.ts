/**
 * `clear`'s pipelined SCAN + UNLINK on a real server: every matching key is deleted across many
 * SCAN replies and UNLINK batches (counted exactly, other keys left alone), and a failing UNLINK
 * (an ACL user without it) rejects with the typed error instead of an unhandled rejection.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisBackend } from "#src/backends/redis/backend.js";
import { clearPrefixOnNode } from "#src/backends/redis/clear.js";
import { RedisServer } from "#test/helpers/redis-server.js";

let server: RedisServer;
let raw: Redis;
beforeAll(async () => {
  // `keeper` may do everything but UNLINK: its clear fails after its first SCAN.
  server = await RedisServer.start({ label: "clear", config: ["user keeper on >pw ~* &* +@all -unlink"] });
  raw = new Redis({ host: server.host, port: server.port });
});
afterAll(async () => {
  raw?.disconnect();
  await server?.stop();
});

async function fill(prefix: string, n: number): Promise<void> {
  const pipe = raw.pipeline();
  for (let i = 0; i < n; i++) pipe.set(`${prefix}${i}`, "v");
  await pipe.exec();
}

describe("clear (pipelined SCAN + UNLINK)", () => {
  it("deletes every matching key over many SCAN replies and batches, and counts each once", async () => {
    await raw.flushdb();
    await fill("c:", 5000);
    await raw.set("d:keep", "v");
    const counted = await clearPrefixOnNode(raw, "c:", {
      scanCount: 37,
      unlinkBatchSize: 11,
      perSlot: false,
    });
    expect(counted).toBe(5000);
    expect(await raw.keys("*")).toEqual(["d:keep"]);
    expect(await clearPrefixOnNode(raw, "c:", { scanCount: 37, unlinkBatchSize: 11, perSlot: false })).toBe(
      0,
    );
  });

  it("per-slot UNLINKs (as on a cluster node) delete the same keys", async () => {
    await raw.flushdb();
    await fill("s:", 700);
    expect(await clearPrefixOnNode(raw, "s:", { scanCount: 100, unlinkBatchSize: 50, perSlot: true })).toBe(
      700,
    );
    expect(await raw.dbsize()).toBe(0);
  });

  it("a refused UNLINK rejects clear with a typed error, without an unhandled rejection", async () => {
    await raw.flushdb();
    await fill("n:", 3000);
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    const b = RedisBackend.fromConfig(
      { CACHE_REDIS_URL: `redis://keeper:pw@${server.host}:${server.port}/0` },
      { scanCount: 100, unlinkBatchSize: 10 },
    );
    try {
      await expect(b.clear("n:")).rejects.toMatchObject({ name: "RedisBackendError" });
      await new Promise((r) => setTimeout(r, 100)); // replies to the UNLINKs still in flight
      expect(unhandled).toEqual([]);
      expect(await raw.dbsize()).toBe(3000);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      await b.close();
    }
  });
});
