/**
 * Options of the FileSystemCache backend (`FileSystemBackend.open`) and their defaults, which are
 * Flask-Caching's (plus the Node-only I/O switches, docs/filesystem.md).
 */
import { type Clock, systemClock } from "../../core/clock.js";
import type { CacheDecodeError, SupersetCacheError } from "../../core/errors.js";
import { DEFAULT_FILE_MODE, DEFAULT_THRESHOLD, type FileHashMethod } from "./format.js";
import { DEFAULT_READ_MEMO_BYTES } from "./read-memo.js";

/**
 * Defaults of `FileSystemBackendOptions`: Flask-Caching's for what a cache dict can set, plus the
 * Node-only I/O switches. `syncWrites` defaults to `!fsync` and `clock` to the system clock.
 */
export const FILESYSTEM_BACKEND_DEFAULTS = {
  /** Entries kept before pruning (`CACHE_THRESHOLD`). */
  threshold: DEFAULT_THRESHOLD,
  /** File mode (`CACHE_OPTIONS.mode`), 0o600. */
  mode: DEFAULT_FILE_MODE,
  hashMethod: "md5",
  fsync: false,
  syncReads: true,
  atomicReplace: false,
  /** BYTES of read memo, 16 MiB. */
  readMemoBytes: DEFAULT_READ_MEMO_BYTES,
} as const satisfies Partial<FileSystemBackendOptions>;

/** Options of `FileSystemBackend.open`; defaults in `FILESYSTEM_BACKEND_DEFAULTS` (Flask-Caching's). */
export interface FileSystemBackendOptions {
  /** Cache directory (`CACHE_DIR`); created recursively if missing. Must be dedicated to the cache. */
  dir: string;
  /** Entries kept before pruning (`CACHE_THRESHOLD`). Default 500; 0 = unlimited and no count file. */
  threshold?: number;
  /** Mode of every cache file (`CACHE_OPTIONS.mode`). Default 0o600. */
  mode?: number;
  /** File-name hash (`CACHE_OPTIONS.hash_method`). Default `"md5"`; Flask-Caching 2.5 uses `"sha256"`. */
  hashMethod?: FileHashMethod;
  /** fsync every file before it is renamed into place. Default false, as cachelib. */
  fsync?: boolean;
  /**
   * Read files with synchronous fs calls (get, has, the count file, existence checks). Each call
   * blocks the event loop for one local open/read/close (microseconds on a local disk) instead of
   * paying libuv thread-pool round trips, which cost more than the read itself. Default true;
   * set false for a directory on slow or network storage (NFS), where one read may take ms.
   */
  syncReads?: boolean;
  /**
   * Write the temp file (open + writev + close, page cache only), unlink the old entry and rename
   * with synchronous fs calls. Default true unless `fsync` is on (an fsync can block for
   * milliseconds); set false for slow or network storage. With `atomicReplace` the rename (which
   * then waits for writeback to start) always goes through the thread pool.
   */
  syncWrites?: boolean;
  /**
   * Rename the new file over the old entry (cachelib's `os.replace`): a concurrent reader never
   * sees the key missing, but on ext4 (`auto_da_alloc`) a rename that replaces a file starts
   * writeback of the new data, which dominates the cost of a set. Default false: the old entry is
   * unlinked first and the temp file renamed onto the free name, a plain metadata update; readers
   * see a miss for the microseconds in between (docs/filesystem.md, "Write strategy").
   */
  atomicReplace?: boolean;
  /**
   * Memory (bytes) for `stat`-validated copies of entry files, so a get of an unchanged file
   * costs a `stat` and a copy instead of open + read + close. Only with `syncReads`, and only on
   * ext2/3/4, xfs, btrfs or tmpfs; a copy is served only while `stat` proves the file unchanged
   * (docs/filesystem.md, "Read memo"). Default 16 MiB; 0 turns it off.
   */
  readMemoBytes?: number;
  /** Time source (milliseconds). Default the system clock. */
  clock?: Clock;
  /**
   * Receives each entry file that is read as a miss because it is shorter than the header.
   * Without it, `get`/`getMany`/`has` throw the error (a `CacheDecodeError`) and `Cache` counts it.
   */
  onDecodeError?: (error: CacheDecodeError) => void;
  /**
   * Receives what cachelib only logs and carries on from: a bad or unwritable count file, a
   * failed prune, a file `clear` could not remove. Default: `process.emitWarning`.
   */
  onWarning?: (error: SupersetCacheError) => void;
}

/**
 * What `createCache({ backendOptions: { filesystem } })` / `CacheManager` pass to FileSystem
 * caches: the callbacks a config dict cannot hold, and defaults for the Node-only switches
 * (a key in the cache dict's `CACHE_OPTIONS` wins over the same switch here).
 */
export type FileSystemFamilyOptions = Pick<
  FileSystemBackendOptions,
  "onDecodeError" | "onWarning" | "fsync" | "syncReads" | "syncWrites" | "atomicReplace" | "readMemoBytes"
>;

/** Default `onWarning`: a Node process warning, as cachelib logs `logging.warning`. */
export function emitWarning(error: SupersetCacheError): void {
  process.emitWarning(error.message, { type: "SupersetCacheWarning", code: error.code });
}

/** Every option but the callbacks, with the defaults filled in (`dir` made absolute by the caller). */
export type ResolvedFileSystemOptions = Required<
  Omit<FileSystemBackendOptions, "onDecodeError" | "onWarning">
>;

/** `options` with each default filled in; `dir` is taken as given (already resolved). */
export function withFileSystemDefaults(
  dir: string,
  options: FileSystemBackendOptions,
): ResolvedFileSystemOptions {
  const d = FILESYSTEM_BACKEND_DEFAULTS;
  const fsync = options.fsync ?? d.fsync;
  return {
    dir,
    threshold: options.threshold ?? d.threshold,
    mode: options.mode ?? d.mode,
    hashMethod: options.hashMethod ?? d.hashMethod,
    fsync,
    syncReads: options.syncReads ?? d.syncReads,
    syncWrites: options.syncWrites ?? !fsync,
    atomicReplace: options.atomicReplace ?? d.atomicReplace,
    readMemoBytes: options.readMemoBytes ?? d.readMemoBytes,
    clock: options.clock ?? systemClock,
  };
}
