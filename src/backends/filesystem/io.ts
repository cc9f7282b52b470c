/**
 * Async file operations of the file-system backend (the `sync_io: false` path and the fsync
 * path): whole-file reads, header-only reads and the atomic write (temp file in the same
 * directory, write, optional fsync, chmod, rename). Errors other than "no such file" reach the
 * caller unchanged. The synchronous twins are in filesystem-sync-io.ts.
 */
import {
  close,
  fchmod,
  constants as fsConstants,
  fstat,
  fsync,
  open,
  read,
  rename,
  stat,
  unlink,
  writev,
} from "node:fs";
import { access, mkdir, stat as statPromise } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { CacheBackendError } from "../../core/errors.js";
import { checkEntryStats, HEADER_BYTES, READ_ENTRY_FLAGS, tempFileName } from "./format.js";

// Callback fs wrapped once: measurably cheaper per call than fs/promises' FileHandle API, which
// matters on the get path (one read per call).
const openAsync = promisify(open);
const readAsync = promisify(read);
const closeAsync = promisify(close);
const writevAsync = promisify(writev);
const fchmodAsync = promisify(fchmod);
const fsyncAsync = promisify(fsync);
const renameAsync = promisify(rename);
const unlinkAsync = promisify(unlink);
const statAsync = promisify(stat);

/** Mode temp files are created with, as `mkstemp` does (the umask may narrow it). */
export const TEMP_CREATE_MODE = 0o600;
// mkstemp gives up after this many name collisions (tempfile.TMP_MAX is 10000; collisions are rare).
const MAX_TEMP_ATTEMPTS = 100;

/** Node's error code of a failed fs call, or `undefined`. */
export function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error
    ? String((error as { code: unknown }).code)
    : undefined;
}

/** An unexpected fs failure as a `CacheBackendError` `FS_IO_ERROR` naming the operation and file. */
export function ioError(operation: string, file: string, error: unknown): CacheBackendError {
  const code = errorCode(error) ?? "UNKNOWN";
  return new CacheBackendError("FS_IO_ERROR", "filesystem", `${operation} ${file} failed (${code})`, {
    cause: error,
  });
}

/** True for "the file is not there" (ENOENT), which every operation treats as a normal miss. */
export function isMissing(error: unknown): boolean {
  return errorCode(error) === "ENOENT";
}

// Whole-file reads start with one read into a reusable scratch buffer: most cache files fit, which
// saves fs.readFile's fstat round trip. Buffers return to a small pool (at most
// SCRATCH_POOL_LIMIT x SCRATCH_BYTES = 1 MiB, only as many as reads ever ran at once).
const SCRATCH_BYTES = 128 * 1024;
const SCRATCH_POOL_LIMIT = 8;
const scratchPool: Buffer[] = [];
const fstatAsync = promisify(fstat);

/** Receives a failed `close` of a file whose bytes were already returned. */
export type CloseErrorHandler = (error: unknown, path: string) => void;

/**
 * Whole file, or `undefined` when it does not exist: open, read (one read for files up to
 * 128 KiB), then close off the critical path — a failed close goes to `onCloseError`.
 */
export async function readWholeFile(
  path: string,
  onCloseError: CloseErrorHandler,
): Promise<Buffer | undefined> {
  let fd: number;
  try {
    fd = await openAsync(path, READ_ENTRY_FLAGS);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  const scratch = scratchPool.pop() ?? Buffer.allocUnsafeSlow(SCRATCH_BYTES);
  let bytes: Buffer;
  try {
    bytes = await readOpenFile(fd, scratch, path);
  } catch (error) {
    await closeAsync(fd).catch(() => undefined); // the read error is the one to report
    throw error;
  } finally {
    if (scratchPool.length < SCRATCH_POOL_LIMIT) scratchPool.push(scratch);
  }
  closeAsync(fd).catch((error: unknown) => onCloseError(error, path));
  return bytes;
}

async function readOpenFile(fd: number, scratch: Buffer, path: string): Promise<Buffer> {
  const first = (await readAsync(fd, scratch, 0, scratch.length, 0)).bytesRead;
  // A copy: the scratch buffer is reused by the next read.
  if (first < scratch.length) return Buffer.from(scratch.subarray(0, first));
  const stats = await fstatAsync(fd);
  // A FIFO fed forever or a huge sparse file: refused before a buffer of its size exists.
  checkEntryStats(stats, path);
  const out = Buffer.allocUnsafe(Math.max(stats.size, first));
  scratch.copy(out, 0, 0, first);
  let pos = first;
  // Cache files are never written in place (always renamed in), so fstat's size is final.
  while (pos < out.length) {
    const n = (await readAsync(fd, out, pos, out.length - pos, pos)).bytesRead;
    if (n === 0) break;
    pos += n;
  }
  return out.subarray(0, pos);
}

/** The first 4 bytes (fewer when the file is shorter), or `undefined` when it does not exist. */
export async function readHeaderBytes(path: string): Promise<Uint8Array | undefined> {
  let fd: number;
  try {
    fd = await openAsync(path, READ_ENTRY_FLAGS);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await readAsync(fd, buffer, 0, HEADER_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await closeAsync(fd);
  }
}

/** `unlink` that reports whether it removed something (`false` when the file was already gone). */
export async function removeFile(path: string): Promise<boolean> {
  try {
    await unlinkAsync(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/** The read side of the backend: whole files, headers, existence. `undefined` = no such file. */
export interface FileReader {
  readWhole(path: string): Promise<Buffer | undefined>;
  readHeader(path: string): Promise<Uint8Array | undefined>;
  exists(path: string): Promise<boolean>;
  /** Drop anything remembered about `path` (this process just replaced or removed it). */
  forget?(path: string): void;
  /** Drop everything remembered. */
  forgetAll?(): void;
}

/** Reads through libuv's thread pool (the default): never blocks the event loop. */
export function asyncReader(onCloseError: CloseErrorHandler): FileReader {
  return {
    readWhole: (path) => readWholeFile(path, onCloseError),
    readHeader: readHeaderBytes,
    async exists(path) {
      try {
        await statAsync(path);
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },
  };
}

/** writev until every byte is written (a regular file may still take a write in parts). */
async function writeFully(fd: number, chunks: readonly Uint8Array[]): Promise<void> {
  let pending = chunks.filter((c) => c.length > 0);
  while (pending.length > 0) {
    pending = unwrittenChunks(pending, (await writevAsync(fd, pending as Uint8Array[])).bytesWritten);
  }
}

/** What is left of `chunks` after a writev that wrote `written` bytes (shared by the sync writer). */
export function unwrittenChunks(chunks: readonly Uint8Array[], written: number): Uint8Array[] {
  const rest: Uint8Array[] = [];
  for (const chunk of chunks) {
    if (written >= chunk.length) written -= chunk.length;
    else {
      rest.push(written > 0 ? chunk.subarray(written) : chunk);
      written = 0;
    }
  }
  return rest;
}

export interface TempFile {
  /** Absolute path of the temp file, already written and closed. */
  path: string;
}

export interface WriteTempOptions {
  /** Mode to set on the file before it becomes visible, or `undefined` to keep the creation mode. */
  chmodTo: number | undefined;
  /** Flush data to the device before closing (slower; cachelib does not). */
  fsync: boolean;
}

/**
 * Write `chunks` into a fresh `tmpXXXXXXXX.__wz_cache` in `dir` (created exclusively, mode 0600).
 * On any failure the temp file is removed before the error is rethrown, so nothing half-written stays.
 */
export async function writeTempFile(
  dir: string,
  chunks: readonly Uint8Array[],
  options: WriteTempOptions,
): Promise<TempFile> {
  for (let attempt = 0; ; attempt++) {
    const path = join(dir, tempFileName());
    let fd: number;
    try {
      fd = await openAsync(path, "wx", TEMP_CREATE_MODE);
    } catch (error) {
      if (errorCode(error) === "EEXIST" && attempt < MAX_TEMP_ATTEMPTS) continue;
      throw error;
    }
    try {
      await writeFully(fd, chunks);
      if (options.chmodTo !== undefined) await fchmodAsync(fd, options.chmodTo);
      if (options.fsync) await fsyncAsync(fd);
    } catch (error) {
      await closeAsync(fd).catch(() => undefined); // the write error is the one to report
      await removeFile(path).catch(() => undefined);
      throw error;
    }
    try {
      await closeAsync(fd);
    } catch (error) {
      await removeFile(path).catch(() => undefined); // the close error is the one to report
      throw error;
    }
    return { path };
  }
}

/** Atomically move a written temp file over `target`; removes the temp file if the rename fails. */
export async function commitTempFile(temp: TempFile, target: string): Promise<void> {
  try {
    await renameAsync(temp.path, target);
  } catch (error) {
    await removeFile(temp.path).catch(() => undefined); // the rename error is the one to report
    throw error;
  }
}

/** Remove a written temp file that will not be committed. */
export async function discardTempFile(temp: TempFile): Promise<void> {
  await removeFile(temp.path);
}

/**
 * mkdir -p, check access, then write and remove a temp file to prove `dir` is usable. Returns the
 * mode new temp files actually get, or -1 when the umask narrowed 0o600 (then every write chmods).
 * @throws the fs error of the first step that failed
 */
export async function probeDirectory(dir: string): Promise<number> {
  await mkdir(dir, { recursive: true });
  await access(dir, fsConstants.W_OK | fsConstants.X_OK);
  const temp = await writeTempFile(dir, [], { chmodTo: undefined, fsync: false });
  const created = (await statPromise(temp.path)).mode & 0o777;
  await discardTempFile(temp);
  return created === TEMP_CREATE_MODE ? created : -1;
}

/** The write side of the backend: temp file, rename into place, removal. */
export interface FileWriter {
  /** Write `chunks` into a fresh temp file in `dir`; nothing stays behind on failure. */
  writeTemp(dir: string, chunks: readonly Uint8Array[], options: WriteTempOptions): Promise<TempFile>;
  /** Rename `temp` over `target`; the temp file is removed if that fails. */
  commit(temp: TempFile, target: string): Promise<void>;
  /** `true` when a file was removed, `false` when there was none. */
  remove(path: string): Promise<boolean>;
}

/** Writes through libuv's thread pool: never blocks the event loop (`sync_writes: false`). */
export const asyncWriter: FileWriter = {
  writeTemp: writeTempFile,
  commit: commitTempFile,
  remove: removeFile,
};
