/**
 * Synchronous file operations of the file-system backend (the default): reads and temp-file
 * writes block the event loop for a few local syscalls instead of sending every syscall through
 * libuv's thread pool, whose round trips cost more than the whole operation on a busy machine (see
 * docs/filesystem.md, "Performance"). Same results and errors as the async versions in
 * filesystem-io.ts; "no such file" is `undefined`/`false`, anything else is thrown unchanged.
 */
import {
  closeSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writevSync,
} from "node:fs";
import { join } from "node:path";
import { checkEntryStats, HEADER_BYTES, READ_ENTRY_FLAGS, tempFileName } from "./format.js";
import {
  commitTempFile,
  errorCode,
  type FileReader,
  type FileWriter,
  isMissing,
  removeFile,
  TEMP_CREATE_MODE,
  type TempFile,
  unwrittenChunks,
  type WriteTempOptions,
} from "./io.js";

// One scratch buffer serves every synchronous read (no two run at once on one thread). Files that
// fit (small entries) cost open + one read + close and one small copy out; larger ones add an
// fstat and the rest is read straight into a buffer of their size (at most 16 KiB is copied).
const SCRATCH_BYTES = 16 * 1024;
let scratch: Buffer | undefined;
// mkstemp gives up after this many name collisions (tempfile.TMP_MAX is 10000; collisions are rare).
const MAX_TEMP_ATTEMPTS = 100;

/**
 * A read-only descriptor for `path`, or `undefined` when it does not exist. A `stat` that does not
 * throw answers the common "no such entry" first: a failed `openSync` builds an exception, which
 * costs several times the `stat`. The file may still vanish before the open (a miss too).
 */
export function openForReading(path: string): number | undefined {
  if (statSync(path, { throwIfNoEntry: false }) === undefined) return undefined;
  try {
    return openSync(path, READ_ENTRY_FLAGS);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

function readOpenFileSync(fd: number, path: string): Buffer {
  scratch ??= Buffer.allocUnsafeSlow(SCRATCH_BYTES);
  const first = readSync(fd, scratch, 0, SCRATCH_BYTES, 0);
  // A copy: the scratch buffer is reused by the next read.
  if (first < SCRATCH_BYTES) return Buffer.from(scratch.subarray(0, first));
  // Cache files are never written in place (always renamed in), so fstat's size is final.
  const stats = fstatSync(fd);
  // A FIFO fed forever or a huge sparse file: refused before a buffer of its size exists.
  checkEntryStats(stats, path);
  const out = Buffer.allocUnsafe(Math.max(stats.size, first));
  scratch.copy(out, 0, 0, first);
  let pos = first;
  while (pos < out.length) {
    const n = readSync(fd, out, pos, out.length - pos, pos);
    if (n === 0) break;
    pos += n;
  }
  return out.subarray(0, pos);
}

/** Whole file (open, read, close), or `undefined` when it does not exist. */
export function readWholeFileSync(path: string): Buffer | undefined {
  const fd = openForReading(path);
  if (fd === undefined) return undefined;
  try {
    return readOpenFileSync(fd, path);
  } finally {
    closeSync(fd);
  }
}

/** The first 4 bytes (fewer when the file is shorter), or `undefined` when it does not exist. */
export function readHeaderSync(path: string): Uint8Array | undefined {
  const fd = openForReading(path);
  if (fd === undefined) return undefined;
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    return buffer.subarray(0, readSync(fd, buffer, 0, HEADER_BYTES, 0));
  } finally {
    closeSync(fd);
  }
}

/** Synchronous `FileReader` (promises only to fit the interface; the work is done on call). */
export const syncReader: FileReader = {
  readWhole: async (path) => readWholeFileSync(path),
  readHeader: async (path) => readHeaderSync(path),
  exists: async (path) => statSync(path, { throwIfNoEntry: false }) !== undefined,
};

function writeFullySync(fd: number, chunks: readonly Uint8Array[]): void {
  let pending = chunks.filter((c) => c.length > 0);
  while (pending.length > 0) {
    pending = unwrittenChunks(pending, writevSync(fd, pending as Uint8Array[]));
  }
}

/**
 * `writeTempFile` done synchronously: a fresh `tmpXXXXXXXX.__wz_cache` opened with
 * O_CREAT|O_EXCL and mode 0600, one writev, optional fchmod/fsync, close. On any failure the
 * temp file is removed before the error is rethrown.
 */
export function writeTempFileSync(
  dir: string,
  chunks: readonly Uint8Array[],
  options: WriteTempOptions,
): TempFile {
  for (let attempt = 0; ; attempt++) {
    const path = join(dir, tempFileName());
    let fd: number;
    try {
      fd = openSync(path, "wx", TEMP_CREATE_MODE);
    } catch (error) {
      if (errorCode(error) === "EEXIST" && attempt < MAX_TEMP_ATTEMPTS) continue;
      throw error;
    }
    try {
      writeFullySync(fd, chunks);
      if (options.chmodTo !== undefined) fchmodSync(fd, options.chmodTo);
      if (options.fsync) fsyncSync(fd);
    } catch (error) {
      closeQuietly(fd);
      removeQuietly(path); // the write error is the one to report
      throw error;
    }
    try {
      closeSync(fd);
    } catch (error) {
      removeQuietly(path); // the close error is the one to report
      throw error;
    }
    return { path };
  }
}

// Cleanup after a failure that is already being reported: a second error would only hide it.
function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // the original error is rethrown by the caller
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // the original error is rethrown by the caller
  }
}

/** `commitTempFile` done synchronously: rename `temp` to `target`; the temp file is removed on failure. */
export function commitTempFileSync(temp: TempFile, target: string): void {
  try {
    renameSync(temp.path, target);
  } catch (error) {
    removeQuietly(temp.path); // the rename error is the one to report
    throw error;
  }
}

/** `unlink` that reports whether it removed something (`false` when the file was already gone). */
export function removeFileSync(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/**
 * The default `FileWriter`: every step synchronous. Writing the temp file only touches the page
 * cache; a rename onto a name that no longer exists (the backend unlinks the old entry first, see
 * docs/filesystem.md "Write strategy") and an unlink are metadata updates of tens of
 * microseconds, less than a thread-pool round trip costs the event loop.
 */
export const syncWriter: FileWriter = {
  writeTemp: async (dir, chunks, options) => writeTempFileSync(dir, chunks, options),
  commit: async (temp, target) => commitTempFileSync(temp, target),
  remove: async (path) => removeFileSync(path),
};

/**
 * Sync temp-file writes with rename and unlink through the thread pool: for `atomicReplace`,
 * where a rename over an existing file waits for ext4 to start writeback of the new data
 * (hundreds of microseconds to milliseconds), which must not block the event loop.
 */
export const syncTempAsyncCommitWriter: FileWriter = {
  writeTemp: async (dir, chunks, options) => writeTempFileSync(dir, chunks, options),
  commit: commitTempFile,
  remove: removeFile,
};
