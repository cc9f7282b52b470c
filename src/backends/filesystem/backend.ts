/**
 * FileSystemCache backend: one file per key in a dedicated directory, byte-compatible with
 * cachelib's `FileSystemCache` (0.9–0.15) as used by Flask-Caching 2.x, so a Node process and
 * a Superset process can share the directory (cachelib/file.py).
 *
 * File = 4-byte little-endian absolute expiry (Unix SECONDS, 0 = never) + the serializer's bytes
 * (a protocol-5 pickle). Name = hex digest of the UTF-8 key, no prefix. Writes go to a temp file
 * in the same directory, the old entry is unlinked and the temp file renamed in (or, with
 * `atomicReplace`, renamed over it), so readers see the old file, the new one or a miss — never
 * a half-written file.
 */
import { join, resolve } from "node:path";
import type { ResolvedCacheConfig } from "../../config/config-types.js";
import { type Clock, unixSeconds } from "../../core/clock.js";
import { CacheBackendError, type CacheDecodeError, type SupersetCacheError } from "../../core/errors.js";
import type { BackendEntry, CacheBackend } from "../backend.js";
import type { BackendContext } from "../backend-module.js";
import { fileSystemOptionsFromConfig } from "./config.js";
import { EntryCounter } from "./counter.js";
import { EntryPaths } from "./entry-paths.js";
import {
  COUNT_KEY,
  encodeHeader,
  expiryFor,
  type FileHashMethod,
  FileSystemEntryError,
  FileSystemHeaderError,
  fileNameForKey,
  HEADER_BYTES,
  isLive,
  readExpiry,
} from "./format.js";
import {
  asyncReader,
  asyncWriter,
  errorCode,
  type FileReader,
  type FileWriter,
  ioError,
  probeDirectory,
} from "./io.js";
import {
  emitWarning,
  type FileSystemBackendOptions,
  type FileSystemFamilyOptions,
  type ResolvedFileSystemOptions,
  withFileSystemDefaults,
} from "./options.js";
import { listEntryFiles, ThresholdPruner } from "./prune.js";
import { memoReader, ReadMemo, supportsReadMemo } from "./read-memo.js";
import { syncReader, syncTempAsyncCommitWriter, syncWriter } from "./sync-io.js";

export type { FileSystemBackendOptions, FileSystemFamilyOptions } from "./options.js";

const BACKEND = "filesystem";

/** The FileSystemCache backend. Build it with `FileSystemBackend.open` (checks the directory). */
export class FileSystemBackend implements CacheBackend {
  readonly kind = BACKEND;
  readonly dir: string;
  readonly threshold: number;
  readonly mode: number;
  readonly hashMethod: FileHashMethod;
  /** Name of the count file (md5 `2029240f6d1128be89ddc32729463129`). */
  readonly countFileName: string;
  private readonly fsync: boolean;
  /** Write strategy: `true` = rename over the old entry; `false` = unlink it, then rename in. */
  readonly atomicReplace: boolean;
  private readonly reader: FileReader;
  private readonly writer: FileWriter;
  private readonly clock: Clock;
  private readonly onDecodeError: ((error: CacheDecodeError) => void) | undefined;
  private readonly warn: (error: SupersetCacheError) => void;
  /** `undefined` when files are created with `mode` already, so no chmod is needed. */
  private readonly chmodTo: number | undefined;
  private readonly counter: EntryCounter;
  private readonly paths: EntryPaths;
  private readonly pruner: ThresholdPruner;

  private constructor(
    options: ResolvedFileSystemOptions,
    hooks: Pick<FileSystemBackendOptions, "onDecodeError" | "onWarning">,
    createdMode: number,
  ) {
    this.dir = options.dir;
    this.threshold = options.threshold;
    this.mode = options.mode;
    this.hashMethod = options.hashMethod;
    this.fsync = options.fsync;
    this.atomicReplace = options.atomicReplace;
    if (!options.syncReads) {
      this.reader = asyncReader((error, path) => this.warn(ioError("close (after reading)", path, error)));
    } else if (options.readMemoBytes > 0 && supportsReadMemo(this.dir)) {
      this.reader = memoReader(new ReadMemo(options.readMemoBytes));
    } else {
      this.reader = syncReader;
    }
    // Renames over an existing file (atomicReplace entries, the count file) wait for writeback to
    // start: with sync writes they still go through the thread pool.
    const replacingWriter = options.syncWrites ? syncTempAsyncCommitWriter : asyncWriter;
    this.writer = options.atomicReplace ? replacingWriter : options.syncWrites ? syncWriter : asyncWriter;
    this.clock = options.clock;
    this.countFileName = fileNameForKey(COUNT_KEY, this.hashMethod);
    this.paths = new EntryPaths(this.dir, this.hashMethod);
    this.onDecodeError = hooks.onDecodeError;
    this.warn = hooks.onWarning ?? emitWarning;
    this.chmodTo = createdMode === this.mode ? undefined : this.mode;
    this.counter = new EntryCounter({
      dir: this.dir,
      fileName: this.countFileName,
      threshold: this.threshold,
      reader: this.reader,
      writer: replacingWriter,
      writeOptions: this.writeOptions(),
      clock: this.clock,
      warn: this.warn,
    });
    this.pruner = new ThresholdPruner({
      dir: this.dir,
      countFileName: this.countFileName,
      threshold: this.threshold,
      counter: this.counter,
      clock: this.clock,
      warn: this.warn,
    });
  }

  private writeOptions() {
    return { chmodTo: this.chmodTo, fsync: this.fsync };
  }

  /**
   * Create the directory if missing, prove it writable (a temp file is written and removed), and
   * rewrite the count file with the number of entry files, as cachelib's constructor does.
   * @throws CacheBackendError `FS_DIR_UNUSABLE` when the directory cannot be created or written.
   */
  static async open(options: FileSystemBackendOptions): Promise<FileSystemBackend> {
    const dir = resolve(options.dir);
    const resolved = withFileSystemDefaults(dir, options);
    let createdMode: number;
    try {
      createdMode = await probeDirectory(dir);
    } catch (error) {
      throw new CacheBackendError(
        "FS_DIR_UNUSABLE",
        BACKEND,
        `cache directory ${dir} cannot be created or written (${errorCode(error) ?? String(error)})`,
        { cause: error },
      );
    }
    const backend = new FileSystemBackend(resolved, options, createdMode);
    if (backend.threshold !== 0) {
      try {
        await backend.counter.write((await listEntryFiles(dir, backend.countFileName)).length);
      } catch (error) {
        throw new CacheBackendError("FS_DIR_UNUSABLE", BACKEND, `cannot count the entries in ${dir}`, {
          cause: error,
        });
      }
    }
    return backend;
  }

  /**
   * Registry adapter: `open` with the options of a resolved FileSystemCache dict (`CACHE_DIR`,
   * `CACHE_THRESHOLD`, `CACHE_OPTIONS`) laid over `backendOptions.filesystem`, so a bad directory
   * fails here and not on the first request.
   * @throws CacheConfigError for bad settings; CacheBackendError `FS_DIR_UNUSABLE` for a directory
   *   that cannot be created or written.
   */
  static async fromFlaskConfig(
    config: ResolvedCacheConfig,
    context: BackendContext<FileSystemFamilyOptions>,
  ): Promise<FileSystemBackend> {
    const fromConfig = fileSystemOptionsFromConfig(config, context.path);
    return FileSystemBackend.open({ ...context.options, ...fromConfig, clock: context.clock });
  }

  /** Path of the file holding `key`. Throws `FileSystemKeyError` for a key with no UTF-8 form. */
  pathForKey(key: string): string {
    return this.paths.pathFor(key);
  }

  private report(error: CacheDecodeError): undefined {
    if (this.onDecodeError) {
      this.onDecodeError(error);
      return undefined;
    }
    throw error;
  }

  /**
   * The value bytes (pickle) after the header, or `undefined` when missing or expired. Expired
   * files are left in place (cachelib does not delete on read).
   * @throws CacheBackendError `FS_IO_ERROR` for fs failures other than a missing file.
   */
  async get(key: string): Promise<Uint8Array | undefined> {
    const path = this.pathForKey(key);
    let bytes: Buffer | undefined;
    try {
      bytes = await this.reader.readWhole(path);
    } catch (error) {
      // A FIFO (reads at an offset fail with ESPIPE) or an oversized file: a decode error (a miss).
      if (error instanceof FileSystemEntryError) return this.report(error);
      if (errorCode(error) === "ESPIPE")
        return this.report(new FileSystemEntryError(path, "not a regular file"));
      throw ioError("read", path, error);
    }
    if (bytes === undefined) return undefined;
    const expiry = readExpiry(bytes);
    if (expiry === undefined) return this.report(new FileSystemHeaderError(path, bytes.length));
    if (!isLive(expiry, this.clock.now())) return undefined;
    // A header-only file yields empty bytes: the serializer then fails with its own typed error
    // (pickle: unexpected end), as cachelib's pickle.load raises EOFError → miss.
    // A plain Uint8Array view (no copy): the contract's type, not Node's Buffer subclass.
    return new Uint8Array(bytes.buffer, bytes.byteOffset + HEADER_BYTES, bytes.length - HEADER_BYTES);
  }

  /** `get` for each key, read concurrently, in the caller's order. */
  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    return Promise.all(keys.map((key) => this.get(key)));
  }

  /**
   * Store `value` for `timeout` SECONDS (0 = never; negative = written already expired, as
   * cachelib). Prunes first when over the threshold; bumps the count when the file is new.
   * @throws FileSystemExpiryRangeError (`FS_EXPIRY_OUT_OF_RANGE`) before touching the directory
   *   when the absolute expiry does not fit 32 bits; CacheBackendError `FS_IO_ERROR` on fs failure
   *   (the temp file is removed; the old entry stays, unless it was already unlinked).
   */
  async set(key: string, value: Uint8Array, timeout: number): Promise<boolean> {
    return this.store(key, [value], timeout);
  }

  /**
   * `set` of a value given as parts, concatenated in order: the file gets header + parts in one
   * `writev`, no copy. @param timeout SECONDS, as `set`. @throws as `set`
   */
  async setParts(key: string, parts: readonly Uint8Array[], timeout: number): Promise<boolean> {
    return this.store(key, parts, timeout);
  }

  private async store(key: string, chunks: readonly Uint8Array[], timeout: number): Promise<boolean> {
    const path = this.pathForKey(key);
    const expiry = expiryFor(timeout, unixSeconds(this.clock));
    // The temp file is written while the count (and, for atomicReplace, the target) is checked;
    // it only becomes visible (rename) after pruning, which keeps cachelib's order of effects.
    const [written, existedBefore, pruned] = await Promise.allSettled([
      this.writer.writeTemp(this.dir, [encodeHeader(expiry), ...chunks], this.writeOptions()),
      this.atomicReplace ? this.fileExists(path) : false,
      this.pruner.pruneIfOverThreshold(),
    ]);
    if (written.status === "rejected") throw ioError("write temp file for", path, written.reason);
    const temp = written.value;
    if (existedBefore.status === "rejected" || pruned.status === "rejected") {
      await this.writer.remove(temp.path).catch(() => undefined); // the check's error is the one to report
      throw existedBefore.status === "rejected"
        ? existedBefore.reason
        : (pruned as PromiseRejectedResult).reason;
    }
    let existed: boolean;
    if (this.atomicReplace) {
      // cachelib checks for the target after pruning, which may have removed it.
      existed = pruned.value > 0 ? await this.fileExists(path) : existedBefore.value;
      try {
        await this.writer.commit(temp, path);
      } catch (error) {
        throw ioError("rename temp file onto", path, error);
      }
    } else {
      existed = await this.unlinkForCommit(temp.path, path);
      try {
        await this.writer.commit(temp, path);
      } catch (error) {
        if (existed) await this.counter.adjust(-1); // the old entry is gone all the same
        throw ioError("rename temp file to", path, error);
      }
    }
    this.reader.forget?.(path);
    if (!existed) await this.counter.adjust(1);
    return true;
  }

  /**
   * Unlink the old entry so the temp file is renamed onto a free name; the unlink also answers
   * cachelib's "did the file exist" (checked after pruning, as here). Removes the temp file when
   * the unlink fails.
   */
  private async unlinkForCommit(tempPath: string, path: string): Promise<boolean> {
    try {
      return await this.writer.remove(path);
    } catch (error) {
      await this.writer.remove(tempPath).catch(() => undefined); // the unlink error is the one to report
      throw ioError("remove old file", path, error);
    }
  }

  /** `set` for each entry, one after the other (as cachelib loops), `true` per entry stored. */
  async setMany(entries: readonly BackendEntry[]): Promise<boolean[]> {
    const results: boolean[] = [];
    for (const entry of entries) results.push(await this.set(entry.key, entry.value, entry.timeout));
    return results;
  }

  /**
   * `set` only when no file exists for `key` — an expired file still blocks it (cachelib 0.9).
   * Not atomic across processes, as in cachelib.
   */
  async add(key: string, value: Uint8Array, timeout: number): Promise<boolean> {
    if (await this.fileExists(this.pathForKey(key))) return false;
    return this.set(key, value, timeout);
  }

  /**
   * Remove the file of `key`; `true` also when there was none (cachelib). Decrements the count
   * only when a file was removed.
   * @throws CacheBackendError `FS_IO_ERROR` when the file exists and cannot be removed.
   */
  async delete(key: string): Promise<boolean> {
    const path = this.pathForKey(key);
    let removed: boolean;
    try {
      removed = await this.writer.remove(path);
    } catch (error) {
      throw ioError("remove", path, error);
    }
    this.reader.forget?.(path);
    if (removed) await this.counter.adjust(-1);
    return true;
  }

  /** `delete` for each key in order; always `true` per key unless an fs error is thrown. */
  async deleteMany(keys: readonly string[]): Promise<boolean[]> {
    const results: boolean[] = [];
    for (const key of keys) results.push(await this.delete(key));
    return results;
  }

  /**
   * Header check only: `true` when the file exists and its expiry is 0 or not yet past, even if
   * the value after the header is corrupt (cachelib). A short file is `false` (and reported).
   */
  async has(key: string): Promise<boolean> {
    const path = this.pathForKey(key);
    let header: Uint8Array | undefined;
    try {
      header = await this.reader.readHeader(path);
    } catch (error) {
      if (errorCode(error) !== "ESPIPE") throw ioError("read header of", path, error);
      this.report(new FileSystemEntryError(path, "not a regular file"));
      return false;
    }
    if (header === undefined) return false;
    const expiry = readExpiry(header);
    if (expiry === undefined) {
      this.report(new FileSystemHeaderError(path, header.length));
      return false;
    }
    return isLive(expiry, this.clock.now());
  }

  /**
   * Remove every file except the management files (count file, `*.__wz_cache`); the prefix is
   * ignored (the directory is the namespace). On a removal failure stop, lower the count by the
   * files removed so far and return `false`, as cachelib; else set the count to 0.
   */
  async clear(_prefix: string): Promise<boolean> {
    this.reader.forgetAll?.();
    const names = await listEntryFiles(this.dir, this.countFileName).catch((error: unknown) => {
      throw ioError("list", this.dir, error);
    });
    for (const [index, name] of names.entries()) {
      try {
        await this.writer.remove(join(this.dir, name));
      } catch (error) {
        // cachelib logs and returns False; its `delta=-0` resets the count to 0 when the first
        // removal fails.
        this.warn(ioError("remove (clear)", join(this.dir, name), error));
        if (index === 0) await this.counter.reset(0);
        else await this.counter.adjust(-index);
        return false;
      }
    }
    await this.counter.reset(0);
    return true;
  }

  /** Drops the read memo's copies; every call opens and closes its own files. */
  async close(): Promise<void> {
    this.reader.forgetAll?.();
  }

  /** Entry count as recorded in the count file (0 when absent, unreadable or threshold is 0). */
  async readCount(): Promise<number> {
    return this.counter.read();
  }

  private async fileExists(path: string): Promise<boolean> {
    try {
      return await this.reader.exists(path);
    } catch (error) {
      throw ioError("stat", path, error);
    }
  }
}
