/**
 * Pure parts of the Memcached family: the binary-protocol response framer fed at arbitrary chunk
 * boundaries, the flagged value layout, and the value serializer's flags per Python type.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ResponseFramer, type ResponseSink } from "#src/backends/memcached/binary-protocol.js";
import {
  flaggedValue,
  flagsOf,
  MemcachedValueSerializer,
  payloadOf,
  storedValue,
} from "#src/backends/memcached/value-flags.js";

interface Got {
  opaque: number;
  status: number;
  flags: number;
  value: string;
}

/** A framer whose responses (value as hex) are collected into `got`. */
function collectingFramer(got: Got[]): ResponseFramer {
  const sink: ResponseSink = {
    onResponse: (_opcode, status, opaque, flags, value) =>
      got.push({ opaque, status, flags, value: Buffer.from(value).toString("hex") }),
  };
  return new ResponseFramer(sink);
}

function responseFrame(opaque: number, status: number, extras: Buffer, value: Buffer): Buffer {
  const header = Buffer.alloc(24);
  header[0] = 0x81;
  header[4] = extras.length;
  header.writeUInt16BE(status, 6);
  header.writeUInt32BE(extras.length + value.length, 8);
  header.writeUInt32BE(opaque, 12);
  return Buffer.concat([header, extras, value]);
}

describe("ResponseFramer", () => {
  it("yields the same responses however the stream is cut", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 20 }),
        (values, cuts) => {
          const stream = Buffer.concat(
            values.map((v, i) => responseFrame(i + 1, i % 2, Buffer.from([0, 0, 0, i]), Buffer.from(v))),
          );
          const got: Got[] = [];
          const framer = collectingFramer(got);
          let at = 0;
          for (let c = 0; at < stream.length; c++) {
            const n = cuts[c % cuts.length] as number;
            framer.push(stream.subarray(at, at + n));
            at += n;
          }
          expect(got.map((r) => r.opaque)).toEqual(values.map((_, i) => i + 1));
          expect(got.map((r) => r.status)).toEqual(values.map((_, i) => i % 2));
          expect(got.map((r) => r.value)).toEqual(values.map((v) => Buffer.from(v).toString("hex")));
          expect(got.map((r) => r.flags)).toEqual(values.map((_, i) => i));
        },
      ),
    );
  });

  it("rejects a stream that is not binary-protocol responses", () => {
    expect(() =>
      collectingFramer([]).push(Buffer.from("VALUE key 0 10\r\n0123456789\r\nEND\r\n")),
    ).toThrowError(expect.objectContaining({ code: "MEMCACHED_REPLY_ERROR" }));
  });

  it("rejects a frame whose extras and key are longer than its body, whole or cut", () => {
    const frame = responseFrame(1, 0, Buffer.alloc(4), Buffer.alloc(6));
    frame.writeUInt16BE(200, 2); // key length 200 in a 10-byte body
    expect(() => collectingFramer([]).push(frame)).toThrowError(
      expect.objectContaining({ code: "MEMCACHED_REPLY_ERROR" }),
    );
    const cut = collectingFramer([]);
    cut.push(frame.subarray(0, 10));
    cut.push(frame.subarray(10, 30));
    expect(() => cut.push(frame.subarray(30))).toThrowError(
      expect.objectContaining({ code: "MEMCACHED_REPLY_ERROR" }),
    );
  });

  it("refuses a header announcing a body longer than any memcached item, before it arrives", () => {
    const header = responseFrame(1, 0, Buffer.alloc(4), Buffer.alloc(0));
    header.writeUInt32BE(0xffff_fff0, 8);
    expect(() => collectingFramer([]).push(header)).toThrowError(
      expect.objectContaining({ code: "MEMCACHED_REPLY_ERROR" }),
    );
    const cut = collectingFramer([]);
    cut.push(header.subarray(0, 12));
    expect(() => cut.push(header.subarray(12))).toThrowError(
      expect.objectContaining({ code: "MEMCACHED_REPLY_ERROR" }),
    );
  });

  it("delivers a frame cut across reads as its own bytes, unchanged when the reads are reused", () => {
    const values: Uint8Array[] = [];
    const framer = new ResponseFramer({
      onResponse: (_opcode, _status, _opaque, _flags, value) => values.push(value),
    });
    const frame = responseFrame(7, 0, Buffer.alloc(4), Buffer.from("abcdefgh"));
    const first = Buffer.from(frame.subarray(0, 30));
    const second = Buffer.from(frame.subarray(30));
    framer.push(first);
    framer.push(second);
    first.fill(0);
    second.fill(0);
    expect(values.map((v) => Buffer.from(v).toString())).toEqual(["abcdefgh"]);
  });
});

describe("flagged values", () => {
  it("round-trip flags and payload; flag-0 bytes come back bare unless they look flagged", () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.uint8Array({ maxLength: 64 }), (flags, payload) => {
        const stored = storedValue(flags, payload);
        expect(flagsOf(stored)).toBe(flags);
        expect(payloadOf(stored)).toEqual(payload);
        if (flags === 0 && payload.length > 0 && payload[0] !== 0) expect(stored).toBe(payload);
        expect(storedValue(flagsOf(flaggedValue(flags, payload)), payload)).toEqual(stored);
      }),
    );
  });
});

describe("MemcachedValueSerializer", () => {
  const cases: [string, unknown, number, number][] = [
    ["str", "x", 16, 16],
    ["int", 7, 4, 2],
    ["big int", 2n ** 64n, 4, 2],
    ["bool", true, 2, 1],
    ["float", 0.5, 1, 1],
    ["bytes", new Uint8Array([1]), 0, 0],
    ["bytes as a Buffer", Buffer.from([1]), 0, 0],
  ];
  it.each(cases)("%s: pylibmc flag, python-memcached flag", (_, value, pylibmc, memcache) => {
    expect(flagsOf(new MemcachedValueSerializer().dumps(value as never))).toBe(pylibmc);
    expect(flagsOf(new MemcachedValueSerializer({ flavour: "python-memcached" }).dumps(value as never))).toBe(
      memcache,
    );
  });

  it("pickles with each client's protocol: pylibmc 5, python-memcached 0 (CPython's bytes)", () => {
    const pylibmc = new MemcachedValueSerializer();
    const memcache = new MemcachedValueSerializer({ flavour: "python-memcached" });
    const text = (b: Uint8Array) => Buffer.from(payloadOf(b)).toString("latin1");
    // pickle.dumps([1.5, None, True], 0) on CPython 3.11
    expect(text(memcache.dumps([1.5, null, true]))).toBe("(lp0\nF1.5\naNaI01\na.");
    expect(text(memcache.dumps(false))).toBe("I00\n.");
    expect(payloadOf(pylibmc.dumps([1.5]))[1]).toBe(5);
    for (const s of [pylibmc, memcache]) {
      expect(s.loads(pylibmc.dumps([1.5, null]))).toEqual([1.5, null]);
      expect(s.loads(memcache.dumps([1.5, null]))).toEqual([1.5, null]);
    }
  });

  it("refuses an int flag on bytes that are not an ASCII int", () => {
    expect(() => new MemcachedValueSerializer().loads(flaggedValue(4, Buffer.from("1.5")))).toThrowError(
      expect.objectContaining({ code: "MEMCACHED_VALUE_UNREADABLE" }),
    );
  });
});
