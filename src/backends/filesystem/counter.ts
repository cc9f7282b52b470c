/**
 * The count file (`__wz_cache_count`): cachelib's best-effort entry counter, a pickled int behind
 * a 0 expiry header. As in cachelib, its problems never fail a cache operation: an unreadable
 * count reads as 0 and a failed update is reported as a warning (cachelib logs one).
 */
import { join } from "node:path";
import type { Clock } from "../../core/clock.js";
import { CacheBackendError, type SupersetCacheError } from "../../core/errors.js";
import { decodeCount, encodeCount } from "./count.js";
import {
  encodeHeader,
  FileSystemCountError,
  FileSystemHeaderError,
  HEADER_BYTES,
  isLive,
  readExpiry,
} from "./format.js";
import { errorCode, type FileReader, type FileWriter, type WriteTempOptions } from "./io.js";

export interface EntryCounterOptions {
  dir: string;
  fileName: string;
  /** 0 = no count file at all (cachelib's unlimited mode). */
  threshold: number;
  reader: FileReader;
  writer: FileWriter;
  writeOptions: WriteTempOptions;
  clock: Clock;
  /** Receives every problem that cachelib would only log. */
  warn: (error: SupersetCacheError) => void;
}

/** Wraps an fs failure of the count file with a stable code. */
export function countIoError(operation: string, path: string, error: unknown): CacheBackendError {
  return new CacheBackendError(
    "FS_COUNT_FILE_IO",
    "filesystem",
    `${operation} count file ${path} failed (${errorCode(error) ?? String(error)})`,
    { cause: error },
  );
}

export class EntryCounter {
  readonly path: string;
  // Updates from this process run one at a time, so concurrent calls do not lose increments
  // (across processes the count stays best-effort, as in cachelib).
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: EntryCounterOptions) {
    this.path = join(options.dir, options.fileName);
  }

  get enabled(): boolean {
    return this.options.threshold !== 0;
  }

  /** The recorded count; 0 when absent, expired, unreadable or disabled (problems are warned). */
  async read(): Promise<number> {
    if (!this.enabled) return 0;
    let bytes: Buffer | undefined;
    try {
      bytes = await this.options.reader.readWhole(this.path);
    } catch (error) {
      this.options.warn(countIoError("read", this.path, error));
      return 0;
    }
    if (bytes === undefined) return 0;
    const expiry = readExpiry(bytes);
    if (expiry === undefined) {
      this.options.warn(new FileSystemHeaderError(this.path, bytes.length));
      return 0;
    }
    if (!isLive(expiry, this.options.clock.now())) return 0;
    try {
      return decodeCount(bytes.subarray(HEADER_BYTES));
    } catch (error) {
      this.options.warn(new FileSystemCountError(this.path, (error as Error).message));
      return 0;
    }
  }

  /** Overwrite the count (atomically, like every cache file). @throws the fs error. */
  async write(count: number): Promise<void> {
    if (!this.enabled) return;
    await this.enqueue(() => this.writeNow(count));
  }

  /** Read-modify-write by `delta`; a failure is warned, never thrown (cachelib ignores it). */
  async adjust(delta: number): Promise<void> {
    if (!this.enabled) return;
    await this.enqueue(async () => this.writeNow((await this.read()) + delta)).catch((error: unknown) => {
      this.options.warn(countIoError("update", this.path, error));
    });
  }

  /** Set the count to `count`; a failure is warned, never thrown. */
  async reset(count: number): Promise<void> {
    await this.write(count).catch((error: unknown) => {
      this.options.warn(countIoError("reset", this.path, error));
    });
  }

  private async writeNow(count: number): Promise<void> {
    const { writer } = this.options;
    const temp = await writer.writeTemp(
      this.options.dir,
      [encodeHeader(0), encodeCount(count)],
      this.options.writeOptions,
    );
    await writer.commit(temp, this.path);
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined); // the caller of `run` handles its error
    return run;
  }
}
