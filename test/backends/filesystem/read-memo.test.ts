/**
 * The file-system backend's read memo (stat-validated copies): it must never return anything but
 * the file's current bytes — after an in-place write of the same size right after a read, a
 * rename of another file onto the path, an unlink + create that may reuse the inode — while
 * serving unchanged old files from memory, within its budget, and starting over after a
 * backward step of the wall clock.
 */
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statfsSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { FileSystemBackend } from "#src/backends/filesystem/backend.js";
import { ReadMemo, supportsReadMemo } from "#src/backends/filesystem/read-memo.js";

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "fs-memo-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

// Longer than the memo's 50 ms margin for file systems with sub-second timestamps (and a coarse
// file system gets no copies in these tests, which then only check correctness).
const AGE_MS = 80;
const age = () => new Promise((resolve) => setTimeout(resolve, AGE_MS));
const fineTimestamps = (dir: string) => {
  writeFileSync(join(dir, "probe"), "x");
  // Whole-second timestamps would make every check below vacuous; /tmp is ext4 or tmpfs here.
  return supportsReadMemo(dir);
};

function bytes(size: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) out[i] = (i * 13 + seed) & 0xff;
  return out;
}

/** Overwrite `path` in place (same inode, same size): what no cache writer does, but a copy must notice. */
function writeInPlace(path: string, content: Buffer): void {
  const fd = openSync(path, "r+");
  try {
    writeSync(fd, content, 0, content.length, 0);
  } finally {
    closeSync(fd);
  }
}

describe("ReadMemo", () => {
  it("serves an unchanged old file from memory, as a copy the caller may change", async () => {
    const dir = freshDir();
    if (!fineTimestamps(dir)) return;
    const path = join(dir, "a");
    writeFileSync(path, bytes(5000, 1));
    await age();
    const memo = new ReadMemo(1 << 20);
    const first = memo.readWhole(path)!;
    expect(first.equals(bytes(5000, 1))).toBe(true);
    expect(memo.heldBytes).toBe(5000);
    first.fill(0); // the caller's buffer is not the memo's
    const second = memo.readWhole(path)!;
    expect(second.equals(bytes(5000, 1))).toBe(true);
    second.fill(1);
    expect(memo.readWhole(path)!.equals(bytes(5000, 1))).toBe(true);
  });

  it("does not keep a file changed less than the margin ago", () => {
    const dir = freshDir();
    const path = join(dir, "young");
    writeFileSync(path, bytes(100, 2));
    const memo = new ReadMemo(1 << 20);
    expect(memo.readWhole(path)!.equals(bytes(100, 2))).toBe(true);
    expect(memo.heldBytes).toBe(0);
  });

  it("an in-place write of the same size right after the read is seen", async () => {
    const dir = freshDir();
    if (!fineTimestamps(dir)) return;
    const path = join(dir, "b");
    writeFileSync(path, bytes(3000, 3));
    await age();
    const memo = new ReadMemo(1 << 20);
    memo.readWhole(path);
    expect(memo.heldBytes).toBe(3000);
    writeInPlace(path, bytes(3000, 4)); // within the same timestamp tick as the read
    expect(memo.readWhole(path)!.equals(bytes(3000, 4))).toBe(true);
  });

  it("write, read, rewrite in place within one timestamp tick: the rewrite is seen (the margin's job)", () => {
    // Without the margin, on kernels before 6.13, a copy taken right after a write is stale after a
    // same-size rewrite in the same kernel tick: same inode, size, mtime and ctime. (Kernels with
    // multigrain timestamps, 6.13+, stamp a change after a stat finely, so this passes there even
    // with no margin: checked on 6.18.)
    const dir = freshDir();
    const memo = new ReadMemo(1 << 20);
    const path = join(dir, "tick");
    for (let round = 0; round < 300; round++) {
      writeFileSync(path, bytes(256, round));
      memo.readWhole(path);
      writeInPlace(path, bytes(256, round + 1000));
      expect(memo.readWhole(path)!.equals(bytes(256, round + 1000)), `round ${round}`).toBe(true);
    }
  });

  it("a rename onto the path, and unlink + create of the same size, are seen", async () => {
    const dir = freshDir();
    if (!fineTimestamps(dir)) return;
    const path = join(dir, "c");
    writeFileSync(path, bytes(2000, 5));
    writeFileSync(join(dir, "older"), bytes(2000, 6)); // as old as the entry
    await age();
    const memo = new ReadMemo(1 << 20);
    memo.readWhole(path);
    expect(memo.heldBytes).toBe(2000);
    renameSync(join(dir, "older"), path);
    expect(memo.readWhole(path)!.equals(bytes(2000, 6))).toBe(true);
    await age();
    memo.readWhole(path);
    unlinkSync(path);
    writeFileSync(path, bytes(2000, 7)); // the freed inode number may be reused
    expect(memo.readWhole(path)!.equals(bytes(2000, 7))).toBe(true);
    unlinkSync(path);
    expect(memo.readWhole(path)).toBeUndefined();
    expect(memo.heldBytes).toBe(0);
  });

  it("random changes between reads: every read equals the file on disk", async () => {
    const dir = freshDir();
    if (!fineTimestamps(dir)) return;
    const memo = new ReadMemo(1 << 20);
    const paths = [0, 1, 2, 3].map((i) => join(dir, `r${i}`));
    for (const [i, path] of paths.entries()) writeFileSync(path, bytes(1000, i));
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    let hits = 0;
    for (let step = 0; step < 400; step++) {
      const path = paths[Math.floor(random() * paths.length)]!;
      const roll = random();
      const content = bytes(random() < 0.8 ? 1000 : 1500, step);
      if (roll < 0.15) writeInPlace(path, content.subarray(0, Math.min(content.length, 1000)));
      else if (roll < 0.25) {
        writeFileSync(`${path}.tmp`, content);
        renameSync(`${path}.tmp`, path);
      } else if (roll < 0.3) {
        unlinkSync(path);
        writeFileSync(path, content);
      } else if (roll < 0.33) await age();
      const before = memo.heldBytes;
      const got = memo.readWhole(path);
      expect(got?.equals(readFileSync(path)), `step ${step}`).toBe(true);
      if (before > 0 && memo.heldBytes === before) hits++;
    }
    expect(hits).toBeGreaterThan(0); // the memo was exercised, not only bypassed
  });

  it("keeps at most its budget, oldest out first; files larger than the budget are not kept", async () => {
    const dir = freshDir();
    if (!fineTimestamps(dir)) return;
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, `f${i}`), bytes(400, i));
    writeFileSync(join(dir, "big"), bytes(2000, 9));
    await age();
    const memo = new ReadMemo(1000);
    for (let i = 0; i < 5; i++) memo.readWhole(join(dir, `f${i}`));
    expect(memo.heldBytes).toBe(800);
    memo.readWhole(join(dir, "big"));
    expect(memo.heldBytes).toBe(800);
    for (let i = 0; i < 5; i++) expect(memo.readWhole(join(dir, `f${i}`))!.equals(bytes(400, i))).toBe(true);
  });

  it("a backward step of the wall clock empties the memo", async () => {
    const dir = freshDir();
    if (!fineTimestamps(dir)) return;
    const path = join(dir, "d");
    writeFileSync(path, bytes(100, 1));
    await age();
    const memo = new ReadMemo(1 << 20);
    memo.readWhole(path);
    expect(memo.heldBytes).toBe(100);
    const real = Date.now.bind(Date);
    vi.spyOn(Date, "now").mockImplementation(() => real() - 60_000);
    // The file now looks "from the future": it is read again and not kept.
    expect(memo.readWhole(path)!.equals(bytes(100, 1))).toBe(true);
    expect(memo.heldBytes).toBe(0);
  });

  it("is only trusted on local file systems", () => {
    const type = statfsSync(tmpdir()).type;
    const local = [0xef53, 0x58465342, 0x9123683e, 0x01021994].includes(type);
    expect(supportsReadMemo(tmpdir())).toBe(local);
    expect(supportsReadMemo(join(tmpdir(), "no-such-dir-for-memo"))).toBe(false);
  });
});

describe("backend with the read memo", () => {
  it("gets see every set and delete of this process and of others, with or without the memo", async () => {
    for (const readMemoBytes of [undefined, 0]) {
      const dir = freshDir();
      const backend = await FileSystemBackend.open({ dir, readMemoBytes });
      await backend.set("k", bytes(700, 1), 0);
      await age();
      expect(Buffer.from((await backend.get("k"))!).subarray(0)).toEqual(bytes(700, 1));
      expect(Buffer.from((await backend.get("k"))!)).toEqual(bytes(700, 1));
      await backend.set("k", bytes(700, 2), 0);
      expect(Buffer.from((await backend.get("k"))!)).toEqual(bytes(700, 2));
      await age();
      await backend.get("k");
      // Another process rewrites the entry (same size) through its own temp file.
      const other = await FileSystemBackend.open({ dir, readMemoBytes: 0 });
      await other.set("k", bytes(700, 3), 0);
      expect(Buffer.from((await backend.get("k"))!)).toEqual(bytes(700, 3));
      await other.delete("k");
      expect(await backend.get("k")).toBeUndefined();
    }
  });
});
