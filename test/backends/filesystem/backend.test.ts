/**
 * FileSystemBackend unit tests on real temp directories with an injected clock: format helpers,
 * count-file codec (expected bytes printed by CPython 3.11 `pickle.dumps(n, 5)`), expiry rules,
 * cachelib semantics (add/delete/has/clear), corrupt files, atomicity, startup errors, config.
 */
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { FileSystemBackend } from "#src/backends/filesystem/backend.js";
import { fileSystemOptionsFromConfig } from "#src/backends/filesystem/config.js";
import { decodeCount, encodeCount } from "#src/backends/filesystem/count.js";
import {
  expiryFor,
  fileNameForKey,
  isManagementName,
  MAX_EXPIRY,
  tempFileName,
} from "#src/backends/filesystem/format.js";
import { knownCacheTypes, resolveBackendKind } from "#src/backends/registry.js";
import type { ResolvedCacheConfig } from "#src/config/config-types.js";
import { resolveFlaskCacheConfig } from "#src/config/flask-config.js";
import type { Clock } from "#src/core/clock.js";
import { CacheDecodeError, CacheEncodeError, type SupersetCacheError } from "#src/core/errors.js";
import { CacheManager } from "#src/manager/cache-manager.js";
import { createCache } from "#src/manager/create-cache.js";

const T0 = 1_795_326_371;
const VALUE = Buffer.from("80059509000000000000008c0568656c6c6f942e", "hex"); // pickle of "hello"
const COUNT_FILE = "2029240f6d1128be89ddc32729463129";

class FixedClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
}

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "fs-unit-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function openAt(seconds = T0, extra: Partial<Parameters<typeof FileSystemBackend.open>[0]> = {}) {
  const clock = new FixedClock(seconds * 1000);
  const dir = freshDir();
  const backend = await FileSystemBackend.open({ dir, clock, ...extra });
  return { backend, clock, dir };
}

describe("format helpers", () => {
  it("file names are the hex digest of the UTF-8 key (values from the spec, run in Python)", () => {
    expect(fileNameForKey("hello", "md5")).toBe("5d41402abc4b2a76b9719d911017c592");
    expect(fileNameForKey("héllo", "md5")).toBe("be50e8478cf24ff3595bc7307fb91b50");
    expect(fileNameForKey("__wz_cache_count", "md5")).toBe(COUNT_FILE);
    expect(fileNameForKey("hello", "sha256")).toBe(
      "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
    );
  });

  it("a key with a lone surrogate is refused (Python cannot encode it either)", () => {
    expect(() => fileNameForKey("a\uD800b", "md5")).toThrow(
      expect.objectContaining({ code: "FS_KEY_NOT_UTF8" }),
    );
    expect(fileNameForKey("🎉", "md5")).toMatch(/^[0-9a-f]{32}$/);
  });

  it("management names: the count file and *.__wz_cache only", () => {
    expect(isManagementName(COUNT_FILE, COUNT_FILE)).toBe(true);
    expect(isManagementName("tmpab_cd123.__wz_cache", COUNT_FILE)).toBe(true);
    expect(isManagementName("5d41402abc4b2a76b9719d911017c592", COUNT_FILE)).toBe(false);
    expect(isManagementName("notes.txt", COUNT_FILE)).toBe(false);
  });

  it("temp names look like mkstemp's", () => {
    for (let i = 0; i < 50; i++) expect(tempFileName()).toMatch(/^tmp[a-z0-9_]{8}\.__wz_cache$/);
  });

  it("expiry: 0 stays 0, others are int(now) + int(timeout), range-checked", () => {
    expect(expiryFor(0, T0)).toBe(0);
    expect(expiryFor(100, T0)).toBe(T0 + 100);
    expect(expiryFor(1.9, T0)).toBe(T0 + 1);
    expect(expiryFor(-5, T0)).toBe(T0 - 5);
    expect(expiryFor(MAX_EXPIRY - T0, T0)).toBe(MAX_EXPIRY);
    expect(() => expiryFor(MAX_EXPIRY - T0 + 1, T0)).toThrow(
      expect.objectContaining({ code: "FS_EXPIRY_OUT_OF_RANGE" }),
    );
    expect(() => expiryFor(-T0 - 1, T0)).toThrow(expect.objectContaining({ code: "FS_EXPIRY_OUT_OF_RANGE" }));
  });
});

describe("count file codec", () => {
  // `pickle.dumps(n, 5).hex()` printed by CPython 3.11.2.
  const PYTHON: [number, string][] = [
    [0, "80054b002e"],
    [3, "80054b032e"],
    [255, "80054bff2e"],
    [256, "80059504000000000000004d00012e"],
    [65535, "80059504000000000000004dffff2e"],
    [65536, "80059506000000000000004a000001002e"],
    [2147483647, "80059506000000000000004affffff7f2e"],
    [2147483648, "80059508000000000000008a0500000080002e"],
    [-1, "80059506000000000000004affffffff2e"],
    [-300, "80059506000000000000004ad4feffff2e"],
    [1099511627776, "80059509000000000000008a060000000000012e"],
  ];

  it("encodes ints exactly as CPython", () => {
    for (const [n, hex] of PYTHON) expect(Buffer.from(encodeCount(n)).toString("hex"), String(n)).toBe(hex);
  });

  it("decodes CPython's bytes", () => {
    for (const [n, hex] of PYTHON) expect(decodeCount(Buffer.from(hex, "hex")), hex).toBe(n);
  });

  it("round-trips every safe integer (property)", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(decodeCount(encodeCount(n))).toBe(n);
      }),
      { numRuns: 2000 },
    );
  });

  it("rejects anything that is not a pickled int, in bounded time", () => {
    for (const hex of ["", "8005", "80058c0161942e", "80054b03", "80054b032e00", "80058aff2e"]) {
      expect(() => decodeCount(Buffer.from(hex, "hex")), hex).toThrow(
        expect.objectContaining({ code: "FS_BAD_COUNT_FILE" }),
      );
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const n = decodeCount(bytes);
          return Number.isInteger(n);
        } catch (e) {
          return e instanceof CacheDecodeError && e.code === "FS_BAD_COUNT_FILE";
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("refuses to encode a count that is not a safe integer", () => {
    for (const n of [2 ** 60, 0.5, Number.NaN]) {
      expect(() => encodeCount(n), String(n)).toThrow(CacheEncodeError);
      expect(() => encodeCount(n), String(n)).toThrow(
        expect.objectContaining({ code: "FS_COUNT_OUT_OF_RANGE" }),
      );
    }
  });
});

describe("reads, writes and expiry", () => {
  it("writes header + value, reads the value back; count file is pickled 1", async () => {
    const { backend, dir } = await openAt();
    expect(await backend.set("hello", VALUE, 0)).toBe(true);
    expect(readFileSync(join(dir, "5d41402abc4b2a76b9719d911017c592")).toString("hex")).toBe(
      `00000000${VALUE.toString("hex")}`,
    );
    expect(Buffer.from((await backend.get("hello"))!)).toEqual(VALUE);
    expect(readFileSync(join(dir, COUNT_FILE)).toString("hex")).toBe("0000000080054b012e");
    expect(statSync(join(dir, "5d41402abc4b2a76b9719d911017c592")).mode & 0o777).toBe(0o600);
  });

  it("expiry boundary: readable while expiry >= now (fractional seconds count)", async () => {
    const { backend, clock } = await openAt();
    await backend.set("k", VALUE, 10);
    clock.ms = (T0 + 10) * 1000;
    expect(await backend.get("k")).toBeDefined();
    expect(await backend.has("k")).toBe(true);
    clock.ms += 1;
    expect(await backend.get("k")).toBeUndefined();
    expect(await backend.has("k")).toBe(false);
  });

  it("expired files stay on disk after get/has, and block add (cachelib 0.9)", async () => {
    const { backend, dir } = await openAt();
    await backend.set("old", VALUE, -1);
    expect(await backend.get("old")).toBeUndefined();
    expect(await backend.has("old")).toBe(false);
    expect(readdirSync(dir)).toContain(fileNameForKey("old", "md5"));
    expect(await backend.add("old", VALUE, 0)).toBe(false);
    expect(await backend.add("new", VALUE, 0)).toBe(true);
    expect(await backend.add("new", VALUE, 0)).toBe(false);
  });

  it("an expiry beyond 2106 is refused before any file is created", async () => {
    const { backend, dir } = await openAt();
    const before = readdirSync(dir).sort();
    await expect(backend.set("far", VALUE, MAX_EXPIRY)).rejects.toMatchObject({
      code: "FS_EXPIRY_OUT_OF_RANGE",
    });
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it("delete: true for missing files, count only drops on real removal", async () => {
    const { backend } = await openAt();
    await backend.set("a", VALUE, 0);
    await backend.set("b", VALUE, 0);
    expect(await backend.delete("nope")).toBe(true);
    expect(await backend.readCount()).toBe(2);
    expect(await backend.deleteMany(["a", "nope"])).toEqual([true, true]);
    expect(await backend.readCount()).toBe(1);
  });

  it("values of every size around the 128 KiB first-read boundary come back whole", async () => {
    const { backend } = await openAt();
    for (const size of [0, 1, 131_068, 131_069, 131_072, 131_073, 300_001]) {
      const value = Uint8Array.from({ length: size }, (_, i) => (i * 31 + size) & 0xff);
      await backend.set(`s${size}`, value, 0);
      expect(Buffer.from((await backend.get(`s${size}`))!).equals(Buffer.from(value)), String(size)).toBe(
        true,
      );
    }
  });

  it("getMany/setMany keep the caller's order", async () => {
    const { backend } = await openAt();
    const v = (n: number) => Uint8Array.from([0x80, 0x05, 0x4b, n, 0x2e]);
    expect(
      await backend.setMany([
        { key: "x", value: v(1), timeout: 0 },
        { key: "y", value: v(2), timeout: 0 },
      ]),
    ).toEqual([true, true]);
    const got = await backend.getMany(["y", "missing", "x"]);
    expect(got.map((b) => (b ? b[3] : undefined))).toEqual([2, undefined, 1]);
  });

  it("concurrent sets from one process keep the count exact", async () => {
    const { backend } = await openAt();
    await Promise.all(Array.from({ length: 60 }, (_, i) => backend.set(`k${i}`, VALUE, 0)));
    await Promise.all(Array.from({ length: 20 }, (_, i) => backend.set(`k${i}`, VALUE, 0))); // overwrites
    expect(await backend.readCount()).toBe(60);
    await Promise.all(Array.from({ length: 10 }, (_, i) => backend.delete(`k${i}`)));
    expect(await backend.readCount()).toBe(50);
  });

  it("concurrent new-key sets over a small threshold neither over-prune nor lose the count", async () => {
    const { backend, dir } = await openAt(T0, { threshold: 10 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => backend.set(`c${i}`, VALUE, 100 + i)));
    const entries = readdirSync(dir).filter((n) => n !== COUNT_FILE);
    expect(entries.length).toBeGreaterThanOrEqual(10);
    expect(await backend.readCount()).toBe(entries.length);
    await backend.set("one-more", VALUE, 0); // sequential now: back to threshold + 1
    expect(readdirSync(dir).filter((n) => n !== COUNT_FILE)).toHaveLength(11);
  });

  it("threshold 0 keeps no count file", async () => {
    const { backend, dir } = await openAt(T0, { threshold: 0 });
    for (let i = 0; i < 5; i++) await backend.set(`k${i}`, VALUE, 0);
    expect(readdirSync(dir)).not.toContain(COUNT_FILE);
    expect(readdirSync(dir)).toHaveLength(5);
  });

  it("open() recounts the directory, foreign files included (cachelib's constructor)", async () => {
    const dir = freshDir();
    writeFileSync(join(dir, "foreign.txt"), "x");
    writeFileSync(join(dir, "tmp12345678.__wz_cache"), "in flight");
    const backend = await FileSystemBackend.open({ dir });
    expect(await backend.readCount()).toBe(1);
  });

  it("the mode option is applied to every file, fsync option writes the same bytes", async () => {
    const { backend, dir } = await openAt(T0, { mode: 0o640, fsync: true });
    await backend.set("m", VALUE, 0);
    expect(statSync(join(dir, fileNameForKey("m", "md5"))).mode & 0o777).toBe(0o640);
    expect(statSync(join(dir, COUNT_FILE)).mode & 0o777).toBe(0o640);
    expect(Buffer.from((await backend.get("m"))!)).toEqual(VALUE);
  });
});

describe("pruning", () => {
  it("removes expired entries first, then by ascending header (expiry 0 first)", async () => {
    const { backend, clock } = await openAt(T0, { threshold: 3 });
    await backend.set("never", VALUE, 0);
    await backend.set("soon", VALUE, 10);
    await backend.set("later", VALUE, 1000);
    await backend.set("expiring", VALUE, 5); // count 3 → 4, no prune yet (3 is not > 3)
    clock.ms = (T0 + 6) * 1000;
    await backend.set("n1", VALUE, 0); // count 4 > 3: "expiring" goes (expired), still 3 → write n1
    expect(await backend.has("never")).toBe(true);
    expect(await backend.readCount()).toBe(4);
    await backend.set("n2", VALUE, 0); // 4 > 3, nothing expired: oldest header first = "never"/"n1" (0)
    expect(await backend.readCount()).toBe(4);
    const live = [];
    for (const k of ["never", "soon", "later", "expiring", "n1", "n2"])
      if (await backend.has(k)) live.push(k);
    expect(live).toHaveLength(4);
    expect(live).toEqual(expect.arrayContaining(["soon", "later", "n2"]));
  });

  it("management and unreadable files are never pruned", async () => {
    const { backend, dir } = await openAt(T0, { threshold: 1 });
    writeFileSync(join(dir, "tmpzzzzzzzz.__wz_cache"), "x");
    writeFileSync(join(dir, "ab"), "x"); // 1 byte: header unreadable, skipped
    await backend.set("a", VALUE, 0);
    await backend.set("b", VALUE, 0);
    await backend.set("c", VALUE, 0);
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(["tmpzzzzzzzz.__wz_cache", "ab", COUNT_FILE]));
  });
});

describe("corrupt and foreign files", () => {
  it("files shorter than the header are misses reported with a typed code; nothing else is lost", async () => {
    const errors: CacheDecodeError[] = [];
    const { backend, dir } = await openAt(T0, { onDecodeError: (e) => errors.push(e) });
    await backend.set("good", VALUE, 0);
    writeFileSync(backend.pathForKey("short"), Buffer.from([7]));
    writeFileSync(backend.pathForKey("empty"), Buffer.alloc(0));
    writeFileSync(backend.pathForKey("header"), Buffer.alloc(4));
    const got = await backend.getMany(["short", "empty", "header", "good"]);
    expect(got.slice(0, 2)).toEqual([undefined, undefined]);
    // Header only: empty value bytes go up; the serializer reports them (see the interop test).
    expect(got[2]).toHaveLength(0);
    expect(got[3]).toBeDefined();
    expect(errors.map((e) => e.code)).toEqual(["FS_SHORT_HEADER", "FS_SHORT_HEADER"]);
    expect(await backend.has("short")).toBe(false);
    expect(readdirSync(dir)).toHaveLength(5);
  });

  it("without a hook, get throws the typed decode error (Cache counts it as a miss)", async () => {
    const { backend } = await openAt();
    writeFileSync(backend.pathForKey("short"), Buffer.from([7, 7]));
    await expect(backend.get("short")).rejects.toMatchObject({ code: "FS_SHORT_HEADER" });
  });

  it("a corrupt count file reads as 0 (warned) and is rewritten by the next count update", async () => {
    const warnings: SupersetCacheError[] = [];
    const { backend, dir } = await openAt(T0, { onWarning: (e) => warnings.push(e) });
    writeFileSync(join(dir, COUNT_FILE), Buffer.from("000000008005", "hex"));
    expect(await backend.readCount()).toBe(0);
    expect(warnings[0]?.code).toBe("FS_BAD_COUNT_FILE");
    await backend.set("x", VALUE, 0);
    expect(await backend.readCount()).toBe(1);
  });

  it("an unwritable count file never fails a set (warned, as cachelib logs it)", async () => {
    const warnings: SupersetCacheError[] = [];
    const { backend, dir } = await openAt(T0, { onWarning: (e) => warnings.push(e) });
    rmSync(join(dir, COUNT_FILE));
    mkdirSync(join(dir, COUNT_FILE)); // a directory where the count file goes: read EISDIR, rename fails
    mkdirSync(join(dir, COUNT_FILE, "x"));
    expect(await backend.set("k", VALUE, 0)).toBe(true);
    expect(Buffer.from((await backend.get("k"))!)).toEqual(VALUE);
    expect(warnings.map((w) => w.code)).toContain("FS_COUNT_FILE_IO");
  });

  it("without onWarning, problems become Node process warnings (never silent)", async () => {
    const { backend, dir } = await openAt();
    writeFileSync(join(dir, COUNT_FILE), Buffer.from("00", "hex"));
    const seen: Error[] = [];
    const listener = (w: Error) => seen.push(w);
    process.on("warning", listener);
    await backend.readCount();
    await new Promise((r) => setImmediate(r));
    process.off("warning", listener);
    expect(seen.map((w) => (w as Error & { code?: string }).code)).toContain("FS_SHORT_HEADER");
  });

  it("random garbage files never crash get/has/set/clear (property)", async () => {
    const { backend } = await openAt(T0, { onDecodeError: () => undefined });
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 40 }), async (bytes) => {
        writeFileSync(backend.pathForKey("junk"), bytes);
        const got = await backend.get("junk");
        const ok = got === undefined || got.length === bytes.length - 4;
        await backend.has("junk");
        return ok;
      }),
      { numRuns: 200 },
    );
    expect(await backend.clear("")).toBe(true);
  });

  it("a failed rename leaves no temp file and keeps the old state", async () => {
    const { backend, dir } = await openAt();
    mkdirSync(backend.pathForKey("blocked")); // a directory where the file should go
    mkdirSync(join(backend.pathForKey("blocked"), "child"));
    await expect(backend.set("blocked", VALUE, 0)).rejects.toMatchObject({ code: "FS_IO_ERROR" });
    expect(readdirSync(dir).filter((n) => n.endsWith(".__wz_cache"))).toEqual([]);
  });
});

describe("clear", () => {
  it("removes entries and foreign files, keeps management files, resets the count", async () => {
    const { backend, dir } = await openAt();
    await backend.set("a", VALUE, 0);
    writeFileSync(join(dir, "foreign"), "x");
    writeFileSync(join(dir, "tmpqqqqqqqq.__wz_cache"), "x");
    expect(await backend.clear("anything")).toBe(true);
    expect(readdirSync(dir).sort()).toEqual([COUNT_FILE, "tmpqqqqqqqq.__wz_cache"]);
    expect(await backend.readCount()).toBe(0);
  });
});

describe("startup", () => {
  it("creates a missing directory (recursively)", async () => {
    const dir = join(freshDir(), "a", "b", "c");
    const backend = await FileSystemBackend.open({ dir });
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(readdirSync(dir)).toEqual([backend.countFileName]);
  });

  it("a directory that cannot be created fails at open with FS_DIR_UNUSABLE", async () => {
    const parent = freshDir();
    writeFileSync(join(parent, "file"), "not a directory");
    await expect(FileSystemBackend.open({ dir: join(parent, "file", "cache") })).rejects.toMatchObject({
      code: "FS_DIR_UNUSABLE",
      backend: "filesystem",
    });
  });

  // Root writes into a read-only directory anyway, so there the test has nothing to check.
  it.skipIf(process.getuid?.() === 0)("a read-only directory fails at open", async () => {
    const dir = freshDir();
    chmodSync(dir, 0o500);
    await expect(FileSystemBackend.open({ dir })).rejects.toMatchObject({ code: "FS_DIR_UNUSABLE" });
    chmodSync(dir, 0o700);
  });
});

describe("config", () => {
  const resolve = (config: Record<string, unknown>): ResolvedCacheConfig =>
    resolveFlaskCacheConfig({ CACHE_TYPE: "FileSystemCache", ...config }, "DATA_CACHE_CONFIG");

  it("maps CACHE_DIR, CACHE_THRESHOLD and CACHE_OPTIONS like the Python factory", () => {
    expect(fileSystemOptionsFromConfig(resolve({ CACHE_DIR: "/x" }), "P")).toEqual({
      dir: "/x",
      threshold: 500,
    });
    expect(
      fileSystemOptionsFromConfig(
        resolve({
          CACHE_DIR: "/x",
          CACHE_THRESHOLD: 0,
          CACHE_OPTIONS: { mode: "0o644", hash_method: "hashlib.sha256" },
        }),
        "P",
      ),
    ).toEqual({ dir: "/x", threshold: 0, mode: 0o644, hashMethod: "sha256" });
    expect(
      fileSystemOptionsFromConfig(
        resolve({ CACHE_DIR: "/x", CACHE_OPTIONS: { atomic_replace: true, sync_writes: false } }),
        "P",
      ),
    ).toEqual({ dir: "/x", threshold: 500, atomicReplace: true, syncWrites: false });
    expect(
      fileSystemOptionsFromConfig(resolve({ CACHE_DIR: "/x", CACHE_OPTIONS: { read_memo_bytes: 0 } }), "P")
        .readMemoBytes,
    ).toBe(0);
    for (const bad of [-1, 1.5, "16M"]) {
      expect(() =>
        fileSystemOptionsFromConfig(
          resolve({ CACHE_DIR: "/x", CACHE_OPTIONS: { read_memo_bytes: bad } }),
          "P",
        ),
      ).toThrow(
        expect.objectContaining({ code: "CONFIG_INVALID_VALUE", path: "P.CACHE_OPTIONS.read_memo_bytes" }),
      );
    }
    expect(
      fileSystemOptionsFromConfig(resolve({ CACHE_DIR: "/x", CACHE_FILE_HASH_METHOD: "sha256" }), "P")
        .hashMethod,
    ).toBe("sha256");
  });

  it("refuses what the Python constructor refuses, with the config path", () => {
    expect(() => fileSystemOptionsFromConfig(resolve({}), "DATA_CACHE_CONFIG")).toThrow(
      expect.objectContaining({ code: "CONFIG_MISSING_VALUE", path: "DATA_CACHE_CONFIG.CACHE_DIR" }),
    );
    expect(() =>
      fileSystemOptionsFromConfig(resolve({ CACHE_DIR: "/x", CACHE_OPTIONS: { bogus: 1 } }), "P"),
    ).toThrow(expect.objectContaining({ code: "CONFIG_UNKNOWN_KEY", path: "P.CACHE_OPTIONS.bogus" }));
    expect(() =>
      fileSystemOptionsFromConfig(resolve({ CACHE_DIR: "/x", CACHE_OPTIONS: { mode: 644.5 } }), "P"),
    ).toThrow(expect.objectContaining({ code: "CONFIG_INVALID_VALUE" }));
    expect(() =>
      fileSystemOptionsFromConfig(resolve({ CACHE_DIR: "/x", CACHE_OPTIONS: { hash_method: "crc32" } }), "P"),
    ).toThrow(expect.objectContaining({ code: "CONFIG_INVALID_VALUE" }));
    expect(() =>
      fileSystemOptionsFromConfig(
        resolve({ CACHE_DIR: "/x", CACHE_OPTIONS: { atomic_replace: "yes" } }),
        "P",
      ),
    ).toThrow(
      expect.objectContaining({ code: "CONFIG_INVALID_VALUE", path: "P.CACHE_OPTIONS.atomic_replace" }),
    );
  });

  it("every CACHE_TYPE spelling of FileSystemCache builds a working cache", async () => {
    const spellings = knownCacheTypes().filter((t) => resolveBackendKind(t, "P") === "filesystem");
    expect(spellings).toEqual(
      expect.arrayContaining([
        "FileSystemCache",
        "filesystem",
        "flask_caching.backends.FileSystemCache",
        "flask_caching.backends.filesystemcache.FileSystemCache",
      ]),
    );
    for (const type of spellings) {
      const cache = createCache({ CACHE_TYPE: type, CACHE_DIR: freshDir() });
      expect(await cache.set("k", [1, "two"], 0), type).toBe(true);
      expect(await cache.get("k"), type).toEqual([1, "two"]);
      expect((await cache.backend()).kind).toBe("filesystem");
      await cache.close();
    }
  });

  it("backendOptions.filesystem reach the backend (createCache and CacheManager); CACHE_OPTIONS win", async () => {
    const decodeErrors: string[] = [];
    const dir = freshDir();
    const cache = createCache(
      { CACHE_TYPE: "FileSystemCache", CACHE_DIR: dir },
      {
        backendOptions: {
          filesystem: { atomicReplace: true, onDecodeError: (e) => decodeErrors.push(e.code) },
          redis: { allowFlushDb: true }, // another family's entry is ignored
        },
      },
    );
    const backend = (await cache.backend()) as FileSystemBackend;
    expect(backend.atomicReplace).toBe(true);
    writeFileSync(backend.pathForKey("short"), Buffer.from([1]));
    expect(await cache.get("short")).toBeUndefined();
    expect(decodeErrors).toEqual(["FS_SHORT_HEADER"]); // reported to the hook, not thrown and counted
    expect(cache.errorCounts()).toEqual({});
    await cache.close();

    const overridden = createCache(
      { CACHE_TYPE: "FileSystemCache", CACHE_DIR: freshDir(), CACHE_OPTIONS: { atomic_replace: false } },
      { backendOptions: { filesystem: { atomicReplace: true } } },
    );
    expect(((await overridden.backend()) as FileSystemBackend).atomicReplace).toBe(false);
    await overridden.close();

    const manager = new CacheManager(
      {
        DATA_CACHE_CONFIG: { CACHE_TYPE: "FileSystemCache", CACHE_DIR: freshDir() },
        CACHE_CONFIG: { CACHE_TYPE: "FileSystemCache", CACHE_DIR: freshDir() },
        FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
        EXPLORE_FORM_DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      },
      {
        backendOptions: { filesystem: { readMemoBytes: 0 } },
        backends: { DATA_CACHE_CONFIG: { filesystem: { atomicReplace: true } } },
      },
    );
    try {
      expect(((await manager.dataCache.backend()) as FileSystemBackend).atomicReplace).toBe(true);
      expect(((await manager.cache.backend()) as FileSystemBackend).atomicReplace).toBe(false);
      expect(await manager.dataCache.set("k", "v", 0)).toBe(true);
      expect(await manager.dataCache.get("k")).toBe("v");
    } finally {
      await manager.close();
    }
  });

  it("an unusable CACHE_DIR fails at whenReady(), not on the first request", async () => {
    const parent = freshDir();
    writeFileSync(join(parent, "file"), "x");
    const cache = createCache({ CACHE_TYPE: "FileSystemCache", CACHE_DIR: join(parent, "file", "sub") });
    await expect(cache.whenReady()).rejects.toMatchObject({ code: "FS_DIR_UNUSABLE" });
  });

  it("CacheManager.ready() surfaces an unusable DATA_CACHE_CONFIG directory at startup", async () => {
    const parent = freshDir();
    writeFileSync(join(parent, "file"), "x");
    const manager = new CacheManager({
      DATA_CACHE_CONFIG: { CACHE_TYPE: "FileSystemCache", CACHE_DIR: join(parent, "file", "data") },
      // The two required caches default to the metastore, which needs a database; not under test.
      FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      EXPLORE_FORM_DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
    });
    await expect(manager.ready()).rejects.toMatchObject({ code: "FS_DIR_UNUSABLE" });
    await manager.close();
  });

  it("fromFlaskConfig builds a working backend and fails early on a bad directory", async () => {
    const dir = freshDir();
    const ctx = { clock: new FixedClock(T0 * 1000), path: "CACHE_CONFIG", settings: {} };
    const backend = await FileSystemBackend.fromFlaskConfig(resolve({ CACHE_DIR: dir }), ctx);
    expect(backend.kind).toBe("filesystem");
    await backend.set("k", VALUE, 0);
    expect(await backend.has("k")).toBe(true);
    writeFileSync(join(dir, "plainfile"), "x");
    await expect(
      FileSystemBackend.fromFlaskConfig(resolve({ CACHE_DIR: join(dir, "plainfile") }), ctx),
    ).rejects.toMatchObject({
      code: "FS_DIR_UNUSABLE",
    });
  });
});
