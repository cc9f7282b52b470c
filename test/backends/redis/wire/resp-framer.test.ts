/**
 * RespFramer regroups a RESP2 byte stream without changing it: whatever the read sizes, the
 * emitted chunks concatenate to the input, nothing emitted aliases the reused read buffer, a
 * large bulk that spans reads arrives as one chunk (header + payload + CRLF, read in place), and
 * ioredis's own parser (redis-parser) returns the same replies as from the unsplit stream.
 */
import fc from "fast-check";
import RedisParser from "redis-parser";
import { describe, expect, it } from "vitest";
import { RespFramer } from "#src/backends/redis/wire/resp-framer.js";

const BIG = 64; // bigBulkBytes for the tests: small, so random streams cross it often
const READ = 50; // read buffer size: small, so tokens straddle reads

type Reply = string | number | null | Buffer | Reply[];

const bulk = fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b));
const reply: fc.Arbitrary<Reply> = fc.letrec<{ r: Reply }>((tie) => ({
  r: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.stringMatching(/^[A-Za-z ]{0,20}$/),
    fc.integer(),
    fc.constant(null),
    bulk,
    fc.array(tie("r"), { maxLength: 4 }),
  ),
})).r;

function encode(r: Reply): Buffer {
  if (r === null) return Buffer.from("$-1\r\n");
  if (typeof r === "string") return Buffer.from(`+${r}\r\n`);
  if (typeof r === "number") return Buffer.from(`:${r}\r\n`);
  if (Buffer.isBuffer(r)) return Buffer.concat([Buffer.from(`$${r.length}\r\n`), r, Buffer.from("\r\n")]);
  return Buffer.concat([Buffer.from(`*${r.length}\r\n`), ...r.map(encode)]);
}

/** Feed `input` the way Node's onread does, with read sizes from `sizes` (cycled). */
function feed(input: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  const framer = new RespFramer((c) => out.push(c), { readBufferBytes: READ, bigBulkBytes: BIG });
  let pos = 0;
  let i = 0;
  while (pos < input.length) {
    const target = framer.nextBuffer();
    const n = Math.min(target.length, sizes[i++ % sizes.length]!, input.length - pos);
    target.set(input.subarray(pos, pos + n));
    pos += n;
    framer.onRead(n);
    framer.nextBuffer().fill(0xee); // a later read overwrites the scratch buffer
  }
  return out;
}

function parse(chunks: Buffer[]): unknown[] {
  const replies: unknown[] = [];
  const parser = new RedisParser({
    returnBuffers: true,
    returnReply: (r: unknown) => replies.push(r),
    returnError: (e: unknown) => replies.push(e),
    returnFatalError: (e: unknown) => {
      throw e;
    },
  });
  for (const c of chunks) parser.execute(c);
  return replies;
}

describe("RespFramer", () => {
  it("regroups any reply stream under any read sizes without changing a byte", () => {
    fc.assert(
      fc.property(
        fc.array(reply, { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: READ }), { minLength: 1, maxLength: 8 }),
        (replies, sizes) => {
          const input = Buffer.concat(replies.map(encode));
          const chunks = feed(input, sizes);
          expect(Buffer.concat(chunks).equals(input)).toBe(true);
          expect(parse(chunks)).toEqual(parse([input]));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("a large bulk spanning reads arrives as one chunk and the parser's value is a view of it", () => {
    const payload = Buffer.alloc(1000, 7);
    const input = Buffer.concat([encode("OK"), encode(payload), encode(5)]);
    const chunks = feed(input, [READ]);
    const whole = chunks.find((c) => c.length === payload.length + 9);
    expect(whole?.subarray(0, 6).toString()).toBe("$1000\r");
    const replies = parse(chunks);
    expect(replies[1]).toEqual(payload);
    expect((replies[1] as Buffer).buffer).toBe(whole!.buffer);
  });

  it("a header split across reads still starts a large bulk in place", () => {
    const payload = Buffer.alloc(500, 3);
    const input = Buffer.concat([Buffer.from("+PONG\r\n"), encode(payload)]);
    // the first read ends inside "$500\r\n"
    const chunks = feed(input, [9, READ]);
    expect(chunks.some((c) => c.length === payload.length + 8 && c[0] === 0x24)).toBe(true);
    expect(Buffer.concat(chunks).equals(input)).toBe(true);
  });

  it("malformed input passes through unchanged for the parser to reject", () => {
    const input = Buffer.from("$abc\r\n$99999999999999999999999\r\n?what\r\n");
    expect(Buffer.concat(feed(input, [4, 7])).equals(input)).toBe(true);
  });
});
