/**
 * A server that does not speak memcached's binary protocol correctly (a real memcached cannot be
 * made to, so a small TCP server stands in): every command waiting on the connection fails with
 * `MEMCACHED_REPLY_ERROR`, nothing a header announces is allocated, and the next command
 * reconnects.
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { MemcachedBackend } from "#src/backends/memcached/backend.js";

/** A response header (magic 0x81) announcing `bodyLength` bytes, with `keyLength` and 4 bytes of extras. */
function header(bodyLength: number, keyLength = 0): Buffer {
  const out = Buffer.alloc(24);
  out[0] = 0x81;
  out.writeUInt16BE(keyLength, 2);
  out[4] = 4;
  out.writeUInt32BE(bodyLength, 8);
  return out;
}

let server: Server | undefined;
const sockets = new Set<Socket>();

/** A loopback server answering each received chunk with `reply()`; resolves to its port. */
async function serve(reply: () => Buffer): Promise<number> {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on("data", () => socket.write(reply()));
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return typeof address === "object" && address ? address.port : 0;
}

afterEach(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe("a misbehaving server", () => {
  it.each([
    ["a body longer than any memcached item", () => header(0xffff_fff0)],
    ["extras and key longer than the body", () => Buffer.concat([header(10, 200), Buffer.alloc(10)])],
    ["a text-protocol reply", () => Buffer.from("VALUE k 0 1\r\nx\r\nEND\r\n")],
  ])("%s: every waiting command fails with MEMCACHED_REPLY_ERROR", async (_name, reply) => {
    const port = await serve(reply);
    const backend = new MemcachedBackend({ kind: "memcached", servers: [{ host: "127.0.0.1", port }] });
    const before = process.memoryUsage().arrayBuffers;
    const results = await Promise.allSettled([
      backend.get("a"),
      backend.get("b"),
      backend.set("c", new Uint8Array(3), 0),
    ]);
    for (const r of results) {
      expect(r.status).toBe("rejected");
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "MEMCACHED_REPLY_ERROR" });
    }
    // Nothing the 4 GiB header announced was allocated.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
    // The connection was dropped; the next command opens a new one (and fails the same way).
    await expect(backend.get("d")).rejects.toMatchObject({ code: "MEMCACHED_REPLY_ERROR" });
    expect(sockets.size).toBeLessThanOrEqual(1);
    await backend.close();
  });
});
