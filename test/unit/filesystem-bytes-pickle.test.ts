/**
 * `bytesPickleChunks`: [head, payload, tail] of a bytes value must concatenate to exactly
 * `dumps(value)` and to CPython's `pickle.dumps(value, 5)`, for sizes around every boundary
 * (SHORT_BINBYTES/BINBYTES at 255/256, FRAME_SIZE_TARGET at 64 KiB), with the payload passed
 * through uncopied.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileSystemBackend } from "../../src/backends/filesystem.js";
import { bytesPickleChunks, isPlainBytes } from "../../src/backends/filesystem-bytes-pickle.js";
import { dumps } from "../../src/codecs/pickle/encoder.js";
import { PyBytearray } from "../../src/codecs/pickle/values.js";
import { debianPython } from "../helpers/python.js";

const K64 = 64 * 1024;
const SIZES = [0, 1, 2, 254, 255, 256, 257, 1024, K64 - 12, K64 - 1, K64, K64 + 1, 100 * 1024, 3 * K64 + 7];

function patterned(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + 3) & 0xff;
  return out;
}

const joined = (chunks: Uint8Array[]) => Buffer.concat(chunks);

describe("bytesPickleChunks", () => {
  it.each(SIZES)("%i bytes: same bytes as dumps, payload not copied", (n) => {
    const value = patterned(n);
    const chunks = bytesPickleChunks(value);
    expect(chunks[1]).toBe(value);
    expect(joined(chunks).equals(Buffer.from(dumps(value)))).toBe(true);
  });

  it("a Buffer value pickles the same as a Uint8Array", () => {
    const value = Buffer.from(patterned(300));
    expect(joined(bytesPickleChunks(value)).equals(Buffer.from(dumps(value)))).toBe(true);
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
      const ours = joined(bytesPickleChunks(patterned(n)));
      const [size, length, head, digest] = lines[i]!.split(" ");
      expect(Number(size)).toBe(n);
      expect(ours.length, `${n}`).toBe(Number(length));
      expect(ours.subarray(0, 24).toString("hex"), `${n}`).toBe(head);
      expect(createHash("sha256").update(ours).digest("hex"), `${n}`).toBe(digest);
    }
  });
});

describe("FileSystemBackend.setPickledBytes", () => {
  const dir = mkdtempSync(join(tmpdir(), "fs-bytes-pickle-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([0, 300, K64 - 1, K64, 100 * 1024])(
    "%i bytes: the same file as set(dumps(value)), counted once",
    async (n) => {
      const backend = await FileSystemBackend.open({ dir: join(dir, String(n)) });
      const value = patterned(n);
      await backend.set("a", dumps(value), 0);
      await backend.setPickledBytes("b", value, 0);
      const a = readFileSync(backend.pathForKey("a"));
      const b = readFileSync(backend.pathForKey("b"));
      expect(b.equals(a)).toBe(true);
      await backend.setPickledBytes("b", value, 0); // overwrite: not counted again
      expect(await backend.readCount()).toBe(2);
    },
  );
});
