/**
 * DirectSetCommand writes the same RESP bytes ioredis would: small values as one command buffer,
 * larger ones split as header + the caller's value (never copied) + trailer, inside one cork;
 * without a socket (a pipeline) one buffer of the whole command.
 */
import fc from "fast-check";
import { Command } from "ioredis";
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
        const cmd = new DirectSetCommand(key, value, timeout);
        const socket = new RecordingSocket();
        const returned = cmd.toWritable(socket);
        const args = timeout > 0 ? [key, value, "EX", String(timeout)] : [key, value];
        const theirs = asBuffer(new Command("set", args).toWritable({}));
        if (size <= 4096) {
          // small: one command buffer, nothing written to the socket directly
          expect(socket.chunks).toHaveLength(0);
          expect(socket.corked).toBe(0);
          expect(asBuffer(returned).equals(theirs)).toBe(true);
          return;
        }
        expect(socket.corked).toBe(1);
        expect(socket.chunks[1]).toBe(value); // the caller's buffer itself, not a copy
        const ours = Buffer.concat([...socket.chunks.map(asBuffer), asBuffer(returned)]);
        expect(ours.equals(theirs)).toBe(true);
        await new Promise((r) => process.nextTick(r));
        expect(socket.corked).toBe(0);
      });
    }
  }

  it("a value in parts is written part by part, uncopied, as the same bytes as the joined value", async () => {
    const parts = [Buffer.from("!head"), Buffer.alloc(70_000, 3), Uint8Array.of(0x94, 0x2e)];
    const joined = Buffer.concat(parts);
    const cmd = new DirectSetCommand("k", parts, 60);
    const socket = new RecordingSocket();
    const tail = cmd.toWritable(socket);
    expect(socket.chunks.slice(1)).toEqual(parts.map((p) => expect.toSatisfy((c) => c === p)));
    const ours = Buffer.concat([...socket.chunks.map(asBuffer), asBuffer(tail)]);
    const theirs = asBuffer(new Command("set", ["k", joined, "EX", "60"]).toWritable({}));
    expect(ours.equals(theirs)).toBe(true);
    expect(asBuffer(new DirectSetCommand("k", parts, 60).toWritable({})).equals(theirs)).toBe(true);
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

  it("falls back to ioredis's single buffer when given something that is not a socket", () => {
    const value = Buffer.alloc(17_000, 1);
    const cmd = new DirectSetCommand("k", value, 5);
    const out = asBuffer(cmd.toWritable({}));
    expect(out.equals(asBuffer(new Command("set", ["k", value, "EX", "5"]).toWritable({})))).toBe(true);
  });
});
