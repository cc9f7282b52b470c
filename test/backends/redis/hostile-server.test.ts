/**
 * A server that is not (or no longer) a well-behaved Redis: a `$N` header announcing 512 MiB
 * and sending almost nothing must not allocate 512 MiB, and a GET answered with an integer or
 * an array is a typed `REDIS_UNEXPECTED_REPLY`, never an empty value. The fake server is a
 * plain TCP listener on a free loopback port that answers every command with a fixed reply.
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { RedisBackend } from "#src/backends/redis/backend.js";
import { resolveRedisConfig } from "#src/backends/redis/config.js";
import { RespFramer } from "#src/backends/redis/wire/resp-framer.js";
import { Cache } from "#src/cache/cache.js";
import { RedisSerializer } from "#src/codecs/cachelib/redis-serializer.js";

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server answering each command (counted by its RESP array header) with `reply(commandIndex)`. */
async function fakeRedis(reply: (name: string) => Buffer | string): Promise<string> {
  const server = createServer((socket) => {
    sockets.push(socket);
    let pending = "";
    socket.on("data", (d) => {
      pending += d.toString("latin1");
      // Commands arrive as RESP arrays of bulk strings; answer each complete one.
      for (;;) {
        const m = /^\*(\d+)\r\n/.exec(pending);
        if (!m) return;
        let at = m[0].length;
        const args: string[] = [];
        for (let i = 0; i < Number(m[1]); i++) {
          const h = /^\$(\d+)\r\n/.exec(pending.slice(at));
          if (!h) return;
          const len = Number(h[1]);
          const start = at + h[0].length;
          if (pending.length < start + len + 2) return;
          args.push(pending.slice(start, start + len));
          at = start + len + 2;
        }
        pending = pending.slice(at);
        socket.write(reply(args[0]!.toLowerCase()));
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address() as { port: number };
  return `redis://127.0.0.1:${address.port}/0`;
}

function backendFor(url: string): RedisBackend {
  return new RedisBackend(resolveRedisConfig({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: url }), {
    commandTimeoutMs: 2000,
  } as never);
}

/** Replies to the commands a client sends while connecting (INFO, SELECT, CLIENT …). */
function handshake(name: string): string | undefined {
  if (name === "info") return "$22\r\nloading:0\r\nrole:master\r\n";
  if (name === "select" || name === "client" || name === "ping") return "+OK\r\n";
  return undefined;
}

describe("GET answered with a reply of the wrong type", () => {
  for (const [kind, wire] of [
    ["an integer", ":42\r\n"],
    ["an array", "*2\r\n$1\r\na\r\n$1\r\nb\r\n"],
  ] as const) {
    it(`${kind}: REDIS_UNEXPECTED_REPLY from the backend, a miss (not an empty value) under fail-open`, async () => {
      const url = await fakeRedis((name) => handshake(name) ?? wire);
      const b = backendFor(url);
      try {
        await expect(b.get("k")).rejects.toMatchObject({ code: "REDIS_UNEXPECTED_REPLY" });
        await expect(b.getMany(["k"])).rejects.toMatchObject({ code: "REDIS_UNEXPECTED_REPLY" });
        const cache = new Cache({ backend: b, serializer: new RedisSerializer() });
        expect(await cache.get("k")).toBeUndefined();
        expect(cache.errorCounts()).toMatchObject({ REDIS_UNEXPECTED_REPLY: 1 });
      } finally {
        await b.close();
      }
    });
  }
});

describe("a `$N` header does not decide how much is allocated", () => {
  it("the framer holds at most initialBigBulkBytes for a 512 MiB announcement with 10 bytes sent", () => {
    const framer = new RespFramer(() => {}, { readBufferBytes: 64 * 1024, bigBulkBytes: 16 * 1024 });
    const head = Buffer.from(`$${512 * 1024 * 1024}\r\n0123456789`);
    const into = framer.nextBuffer();
    into.set(head);
    framer.onRead(head.length);
    expect(framer.pendingBigBulkBytes).toBeGreaterThan(0);
    expect(framer.pendingBigBulkBytes).toBeLessThanOrEqual(1024 * 1024);
    expect(framer.nextBuffer().byteLength).toBeLessThanOrEqual(1024 * 1024);
  });

  it("grows with what arrives and hands over the whole bulk unchanged", () => {
    const chunks: Buffer[] = [];
    const framer = new RespFramer((c) => chunks.push(c), {
      readBufferBytes: 1000,
      bigBulkBytes: 100,
      initialBigBulkBytes: 256,
    });
    const payload = Buffer.from(Array.from({ length: 5000 }, (_, i) => i & 0xff));
    const wire = Buffer.concat([Buffer.from(`$${payload.length}\r\n`), payload, Buffer.from("\r\n")]);
    let at = 0;
    let most = 0;
    while (at < wire.length) {
      const into = framer.nextBuffer();
      const n = Math.min(into.byteLength, 300, wire.length - at);
      into.set(wire.subarray(at, at + n));
      at += n;
      framer.onRead(n);
      most = Math.max(most, framer.pendingBigBulkBytes);
      if (at < wire.length) expect(framer.pendingBigBulkBytes).toBeLessThanOrEqual(Math.max(256, 2 * at));
    }
    expect(Buffer.concat(chunks)).toEqual(wire);
    expect(chunks.at(-1)!.length).toBe(wire.length);
    expect(most).toBeGreaterThan(256);
  });

  it("a real client against a server that announces 512 MiB: the GET times out, the process does not allocate it", async () => {
    const url = await fakeRedis((name) => handshake(name) ?? `$${512 * 1024 * 1024}\r\nabc`);
    const b = backendFor(url);
    try {
      const before = process.memoryUsage().arrayBuffers;
      await expect(b.get("k")).rejects.toMatchObject({ code: "REDIS_COMMAND_TIMEOUT" });
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
    } finally {
      await b.close();
    }
  });
});
