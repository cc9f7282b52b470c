/**
 * File operations of the file-system backend: whole-file reads, header-only reads and the
 * atomic write (temp file in the same directory, write, optional fsync, chmod, rename), all
 * async. Errors other than "no such file" reach the caller unchanged.
 */
import { open, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { HEADER_BYTES, tempFileName } from "./filesystem-format.js";

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

/** True for "the file is not there" (ENOENT), which every operation treats as a normal miss. */
export function isMissing(error: unknown): boolean {
  return errorCode(error) === "ENOENT";
}

/** Whole file, or `undefined` when it does not exist. One open, one read, one close. */
export async function readWholeFile(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** The first 4 bytes (fewer when the file is shorter), or `undefined` when it does not exist. */
export async function readHeaderBytes(path: string): Promise<Uint8Array | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEADER_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** `unlink` that reports whether it removed something (`false` when the file was already gone). */
export async function removeFile(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
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
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path, "wx", TEMP_CREATE_MODE);
    } catch (error) {
      if (errorCode(error) === "EEXIST" && attempt < MAX_TEMP_ATTEMPTS) continue;
      throw error;
    }
    try {
      await handle.writev(chunks as Uint8Array[]);
      if (options.chmodTo !== undefined) await handle.chmod(options.chmodTo);
      if (options.fsync) await handle.sync();
      await handle.close();
    } catch (error) {
      await handle.close().catch(() => undefined); // the write error is the one to report
      await removeFile(path).catch(() => undefined);
      throw error;
    }
    return { path };
  }
}

/** Atomically move a written temp file over `target`; removes the temp file if the rename fails. */
export async function commitTempFile(temp: TempFile, target: string): Promise<void> {
  try {
    await rename(temp.path, target);
  } catch (error) {
    await removeFile(temp.path).catch(() => undefined); // the rename error is the one to report
    throw error;
  }
}

/** Remove a written temp file that will not be committed. */
export async function discardTempFile(temp: TempFile): Promise<void> {
  await removeFile(temp.path);
}
