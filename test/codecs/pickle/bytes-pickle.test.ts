/**
 * The encoder-free pickle of a bytes value (`bytesPickle`, and `bytesPickleParts` as
 * [head, payload, tail]) must equal `dumps(value)` and CPython's `pickle.dumps(value, 5)`, for
 * sizes around every boundary (SHORT_BINBYTES/BINBYTES at 255/256, FRAME_SIZE_TARGET at 64 KiB),
 * with the payload passed through uncopied; the serializers take it only where it is exact.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { FileSystemBackend } from "#src/backends/filesystem/backend.js";
import { PickleSerializer } from "#src/codecs/cachelib/pickle-serializer.js";
import { RedisSerializer } from "#src/codecs/cachelib/redis-serializer.js";
import {
  bytesPickle,
  bytesPickleParts,
  isPlainBytes,
  readBytesPickle,
} from "#src/codecs/pickle/bytes-pickle.js";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import { dumps, dumpsAfter } from "#src/codecs/pickle/encode/encoder.js";
import { PyBytearray } from "#src/python/values.js";
import { debianPython } from "#test/helpers/python.js";

const K64 = 64 * 1024;
const SIZES = [0, 1, 2, 254, 255, 256, 257, 1024, K64 - 12, K64 - 1, K64, K64 + 1, 100 * 1024, 3 * K64 + 7];

function patterned(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + 3) & 0xff;
  return out;
}

const joined = (chunks: Uint8Array[]) => Buffer.concat(chunks);

const MARK = Uint8Array.of(0x21);

describe("bytesPickle / bytesPickleParts", () => {
  it.each(SIZES)("%i bytes: same bytes as dumps, payload not copied", (n) => {
    const value = patterned(n);
    const chunks = bytesPickleParts(value);
    expect(chunks[1]).toBe(value);
    expect(joined(chunks).equals(Buffer.from(dumps(value)))).toBe(true);
    expect(bytesPickle(value).equals(Buffer.from(dumps(value)))).toBe(true);
    const marked = Buffer.from(dumpsAfter(MARK, value));
    expect(bytesPickle(value, MARK).equals(marked)).toBe(true);
    expect(joined(bytesPickleParts(value, MARK)).equals(marked)).toBe(true);
  });

  it("a Buffer value pickles the same as a Uint8Array", () => {
    const value = Buffer.from(patterned(300));
    expect(joined(bytesPickleParts(value)).equals(Buffer.from(dumps(value)))).toBe(true);
    expect(isPlainBytes(value)).toBe(true);
    expect(isPlainBytes(new PyBytearray(3))).toBe(false);
    expect(isPlainBytes("x")).toBe(false);
  });

  it("matches CPython pickle.dumps(bytes, 5) around the frame thresholds", () => {
    const script = [
      "import pickle, sys, hashlib",
      "for n in map(int, sys.argv[1:]):",
      "    v = bytes((i * 7 + 3) & 0xff for i in range(n))",
      "    p = pickle.dumps(v, 5)",
      "    print(n, len(p), p[:24].hex(), hashlib.sha256(p).hexdigest())",
    ].join("\n");
    const r = spawnSync(debianPython(), ["-c", script, ...SIZES.map(String)], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(SIZES.length);
    for (const [i, n] of SIZES.entries()) {
      const ours = joined(bytesPickleParts(patterned(n)));
      const [size, length, head, digest] = lines[i]!.split(" ");
      expect(Number(size)).toBe(n);
      expect(ours.length, `${n}`).toBe(Number(length));
      expect(ours.subarray(0, 24).toString("hex"), `${n}`).toBe(head);
      expect(createHash("sha256").update(ours).digest("hex"), `${n}`).toBe(digest);
    }
  });
});

describe("serializers take the bytes layout only where it is exact", () => {
  const general = (v: Uint8Array, options?: Parameters<typeof dumps>[1]) => Buffer.from(dumps(v, options));

  it.each(SIZES)("%i bytes: dumps and dumpsParts equal the general encoder", (n) => {
    const value = patterned(n);
    const pickle = new PickleSerializer();
    const redis = new RedisSerializer();
    expect(Buffer.from(pickle.dumps(value)).equals(general(value))).toBe(true);
    expect(Buffer.from(redis.dumps(value)).equals(Buffer.from(dumpsAfter(MARK, value)))).toBe(true);
    const parts = pickle.dumpsParts(value);
    const redisParts = redis.dumpsParts(value);
    expect(parts?.[1]).toBe(value);
    expect(joined([...parts!]).equals(general(value))).toBe(true);
    expect(joined([...redisParts!]).equals(Buffer.from(dumpsAfter(MARK, value)))).toBe(true);
  });

  it("other dump options, bytearrays and other values use the general encoder", () => {
    const big = patterned(70_000);
    for (const dump of [{ protocol: 4 as const }, { framing: false }]) {
      const s = new PickleSerializer({ dump });
      expect(Buffer.from(s.dumps(big)).equals(general(big, dump))).toBe(true);
      expect(s.dumpsParts(big)).toBeUndefined();
      expect(new RedisSerializer({ dump }).dumpsParts(big)).toBeUndefined();
    }
    const ba = new PyBytearray(big);
    expect(new PickleSerializer().dumpsParts(ba)).toBeUndefined();
    expect(Buffer.from(new PickleSerializer().dumps(ba)).equals(general(ba))).toBe(true);
    expect(new RedisSerializer().dumpsParts("x".repeat(70_000))).toBeUndefined();
  });
});

describe("FileSystemBackend.setParts", () => {
  const dir = mkdtempSync(join(tmpdir(), "fs-bytes-pickle-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([0, 300, K64 - 1, K64, 100 * 1024])(
    "%i bytes: the same file as set(dumps(value)), counted once",
    async (n) => {
      const backend = await FileSystemBackend.open({ dir: join(dir, String(n)) });
      const value = patterned(n);
      await backend.set("a", dumps(value), 0);
      await backend.setParts("b", bytesPickleParts(value), 0);
      const a = readFileSync(backend.pathForKey("a"));
      const b = readFileSync(backend.pathForKey("b"));
      expect(b.equals(a)).toBe(true);
      await backend.setParts("b", bytesPickleParts(value), 0); // overwrite: not counted again
      expect(await backend.readCount()).toBe(2);
    },
  );
});

describe("readBytesPickle (the read fast path) agrees with the decoder", () => {
  const decoderView = (input: Uint8Array, at: number): { value?: Uint8Array; threw: boolean } => {
    try {
      const v = loads(input.subarray(at));
      return { value: v instanceof Uint8Array ? v : undefined, threw: false };
    } catch {
      return { value: undefined, threw: true };
    }
  };

  it.each(SIZES)("%i bytes: the payload itself, a plain Uint8Array view, with or without a prefix", (n) => {
    const value = patterned(n);
    for (const [input, at] of [
      [bytesPickle(value), 0],
      [bytesPickle(value, MARK), 1],
    ] as const) {
      const got = readBytesPickle(input, at);
      expect(got).toBeDefined();
      expect(Object.getPrototypeOf(got)).toBe(Uint8Array.prototype);
      expect(got!.buffer).toBe(input.buffer);
      expect(Buffer.from(got!).equals(Buffer.from(value))).toBe(true);
    }
  });

  it("truncated, extended or altered pickles: undefined, or exactly what the decoder returns", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom("truncate", "extend", "flip"),
        (value, pos, byte, how) => {
          const good = bytesPickle(value);
          let bad: Uint8Array;
          if (how === "truncate") bad = good.subarray(0, pos % good.length);
          else if (how === "extend") bad = Buffer.concat([good, Uint8Array.of(byte)]);
          else {
            bad = Uint8Array.from(good);
            bad[pos % bad.length] = byte;
          }
          const fast = readBytesPickle(bad, 0);
          if (fast === undefined) return;
          const slow = decoderView(bad, 0);
          expect(slow.threw).toBe(false);
          expect(Buffer.from(fast).equals(Buffer.from(slow.value!))).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("huge length fields are refused without reading past the end", () => {
    const head = Buffer.from("8005" + "42ffffffff", "hex"); // BINBYTES of 4 GiB, 5 bytes given
    expect(readBytesPickle(Buffer.concat([head, Buffer.from("942e", "hex")]), 0)).toBeUndefined();
    const b8 = Buffer.from("8005" + "8effffffffffffffff" + "942e", "hex");
    expect(readBytesPickle(b8, 0)).toBeUndefined();
    const frame = Buffer.from("8005" + "95ffffffffffffff7f" + "4300942e", "hex");
    expect(readBytesPickle(frame, 0)).toBeUndefined();
  });

  it("serializers with caller limits use the decoder (which enforces them)", () => {
    const input = bytesPickle(patterned(100));
    expect(() => new PickleSerializer({ load: { limits: { maxBytesLength: 10 } } }).loads(input)).toThrow();
    expect((new PickleSerializer().loads(input) as Uint8Array).length).toBe(100);
  });
});
