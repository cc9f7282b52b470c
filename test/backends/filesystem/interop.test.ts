/**
 * FileSystemBackend against real Flask-Caching 2.0.2 / cachelib 0.9.0 FileSystemCache on the same
 * directory (python/peer/ops_fs.py): golden values both ways, expiry headers, the count file,
 * pruning over the threshold from either side, add/has/delete/clear semantics, mode and sha256.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileSystemBackend } from "#src/backends/filesystem/backend.js";
import { dumps } from "#src/codecs/pickle/encode/encoder.js";
import type { Clock } from "#src/core/clock.js";
import type { CacheDecodeError } from "#src/core/errors.js";
import { createCache } from "#src/manager/create-cache.js";
import golden from "#test/fixtures/flask-caching/fs_fc2.0.2_cachelib0.9.0.json" with { type: "json" };
import { FsPeer } from "#test/helpers/filesystem-peer.js";
import { fromTagged, type Json, toTagged } from "#test/helpers/tagged.js";

interface GoldenCase {
  name: string;
  value: Json;
  operation: string;
  key: string;
  filename: string;
  raw_hex: string;
  pickle_hex: string | null;
}
const CASES = (golden as { cases: GoldenCase[] }).cases;
// Plain `set` with timeout 0: the whole file is time-independent.
const TIMELESS = CASES.filter((c) => c.operation === "set" && c.pickle_hex !== null);
const T0 = 1_795_326_371; // a fixed "now", Unix seconds

class FixedClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
}

const hex = (bytes: Uint8Array | undefined): string | undefined =>
  bytes === undefined ? undefined : Buffer.from(bytes).toString("hex");

let peer: FsPeer;
const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "fs-interop-"));
  dirs.push(dir);
  return dir;
}
const entryNames = (dir: string): string[] => readdirSync(dir).sort();

beforeAll(() => {
  peer = new FsPeer();
});
afterAll(async () => {
  await peer.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("golden values", () => {
  it("the fixture has the cases this suite relies on", () => {
    expect(TIMELESS.length).toBeGreaterThanOrEqual(40);
  });

  it("Python writes every golden value; we read the exact file and pickle bytes", async () => {
    const dir = freshDir();
    await peer.call({ op: "open", dir });
    await peer.call({ op: "time", now: T0 });
    const ours = await FileSystemBackend.open({ dir, clock: new FixedClock(T0 * 1000) });
    const repickledDiffers: string[] = [];
    for (const c of TIMELESS) {
      await peer.call({ op: "set", key: c.key, pickle_hex: c.pickle_hex, timeout: 0 });
      // What Python writes for the value it unpickled from the golden bytes.
      const written = (await peer.call({ op: "repickle", pickle_hex: c.pickle_hex })).result as string;
      if (written !== c.pickle_hex) repickledDiffers.push(c.name);
      expect(readFileSync(join(dir, c.filename)).toString("hex"), c.name).toBe(`00000000${written}`);
      expect(hex(await ours.get(c.key)), c.name).toBe(written);
      expect(await ours.has(c.key), c.name).toBe(true);
    }
    // Only the DataFrame pickles differently after a round trip (memo layout of its dtypes).
    expect(repickledDiffers).toEqual(["dataframe"]);
  });

  it("we write every golden value; the file is byte-identical and Python reads the value", async () => {
    const dir = freshDir();
    const ours = await FileSystemBackend.open({ dir, clock: new FixedClock(T0 * 1000) });
    await peer.call({ op: "open", dir });
    await peer.call({ op: "time", now: T0 });
    for (const c of TIMELESS) {
      await ours.set(c.key, Buffer.from(c.pickle_hex!, "hex"), 0);
      expect(readFileSync(join(dir, c.filename)).toString("hex"), c.name).toBe(c.raw_hex);
      const got = await peer.call({ op: "get", key: c.key, expect_pickle_hex: c.pickle_hex });
      expect(got.found, c.name).toBe(c.pickle_hex !== "80054e2e"); // a stored None reads as a miss
      expect(got.same, c.name).toBe(true);
    }
    // Python counts files we created: the count file says how many entries there are.
    expect((await peer.call({ op: "count" })).result).toBe(TIMELESS.length);
  });

  it("through createCache: Python's golden entries decode to the golden values; ours read in Python", async () => {
    const dir = freshDir();
    await peer.call({ op: "open", dir });
    await peer.call({ op: "time", now: null });
    for (const c of TIMELESS)
      await peer.call({ op: "set", key: c.key, pickle_hex: c.pickle_hex, timeout: 0 });
    const cache = createCache({ CACHE_TYPE: "FileSystemCache", CACHE_DIR: dir });
    const values = await cache.getMany(TIMELESS.map((c) => c.key));
    for (const [i, c] of TIMELESS.entries()) {
      if (c.name === "dataframe") continue; // an Arrow Table; the pickle suites compare it
      const expected = fromTagged(c.value, { exactNumbers: false });
      if (c.name === "none") expect(values[i]).toBeNull();
      else expect(toTagged(values[i]!), c.name).toEqual(toTagged(expected));
    }
    expect(cache.errorCounts()).toEqual({});
    // Our pickler + backend: Python reads back the same objects (compared by re-pickling in Python).
    const mine = freshDir();
    const ourCache = createCache({ CACHE_TYPE: "FileSystemCache", CACHE_DIR: mine });
    await peer.call({ op: "open", dir: mine });
    for (const c of TIMELESS) {
      if (c.name === "dataframe") continue;
      expect(await ourCache.set(c.key, fromTagged(c.value), 0), c.name).toBe(true);
      const got = await peer.call({ op: "get", key: c.key, expect_pickle_hex: c.pickle_hex });
      // Tagged JSON loses object sharing (list_shared_ref), so equal values may pickle differently;
      // NaN is unequal to itself but re-pickles the same. One of the two must hold.
      expect(got.same === true || got.equal === true, c.name).toBe(true);
    }
    await cache.close();
    await ourCache.close();
  });

  it("file names agree with cachelib (md5 of the raw key, no prefix)", async () => {
    const dir = freshDir();
    const ours = await FileSystemBackend.open({ dir });
    await peer.call({ op: "open", dir });
    for (const key of ["hello", "héllo", "golden:str_ascii", "", "a/b\\c", "emoji 🎉", "__wz_cache_count"]) {
      const theirs = (await peer.call({ op: "filename", key })).result;
      expect(ours.pathForKey(key).split("/").pop(), key).toBe(theirs);
    }
  });
});

describe("expiry headers", () => {
  const V = "80059509000000000000008c0568656c6c6f942e"; // pickle of "hello"

  it("we write now+timeout; Python reads it until that second and not after", async () => {
    const dir = freshDir();
    const clock = new FixedClock(T0 * 1000 + 250);
    const ours = await FileSystemBackend.open({ dir, clock });
    await ours.set("t100", Buffer.from(V, "hex"), 100);
    await ours.set("neg", Buffer.from(V, "hex"), -5);
    const file = readFileSync(ours.pathForKey("t100"));
    expect(file.readUInt32LE(0)).toBe(T0 + 100);
    expect(readFileSync(ours.pathForKey("neg")).readUInt32LE(0)).toBe(T0 - 5);
    await peer.call({ op: "open", dir });
    await peer.call({ op: "time", now: T0 + 100 });
    expect((await peer.call({ op: "get", key: "t100" })).found).toBe(true);
    expect((await peer.call({ op: "has", key: "neg" })).result).toBe(false);
    await peer.call({ op: "time", now: T0 + 100.5 });
    expect((await peer.call({ op: "get", key: "t100" })).found).toBe(false);
    expect((await peer.call({ op: "has", key: "t100" })).result).toBe(false);
  });

  it("Python writes now+timeout; we read it with the same boundary", async () => {
    const dir = freshDir();
    await peer.call({ op: "open", dir });
    await peer.call({ op: "time", now: T0 + 0.9 });
    await peer.call({ op: "set", key: "py100", pickle_hex: V, timeout: 100 });
    await peer.call({ op: "set", key: "pydefault", pickle_hex: V });
    const clock = new FixedClock((T0 + 100) * 1000);
    const ours = await FileSystemBackend.open({ dir, clock });
    expect(readFileSync(ours.pathForKey("py100")).readUInt32LE(0)).toBe(T0 + 100);
    expect(readFileSync(ours.pathForKey("pydefault")).readUInt32LE(0)).toBe(T0 + 300);
    expect(hex(await ours.get("py100"))).toBe(V);
    clock.ms = (T0 + 100) * 1000 + 1;
    expect(await ours.get("py100")).toBeUndefined();
    expect(await ours.has("py100")).toBe(false);
    // Expired files stay on disk after reads, on both sides.
    expect(entryNames(dir)).toContain(ours.pathForKey("py100").split("/").pop());
  });

  it("an expired file blocks add on both sides (cachelib 0.9)", async () => {
    const dir = freshDir();
    const clock = new FixedClock(T0 * 1000);
    const ours = await FileSystemBackend.open({ dir, clock });
    await ours.set("old", Buffer.from(V, "hex"), -1);
    await peer.call({ op: "open", dir });
    await peer.call({ op: "time", now: T0 });
    expect((await peer.call({ op: "add", key: "old", pickle_hex: V, timeout: 0 })).result).toBe(false);
    await peer.call({ op: "set", key: "pyold", pickle_hex: V, timeout: -1 });
    expect(await ours.add("pyold", Buffer.from(V, "hex"), 0)).toBe(false);
    expect(await ours.add("fresh", Buffer.from(V, "hex"), 0)).toBe(true);
    expect((await peer.call({ op: "add", key: "fresh", pickle_hex: V })).result).toBe(false);
  });
});

describe("count file", () => {
  const V = "80054b2a2e"; // pickle of 42

  it("we keep the count file as cachelib does: name, bytes, and Python agrees", async () => {
    const dir = freshDir();
    const ours = await FileSystemBackend.open({ dir });
    expect(ours.countFileName).toBe("2029240f6d1128be89ddc32729463129");
    for (const k of ["a", "b", "c"]) await ours.set(k, Buffer.from(V, "hex"), 0);
    await ours.set("a", Buffer.from(V, "hex"), 0); // overwrite: not counted again
    expect(readFileSync(join(dir, ours.countFileName)).toString("hex")).toBe("0000000080054b032e");
    await peer.call({ op: "open", dir }); // cachelib's constructor recounts: still 3
    await peer.call({ op: "time", now: null });
    expect((await peer.call({ op: "count" })).result).toBe(3);
    await peer.call({ op: "set", key: "d", pickle_hex: V, timeout: 0 });
    expect(await ours.readCount()).toBe(4);
    await ours.delete("missing");
    await ours.delete("b");
    expect((await peer.call({ op: "count" })).result).toBe(3);
    await peer.call({ op: "delete", key: "c" });
    expect(await ours.readCount()).toBe(2);
  });

  it("threshold 0: neither side writes a count file", async () => {
    const dir = freshDir();
    const ours = await FileSystemBackend.open({ dir, threshold: 0 });
    await ours.set("x", Buffer.from(V, "hex"), 0);
    await peer.call({ op: "open", dir, threshold: 0 });
    await peer.call({ op: "set", key: "y", pickle_hex: V, timeout: 0 });
    expect(entryNames(dir)).not.toContain(ours.countFileName);
    expect(entryNames(dir)).toHaveLength(2);
  });

  it("large counts use the same pickled forms (M, J opcodes)", async () => {
    const dir = freshDir();
    await peer.call({ op: "open", dir, threshold: 100_000 });
    const ours = await FileSystemBackend.open({ dir, threshold: 100_000 });
    for (let i = 0; i < 300; i++) await ours.set(`k${i}`, Buffer.from(V, "hex"), 0);
    expect(readFileSync(join(dir, ours.countFileName)).toString("hex")).toBe(
      "0000000080059504000000000000004d2c012e",
    );
    expect((await peer.call({ op: "count" })).result).toBe(300);
  });
});

describe("pruning over the threshold", () => {
  const V = "80054e2e"; // pickle of None
  // (key, timeout) pairs written at T0 before the pruning write; mixes never/expired/future.
  const PLAN: [string, number][] = [
    ["f200", 200],
    ["zero1", 0],
    ["f100", 100],
    ["gone1", -10],
    ["zero2", 0],
    ["f50", 50],
    ["gone2", -1],
  ];

  async function pythonOnly(threshold: number): Promise<string[]> {
    const dir = freshDir();
    await peer.call({ op: "open", dir, threshold });
    await peer.call({ op: "time", now: T0 });
    for (const [key, timeout] of PLAN) await peer.call({ op: "set", key, pickle_hex: V, timeout });
    await peer.call({ op: "set", key: "last", pickle_hex: V, timeout: 30 });
    return entryNames(dir);
  }

  for (const threshold of [6, 4, 2]) {
    it(`threshold ${threshold}: Python fills, we write the next entry → same survivors as Python alone`, async () => {
      const expected = await pythonOnly(threshold);
      const dir = freshDir();
      await peer.call({ op: "open", dir, threshold });
      await peer.call({ op: "time", now: T0 });
      for (const [key, timeout] of PLAN) await peer.call({ op: "set", key, pickle_hex: V, timeout });
      const ours = await FileSystemBackend.open({ dir, threshold, clock: new FixedClock(T0 * 1000) });
      await ours.set("last", Buffer.from(V, "hex"), 30);
      expect(entryNames(dir)).toEqual(expected);
      expect((await peer.call({ op: "count" })).result).toBe(expected.length - 1);
    });

    it(`threshold ${threshold}: we fill, Python writes the next entry → same survivors`, async () => {
      const expected = await pythonOnly(threshold);
      const dir = freshDir();
      const ours = await FileSystemBackend.open({ dir, threshold, clock: new FixedClock(T0 * 1000) });
      for (const [key, timeout] of PLAN) await ours.set(key, Buffer.from(V, "hex"), timeout);
      await peer.call({ op: "open", dir, threshold });
      await peer.call({ op: "time", now: T0 });
      await peer.call({ op: "set", key: "last", pickle_hex: V, timeout: 30 });
      expect(entryNames(dir)).toEqual(expected);
    });
  }
});

describe("other operations against the same directory", () => {
  const V = "80054b072e";

  it("our clear removes Python's entries, keeps management files, and Python sees count 0", async () => {
    const dir = freshDir();
    await peer.call({ op: "open", dir });
    for (const k of ["p1", "p2", "p3"]) await peer.call({ op: "set", key: k, pickle_hex: V, timeout: 0 });
    writeFileSync(join(dir, "tmpabcdefgh.__wz_cache"), "in-flight");
    const ours = await FileSystemBackend.open({ dir });
    expect(await ours.clear("ignored-prefix")).toBe(true);
    expect(entryNames(dir)).toEqual(["2029240f6d1128be89ddc32729463129", "tmpabcdefgh.__wz_cache"]);
    expect((await peer.call({ op: "count" })).result).toBe(0);
    expect((await peer.call({ op: "get", key: "p1" })).found).toBe(false);
  });

  it("Python's inc on a value we wrote gives the default timeout; we read the new int", async () => {
    const dir = freshDir();
    const ours = await FileSystemBackend.open({ dir, clock: new FixedClock(T0 * 1000) });
    await ours.set("n", Buffer.from(V, "hex"), 0);
    await peer.call({ op: "open", dir });
    await peer.call({ op: "time", now: T0 });
    expect((await peer.call({ op: "inc", key: "n", delta: 5 })).result).toBe(12);
    expect(hex(await ours.get("n"))).toBe("80054b0c2e");
    expect(readFileSync(ours.pathForKey("n")).readUInt32LE(0)).toBe(T0 + 300);
  });

  it("CACHE_OPTIONS mode 0o644 and hash sha256 match cachelib", async () => {
    const dirPy = freshDir();
    const dirTs = freshDir();
    await peer.call({ op: "open", dir: dirPy, mode: 0o644, hash: "sha256" });
    await peer.call({ op: "set", key: "hello", pickle_hex: V, timeout: 0 });
    const ours = await FileSystemBackend.open({ dir: dirTs, mode: 0o644, hashMethod: "sha256" });
    await ours.set("hello", Buffer.from(V, "hex"), 0);
    expect(entryNames(dirTs)).toEqual(entryNames(dirPy));
    const name = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    expect(entryNames(dirTs)).toContain(name);
    expect(statSync(join(dirTs, name)).mode & 0o777).toBe(0o644);
    expect(statSync(join(dirPy, name)).mode & 0o777).toBe(0o644);
    expect(readFileSync(join(dirTs, name))).toEqual(readFileSync(join(dirPy, name)));
  });

  it("corrupt files: short and header-only files are misses on both sides, counted by our Cache", async () => {
    const dir = freshDir();
    const errors: CacheDecodeError[] = [];
    const ours = await FileSystemBackend.open({ dir, onDecodeError: (e) => errors.push(e) });
    writeFileSync(ours.pathForKey("short"), Buffer.from([1, 2]));
    writeFileSync(ours.pathForKey("headeronly"), Buffer.alloc(4));
    writeFileSync(ours.pathForKey("garbage"), Buffer.from("0000000000ff00", "hex"));
    await ours.set("good", Buffer.from(V, "hex"), 0);
    await peer.call({ op: "open", dir });
    await peer.call({ op: "time", now: null });
    for (const key of ["short", "headeronly"]) {
      expect((await peer.call({ op: "get", key })).found, key).toBe(false);
    }
    expect(await ours.get("short")).toBeUndefined();
    expect(errors.map((e) => e.code)).toEqual(["FS_SHORT_HEADER"]);
    // Through createCache: every corrupt file is a miss with a counted, typed error; the good
    // entry still reads.
    const cache = createCache({ CACHE_TYPE: "FileSystemCache", CACHE_DIR: dir });
    expect(await cache.getMany(["headeronly", "garbage", "good"])).toEqual([undefined, undefined, 7]);
    expect(await cache.get("short")).toBeUndefined();
    const counts = cache.errorCounts();
    expect(counts.FS_SHORT_HEADER).toBe(1);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(3);
    // has() only checks the header, on both sides.
    expect(await ours.has("garbage")).toBe(true);
    expect((await peer.call({ op: "has", key: "garbage" })).result).toBe(true);
    // Nothing else in the directory was lost.
    expect(entryNames(dir)).toHaveLength(5);
    await cache.close();
  });

  it("what a crash can leave after an unlink-then-rename write is a miss on both sides", async () => {
    // Without a rename over the old file ext4 does not force the new data out early, so after a
    // power loss the entry may be empty or cut short (delayed allocation); a zero-filled tail is
    // included for file systems that may expose one. Both runtimes must read each as a miss.
    const dir = freshDir();
    const ours = await FileSystemBackend.open({ dir, onDecodeError: () => undefined });
    const pickle = dumps(new Uint8Array(100_000).fill(7));
    const header = Buffer.alloc(4); // expiry 0: never expires
    writeFileSync(ours.pathForKey("empty"), Buffer.alloc(0));
    writeFileSync(ours.pathForKey("cut"), Buffer.concat([header, pickle.subarray(0, 40_000)]));
    writeFileSync(
      ours.pathForKey("cut_stop"),
      Buffer.concat([header, pickle.subarray(0, pickle.length - 1)]),
    );
    writeFileSync(ours.pathForKey("zeros"), Buffer.concat([header, Buffer.alloc(pickle.length)]));
    await ours.set("whole", pickle, 0);
    await peer.call({ op: "open", dir });
    await peer.call({ op: "time", now: null });
    const cache = createCache({ CACHE_TYPE: "FileSystemCache", CACHE_DIR: dir });
    for (const key of ["empty", "cut", "cut_stop", "zeros"]) {
      expect((await peer.call({ op: "get", key })).found, `python ${key}`).toBe(false);
      expect(await cache.get(key), `ours ${key}`).toBeUndefined();
    }
    expect((await peer.call({ op: "get", key: "whole" })).found).toBe(true);
    expect((await cache.get("whole")) as Uint8Array).toHaveLength(100_000);
    expect(Object.values(cache.errorCounts()).reduce((a, b) => a + b, 0)).toBe(4);
    await cache.close();
  });
});
