/**
 * Something other than an entry at an entry path: a FIFO (nobody writing) must not block the
 * process, and a huge sparse file must not be read into memory. Both read as a typed
 * `FS_NOT_AN_ENTRY` (a miss under fail-open), with every read mode (async, sync, read memo).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileSystemBackend } from "#src/backends/filesystem/backend.js";
import { MAX_ENTRY_BYTES } from "#src/backends/filesystem/format.js";
import type { CacheDecodeError } from "#src/core/errors.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), "fs-hostile-"));
  dirs.push(d);
  return d;
}

const MODES = [
  ["async reads", { syncReads: false, readMemoBytes: 0 }],
  ["sync reads", { syncReads: true, readMemoBytes: 0 }],
  ["read memo", { syncReads: true, readMemoBytes: 1024 * 1024 }],
] as const;

describe("a FIFO or a huge sparse file at an entry path", () => {
  for (const [mode, options] of MODES) {
    it(`${mode}: a FIFO is not opened blocking and reads as FS_NOT_AN_ENTRY`, async () => {
      const seen: CacheDecodeError[] = [];
      const b = await FileSystemBackend.open({
        dir: freshDir(),
        ...options,
        onDecodeError: (e) => seen.push(e),
      });
      try {
        const path = b.pathForKey("fifo");
        execFileSync("mkfifo", [path]);
        const started = Date.now();
        expect(await b.get("fifo")).toBeUndefined();
        // has() reads only the header; a FIFO cannot be read at an offset: a typed error or false, never a hang.
        await b.has("fifo").catch((e: { code?: string }) => expect(e.code).toBe("FS_IO_ERROR"));
        expect(Date.now() - started).toBeLessThan(5000);
        expect(seen.map((e) => e.code)).toContain("FS_NOT_AN_ENTRY");
      } finally {
        await b.close();
      }
    });

    it(`${mode}: a sparse file over the entry cap is refused before any buffer of its size`, async () => {
      const seen: CacheDecodeError[] = [];
      const b = await FileSystemBackend.open({
        dir: freshDir(),
        ...options,
        onDecodeError: (e) => seen.push(e),
      });
      try {
        const path = b.pathForKey("sparse");
        // A valid header and a few bytes, then a hole up to 1 GiB + 1: no disk space used.
        writeFileSync(path, Buffer.alloc(200 * 1024, 1));
        truncateSync(path, 2 * MAX_ENTRY_BYTES + 1);
        const before = process.memoryUsage().arrayBuffers;
        expect(await b.get("sparse")).toBeUndefined();
        expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
        expect(seen.map((e) => e.code)).toEqual(["FS_NOT_AN_ENTRY"]);
      } finally {
        await b.close();
      }
    });
  }
});
