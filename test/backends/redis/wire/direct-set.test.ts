/**
 * DirectSetCommand writes the same RESP bytes ioredis would: small values (and every value unless
 * zero-copy) as one command buffer; larger zero-copy ones, sent with `sendOn`, as header + the
 * caller's value (never copied) + trailer, inside one cork. Outside `sendOn` (a pipeline, which
 * ioredis hands the real socket too) one buffer of the whole command: see direct-set-pipeline.test.ts.
 */
import fc from "fast-check";
import { Command, type Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { DirectSetCommand } from "#src/backends/redis/wire/direct-set.js";

class RecordingSocket {
  readonly chunks: (string | Buffer | Uint8Array)[] = [];
  corked = 0;
  cork(): void {
    this.corked++;
  }
  uncork(): void {
    this.corked--;
  }
  write(chunk: string | Buffer | Uint8Array): boolean {
    this.chunks.push(chunk);
    return true;
  }
}

/** ioredis's `sendCommand` on a ready connection, reduced to what it does with the command's bytes. */
function clientOf(socket: RecordingSocket): Redis {
  return {
    stream: socket,
    sendCommand(cmd: Command) {
      socket.write(cmd.toWritable(socket));
      return Promise.resolve("OK");
    },
  } as unknown as Redis;
}

/** Send `cmd` as the backend does; everything written to the socket, in order. */
async function sent(cmd: DirectSetCommand): Promise<{ socket: RecordingSocket; bytes: Buffer }> {
  const socket = new RecordingSocket();
  await cmd.sendOn(clientOf(socket));
  return { socket, bytes: Buffer.concat(socket.chunks.map(asBuffer)) };
}

const asBuffer = (c: string | Uint8Array) =>
  typeof c === "string" ? Buffer.from(c) : Buffer.from(c.buffer, c.byteOffset, c.length);

describe("DirectSetCommand", () => {
  for (const [key, timeout] of [
    ["k", 0],
    ["clé ✓ 🎉", 0],
    ["k", 600],
    ["", 1],
  ] as const) {
    for (const size of [0, 3, 4096, 4097, 20_000]) {
      it(`same bytes as ioredis for key ${JSON.stringify(key)}, timeout ${timeout}, ${size} bytes`, async () => {
        const value = Buffer.alloc(size, 7);
        const args = timeout > 0 ? [key, value, "EX", String(timeout)] : [key, value];
        const theirs = asBuffer(new Command("set", args).toWritable({}));
        // Copying (the default): one command buffer at any size.
        const copied = await sent(new DirectSetCommand(key, value, timeout));
        expect(copied.socket.chunks).toHaveLength(1);
        expect(copied.bytes.equals(theirs)).toBe(true);
        const { socket, bytes } = await sent(new DirectSetCommand(key, value, timeout, true));
        expect(bytes.equals(theirs)).toBe(true);
        if (size <= 4096) {
          // small: one command buffer, nothing written to the socket directly
          expect(socket.chunks).toHaveLength(1);
          return;
        }
        expect(socket.chunks[1]).toBe(value); // the caller's buffer itself, not a copy
        expect(socket.corked).toBe(1);
        await new Promise((r) => process.nextTick(r));
        expect(socket.corked).toBe(0);
      });
    }
  }

  it("a value in parts is written part by part, uncopied, as the same bytes as the joined value", async () => {
    const parts = [Buffer.from("!head"), Buffer.alloc(70_000, 3), Uint8Array.of(0x94, 0x2e)];
    const joined = Buffer.concat(parts);
    const { socket, bytes } = await sent(new DirectSetCommand("k", parts, 60, true));
    expect(socket.chunks.slice(1, -1)).toEqual(parts.map((p) => expect.toSatisfy((c) => c === p)));
    const theirs = asBuffer(new Command("set", ["k", joined, "EX", "60"]).toWritable({}));
    expect(bytes.equals(theirs)).toBe(true);
    expect((await sent(new DirectSetCommand("k", parts, 60))).bytes.equals(theirs)).toBe(true);
    await new Promise((r) => process.nextTick(r));
  });

  it("property: any key, value split and timeout (in any order) give ioredis's bytes in one buffer", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            key: fc.string({ unit: "grapheme", maxLength: 40 }),
            size: fc.integer({ min: 0, max: 4096 }),
            cuts: fc.array(fc.nat(), { maxLength: 3 }),
            timeout: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10_000_000 })),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        (commands) => {
          for (const { key, size, cuts, timeout } of commands) {
            const value = Buffer.from(Array.from({ length: size }, (_, i) => (i * 7) & 0xff));
            const at = [...new Set(cuts.map((c) => c % (size + 1)))].sort((a, b) => a - b);
            const parts = [0, ...at].map((from, i) => value.subarray(from, at[i] ?? size));
            const args = timeout > 0 ? [key, value, "EX", String(timeout)] : [key, value];
            const theirs = asBuffer(new Command("set", args).toWritable({}));
            const ours = new DirectSetCommand(key, parts, timeout).toWritable(new RecordingSocket());
            expect(asBuffer(ours).equals(theirs)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("outside sendOn a zero-copy command returns one buffer and never touches the socket it is given", () => {
    const value = Buffer.alloc(17_000, 1);
    const socket = new RecordingSocket();
    const out = asBuffer(new DirectSetCommand("k", value, 5, true).toWritable(socket));
    expect(socket.chunks).toHaveLength(0);
    expect(socket.corked).toBe(0);
    expect(out.equals(asBuffer(new Command("set", ["k", value, "EX", "5"]).toWritable({})))).toBe(true);
  });
});
