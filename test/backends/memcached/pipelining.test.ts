/**
 * The pipelined client under many requests in flight: replies matched to their requests when
 * requests of mixed kinds and sizes (around the 16 KiB copy limit) share writes, a caller's bytes
 * free once a small set returns, and the per-command timeout against a stopped (SIGSTOP) server:
 * every request in flight fails with `MEMCACHED_TIMEOUT` after the timeout, and the next request
 * after the server resumes reconnects.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemcachedBackend } from "#src/backends/memcached/backend.js";
import { COPIED_VALUE_BYTES } from "#src/backends/memcached/request-batch.js";
import { MemcachedValueSerializer } from "#src/backends/memcached/value-flags.js";
import { Cache } from "#src/cache/cache.js";
import { MemcachedServer } from "#test/helpers/memcached-server.js";
import { trackUnhandledRejections } from "#test/helpers/redis-peer.js";

let server: MemcachedServer;
const unhandled = trackUnhandledRejections();

beforeAll(async () => {
  server = await MemcachedServer.start();
});

afterAll(async () => {
  await server.stop();
  unhandled.stop();
  expect(unhandled.count()).toBe(0);
});

/** `size` bytes that name their key and size, so a reply read for the wrong request shows. */
function valueFor(key: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  const tag = Buffer.from(`${key}/${size}/`);
  for (let at = 0; at < size; at += tag.length) tag.copy(out, at);
  return out;
}

describe("requests in flight", () => {
  it("match every reply to its request across kinds and sizes", async () => {
    const backend = new MemcachedBackend({ kind: "memcached", servers: [server] });
    const sizes = [0, 1, 1000, COPIED_VALUE_BYTES, COPIED_VALUE_BYTES + 1, 100_000];
    const keys = Array.from({ length: 120 }, (_, i) => `p:${i}`);
    const sizeOf = (i: number) => sizes[i % sizes.length] as number;
    const stored = await Promise.all(keys.map((k, i) => backend.set(k, valueFor(k, sizeOf(i)), 0)));
    expect(stored.every(Boolean)).toBe(true);
    // Reads, deletes, misses and `has` interleaved in one burst.
    const results = await Promise.all(
      keys.map((k, i) =>
        i % 4 === 3
          ? backend.delete(k)
          : i % 4 === 2
            ? backend.has(k)
            : backend.get(i % 4 === 1 ? `${k}:none` : k),
      ),
    );
    keys.forEach((k, i) => {
      if (i % 4 === 0)
        expect(Buffer.from(results[i] as Uint8Array).equals(valueFor(k, sizeOf(i)))).toBe(true);
      else if (i % 4 === 1) expect(results[i]).toBeUndefined();
      else expect(results[i]).toBe(true);
    });
    expect(await backend.get(keys[3] as string)).toBeUndefined();
    await backend.close();
  });

  it("keeps bytes the socket has not sent yet while later requests are encoded", async () => {
    const backend = new MemcachedBackend({ kind: "memcached", servers: [server] });
    await backend.set("warm", Buffer.from("x"), 0);
    // Waves of megabytes of copied values to a stopped server: the kernel's buffers fill, so
    // later waves are encoded while earlier bytes still wait in the socket's queue.
    const waves = 4;
    const perWave = 200;
    const size = COPIED_VALUE_BYTES - 100;
    const writes: Promise<boolean>[] = [];
    const pid = server.pid as number;
    process.kill(pid, "SIGSTOP");
    try {
      for (let w = 0; w < waves; w++) {
        for (let i = 0; i < perWave; i++)
          writes.push(backend.set(`wave:${i}`, valueFor(`${w}:${i}`, size), 0));
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      process.kill(pid, "SIGCONT");
    }
    expect((await Promise.all(writes)).every(Boolean)).toBe(true);
    const read = await Promise.all(Array.from({ length: perWave }, (_, i) => backend.get(`wave:${i}`)));
    read.forEach((bytes, i) => {
      expect(Buffer.from(bytes as Uint8Array).equals(valueFor(`${waves - 1}:${i}`, size))).toBe(true);
    });
    await backend.close();
  });

  it("copies a small value before set returns; the caller may reuse its bytes", async () => {
    const backend = new MemcachedBackend({ kind: "memcached", servers: [server] });
    await backend.set("warm", Buffer.from("x"), 0); // connected: later sets are sent at once
    const bytes = Buffer.alloc(1024, 0x61);
    const first = backend.set("reuse:a", bytes, 0);
    const second = backend.set("reuse:b", bytes, 0); // in flight with the first: batched
    bytes.fill(0x62);
    expect(await Promise.all([first, second])).toEqual([true, true]);
    expect(Buffer.from((await backend.get("reuse:a")) as Uint8Array).toString()).toBe("a".repeat(1024));
    expect(Buffer.from((await backend.get("reuse:b")) as Uint8Array).toString()).toBe("a".repeat(1024));
    await backend.close();
  });
});

describe("the command timeout", () => {
  it("fails every request in flight on a stopped server after commandTimeoutMs; recovers", async () => {
    const timeoutMs = 300;
    const backend = new MemcachedBackend({
      kind: "memcached",
      servers: [server],
      commandTimeoutMs: timeoutMs,
    });
    const cache = new Cache({
      backend,
      serializer: new MemcachedValueSerializer(),
      keyPrefix: "t:",
      name: "t",
    });
    expect(await cache.set("k", "v", 0)).toBe(true);
    const pid = server.pid as number;
    process.kill(pid, "SIGSTOP");
    try {
      const started = performance.now();
      const outcomes = await Promise.all(
        Array.from({ length: 64 }, (_, i) =>
          (i % 2 === 0 ? backend.get("t:k") : backend.set("t:other", Buffer.from("w"), 0)).then(
            () => "settled",
            (err: { code?: string; transient?: boolean }) => `${err.code} ${err.transient}`,
          ),
        ),
      );
      const elapsed = performance.now() - started;
      expect(new Set(outcomes)).toEqual(new Set(["MEMCACHED_TIMEOUT true"]));
      expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 1);
      expect(elapsed).toBeLessThan(timeoutMs + 2000);
      // Through `Cache` (the mapped read): a miss under fail-open, counted by code.
      expect(await cache.get("k")).toBeUndefined();
      expect(cache.errorCounts().MEMCACHED_TIMEOUT).toBeGreaterThan(0);
    } finally {
      process.kill(pid, "SIGCONT");
    }
    // The sets that timed out may still be applied once the server runs (memcached read them):
    // they went to another key.
    expect(await cache.get("k")).toBe("v");
    await cache.close();
  });
});
