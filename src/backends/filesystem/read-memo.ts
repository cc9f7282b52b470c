/**
 * A `stat`-validated in-process copy of entry files (the default with synchronous reads): a get
 * whose file is unchanged costs one `stat` and a copy instead of open + read + close.
 *
 * Why a copy can never differ from the file's current content (docs/filesystem.md, "Read memo"):
 * a copy is kept only of a file whose ctime (and mtime) was already at least `margin` in the past
 * when it was read, through the same open descriptor that was `fstat`ed. Every later change to
 * whatever the path names — a write or truncate in place, a rename or link of another file onto
 * the path (Linux file systems set the moved inode's ctime), a new file that reuses the inode
 * number — stamps a ctime of "now" (the kernel's clock, at most one tick behind), which is then
 * later than the recorded one. So if `stat(path)` still reports the recorded device, inode, size,
 * mtime and ctime, the path names the same unchanged bytes. The argument needs a clock that does
 * not step back (checked on every use: a backward step empties the memo) and a local file system
 * whose `stat` is not served from an attribute cache: only ext2/3/4, xfs, btrfs and tmpfs qualify
 * (NFS, SMB, FUSE, overlayfs do not get a memo).
 */
import { closeSync, fstatSync, readSync, type Stats, statfsSync, statSync } from "node:fs";
import { checkEntryStats } from "./format.js";
import type { FileReader } from "./io.js";
import { openForReading, readHeaderSync } from "./sync-io.js";

/** statfs magic numbers of the local file systems a memo is trusted on. */
const LOCAL_FILE_SYSTEMS = new Set([
  0xef53, // ext2/3/4
  0x58465342, // xfs
  0x9123683e, // btrfs
  0x01021994, // tmpfs
]);
// Minimum age of a file's ctime/mtime before a copy is kept: above one kernel tick (<= 10 ms), for
// file systems with sub-second timestamps; whole-second timestamps (ext4 with 128-byte inodes)
// need more than a second.
const FINE_MARGIN_MS = 50;
const COARSE_MARGIN_MS = 2_000;
// A backward step of the wall clock against the monotonic one larger than this empties the memo
// (Date.now() is whole milliseconds, so the offset jitters by up to 1 ms; a step smaller than
// the margin minus a tick cannot break the argument).
const CLOCK_STEP_TOLERANCE_MS = 10;
/** Default memory for copies (`readMemoBytes`). */
export const DEFAULT_READ_MEMO_BYTES = 16 * 1024 * 1024;

/** `true` when `dir` is on a file system the memo's argument holds for. */
export function supportsReadMemo(dir: string): boolean {
  try {
    return LOCAL_FILE_SYSTEMS.has(statfsSync(dir).type);
  } catch {
    return false;
  }
}

interface MemoEntry {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  bytes: Buffer;
}

function sameFile(entry: MemoEntry, stats: Stats): boolean {
  return (
    stats.ino === entry.ino &&
    stats.size === entry.size &&
    stats.ctimeMs === entry.ctimeMs &&
    stats.mtimeMs === entry.mtimeMs &&
    stats.dev === entry.dev
  );
}

/** Whether a file last changed at `stats` may be kept when read at wall time `nowMs`. */
function oldEnough(stats: Stats, nowMs: number): boolean {
  // Whole-second timestamps have no sub-second part (a finer one is .000000000 once in 1e9).
  const coarse = stats.ctimeMs % 1000 === 0 && stats.mtimeMs % 1000 === 0;
  const latest = nowMs - (coarse ? COARSE_MARGIN_MS : FINE_MARGIN_MS);
  return stats.ctimeMs <= latest && stats.mtimeMs <= latest;
}

/** A fresh Buffer holding a copy of `bytes` (the caller may keep or change it). */
function copyOf(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(bytes.length);
  bytes.copy(out);
  return out;
}

/** The memo's own copy: its own memory (never a slice of Node's shared pool), so the budget is exact. */
function keptCopyOf(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(out);
  return out;
}

/** Read the whole open file of `size` bytes into a fresh buffer (fewer if it is shorter). */
function readAll(fd: number, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  while (pos < size) {
    const n = readSync(fd, out, pos, size - pos, pos);
    if (n === 0) break;
    pos += n;
  }
  return pos === size ? out : out.subarray(0, pos);
}

/** The memo of one backend: path → validated copy, at most `budgetBytes` of copies. */
export class ReadMemo {
  private readonly entries = new Map<string, MemoEntry>();
  private bytes = 0;
  private clockOffset = Date.now() - performance.now();

  constructor(private readonly budgetBytes: number) {}

  /**
   * The whole file at `path` as a Buffer the caller owns, or `undefined` when there is none.
   * Served from the memo when `stat` proves the file unchanged; else read (open, fstat, read,
   * close) and, when the file is old enough and fits the budget, remembered.
   */
  readWhole(path: string): Buffer | undefined {
    this.checkClock();
    const entry = this.entries.get(path);
    if (entry !== undefined) {
      const stats = statSync(path, { throwIfNoEntry: false });
      if (stats === undefined) {
        this.forget(path);
        return undefined;
      }
      if (sameFile(entry, stats)) return copyOf(entry.bytes);
      this.forget(path);
    }
    return this.readAndRemember(path);
  }

  /** Drop the copy of `path` (it was just written or removed by this process). */
  forget(path: string): void {
    const entry = this.entries.get(path);
    if (entry === undefined) return;
    this.entries.delete(path);
    this.bytes -= entry.bytes.length;
  }

  /** Drop every copy. */
  forgetAll(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  /** Bytes held by copies (for tests and diagnostics). */
  get heldBytes(): number {
    return this.bytes;
  }

  private readAndRemember(path: string): Buffer | undefined {
    const fd = openForReading(path);
    if (fd === undefined) return undefined;
    let stats: Stats;
    let bytes: Buffer;
    try {
      stats = fstatSync(fd);
      checkEntryStats(stats, path);
      bytes = readAll(fd, stats.size);
    } finally {
      closeSync(fd);
    }
    if (
      bytes.length === stats.size &&
      stats.isFile() &&
      bytes.length <= this.budgetBytes &&
      oldEnough(stats, Date.now())
    ) {
      this.remember(path, stats, keptCopyOf(bytes));
    }
    return bytes;
  }

  private remember(path: string, stats: Stats, bytes: Buffer): void {
    // Oldest first out (Map keeps insertion order); hits do not reorder, to stay cheap.
    for (const [oldPath, old] of this.entries) {
      if (this.bytes + bytes.length <= this.budgetBytes) break;
      this.entries.delete(oldPath);
      this.bytes -= old.bytes.length;
    }
    const { dev, ino, size, mtimeMs, ctimeMs } = stats;
    this.entries.set(path, { dev, ino, size, mtimeMs, ctimeMs, bytes });
    this.bytes += bytes.length;
  }

  /** A backward step of the wall clock voids the ctime argument: start over. */
  private checkClock(): void {
    const offset = Date.now() - performance.now();
    if (offset < this.clockOffset - CLOCK_STEP_TOLERANCE_MS) this.forgetAll();
    if (offset < this.clockOffset - CLOCK_STEP_TOLERANCE_MS || offset > this.clockOffset) {
      this.clockOffset = offset;
    }
  }
}

/** A synchronous `FileReader` whose whole-file reads go through `memo`. */
export function memoReader(memo: ReadMemo): FileReader {
  return {
    readWhole: async (path) => memo.readWhole(path),
    readHeader: async (path) => readHeaderSync(path),
    exists: async (path) => statSync(path, { throwIfNoEntry: false }) !== undefined,
    forget: (path) => memo.forget(path),
    forgetAll: () => memo.forgetAll(),
  };
}
