/**
 * The file-system backend's two I/O paths: synchronous fs calls (the default) and libuv's thread
 * pool (`syncReads: false, syncWrites: false`). Conformance on the fully async path, plus checks
 * that both paths read files of every size class whole (scratch buffer, exactly full, larger)
 * and leave nothing behind when a rename fails.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as vitest from "vitest";
import { FileSystemBackend } from "#src/backends/filesystem/backend.js";
import { runBackendConformance } from "#src/testing/index.js";

const { afterAll, describe, expect, it } = vitest;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "fs-io-modes-"));
  dirs.push(dir);
  return dir;
}

runBackendConformance(
  "filesystem (atomicReplace: rename over the old entry)",
  ({ clock }) => FileSystemBackend.open({ dir: freshDir(), clock, atomicReplace: true }),
  { vitest, deleteMissingReturns: true },
);

runBackendConformance(
  "filesystem (async reads and writes)",
  ({ clock }) => FileSystemBackend.open({ dir: freshDir(), clock, syncReads: false, syncWrites: false }),
  { vitest, deleteMissingReturns: true },
);

const MODES = [
  { name: "sync (default)", options: {} },
  { name: "async", options: { syncReads: false, syncWrites: false } },
  { name: "sync reads, async writes", options: { syncReads: true, syncWrites: false } },
  { name: "async reads, sync writes", options: { syncReads: false, syncWrites: true } },
  { name: "atomic replace (rename over the old file)", options: { atomicReplace: true } },
  { name: "atomic replace, async", options: { atomicReplace: true, syncReads: false, syncWrites: false } },
];
// Around the 16 KiB and 64 KiB/128 KiB scratch sizes of the two read paths, and well past them.
const SIZES = [
  0,
  1,
  16 * 1024 - 4,
  16 * 1024 - 3,
  16 * 1024,
  64 * 1024,
  128 * 1024 - 4,
  128 * 1024,
  300 * 1024,
];

function patterned(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

describe.each(MODES)("I/O mode $name", ({ options }) => {
  it("reads back every size exactly and writes header + value to disk", async () => {
    const backend = await FileSystemBackend.open({ dir: freshDir(), ...options });
    for (const [index, size] of SIZES.entries()) {
      const value = patterned(size, index);
      expect(await backend.set(`k${size}`, value, 0)).toBe(true);
      const onDisk = readFileSync(backend.pathForKey(`k${size}`));
      expect(onDisk.length).toBe(size + 4);
      expect(Buffer.from(onDisk.subarray(4)).equals(Buffer.from(value))).toBe(true);
    }
    for (const [index, size] of SIZES.entries()) {
      const got = await backend.get(`k${size}`);
      expect(got && Buffer.from(got).equals(Buffer.from(patterned(size, index)))).toBe(true);
    }
    // Concurrent reads of different sizes do not share a buffer.
    const all = await backend.getMany(SIZES.map((size) => `k${size}`));
    expect(all.map((v) => v?.length)).toEqual(SIZES);
    expect(await backend.readCount()).toBe(SIZES.length);
  });

  it("a failed rename leaves no temp file and the count unchanged", async () => {
    const dir = freshDir();
    const backend = await FileSystemBackend.open({ dir, ...options });
    mkdirSync(join(backend.pathForKey("blocked"), "child"), { recursive: true });
    await expect(backend.set("blocked", patterned(10, 1), 0)).rejects.toMatchObject({ code: "FS_IO_ERROR" });
    expect(readdirSync(dir).filter((n) => n.endsWith(".__wz_cache"))).toEqual([]);
    expect(await backend.readCount()).toBe(0); // made after open: not counted, and the set failed
  });

  it("an overwrite replaces the file (new inode, mode kept) and counts the key once", async () => {
    const dir = freshDir();
    const backend = await FileSystemBackend.open({ dir, mode: 0o640, ...options });
    await backend.set("k", patterned(100, 1), 0);
    const before = statSync(backend.pathForKey("k"));
    await backend.set("k", patterned(200, 2), 0);
    const after = statSync(backend.pathForKey("k"));
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o640);
    expect(after.size).toBe(204);
    expect(await backend.readCount()).toBe(1);
    expect(readdirSync(dir).filter((n) => n.endsWith(".__wz_cache"))).toEqual([]);
  });

  it("delete removes the file once and lowers the count once", async () => {
    const backend = await FileSystemBackend.open({ dir: freshDir(), ...options });
    await backend.set("a", patterned(5, 2), 0);
    expect(await backend.delete("a")).toBe(true);
    expect(await backend.delete("a")).toBe(true);
    expect(await backend.readCount()).toBe(0);
    expect(await backend.get("a")).toBeUndefined();
  });
});

describe("synchronous temp-file write with fsync and a non-default mode", () => {
  it("writes the same bytes with the requested mode and leaves no temp file", async () => {
    const dir = freshDir();
    const backend = await FileSystemBackend.open({ dir, mode: 0o640, fsync: true, syncWrites: true });
    const value = patterned(70 * 1024, 3);
    await backend.set("fsynced", value, 0);
    const path = backend.pathForKey("fsynced");
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(Buffer.from(readFileSync(path).subarray(4)).equals(Buffer.from(value))).toBe(true);
    expect(statSync(join(dir, backend.countFileName)).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).filter((n) => n.endsWith(".__wz_cache"))).toEqual([]);
  });
});
