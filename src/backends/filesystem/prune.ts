/**
 * Threshold pruning in cachelib's order (`FileSystemCache._prune`): when the count is over the
 * threshold, first remove entries whose expiry is set and past; if still over, remove entries by
 * ascending header value (so expiry 0, "never", goes first) until the count is at the threshold.
 * Management files are never touched; files whose header cannot be read are skipped.
 */
import { opendir } from "node:fs/promises";
import { join } from "node:path";
import type { Clock } from "../../core/clock.js";
import type { SupersetCacheError } from "../../core/errors.js";
import type { EntryCounter } from "./counter.js";
import { isManagementName, readExpiry } from "./format.js";
import { ioError, readHeaderBytes, removeFile } from "./io.js";

// Header reads in flight at once while scanning; bounds file descriptors used by one prune.
const SCAN_CONCURRENCY = 16;
// Directory entries fetched per readdir call while listing.
const LIST_BATCH = 256;

export interface PruneInput {
  dir: string;
  countFileName: string;
  threshold: number;
  /** Entry count as read from the count file. */
  count: number;
  /** Current time, MILLISECONDS since the epoch (compared as cachelib compares with `time()`). */
  nowMs: number;
}

interface EntryHeader {
  path: string;
  expiry: number;
}

/**
 * Names of non-management files in `dir`, in the order the file system returns them (what
 * cachelib's `os.listdir` yields). `fs.readdir` is not used: libuv sorts its result by name, which
 * would break ties in pruning differently from Python.
 */
export async function listEntryFiles(dir: string, countFileName: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of await opendir(dir, { bufferSize: LIST_BATCH })) {
    if (!isManagementName(entry.name, countFileName)) names.push(entry.name);
  }
  return names;
}

async function readHeaders(dir: string, names: readonly string[]): Promise<EntryHeader[]> {
  const slots: (EntryHeader | undefined)[] = new Array(names.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const index = next++;
      const path = join(dir, names[index]!);
      const header = await readHeaderBytes(path);
      // Vanished or short files are skipped, as cachelib skips FileNotFoundError/struct.error.
      const expiry = header === undefined ? undefined : readExpiry(header);
      if (expiry !== undefined) slots[index] = { path, expiry };
    }
  };
  await Promise.all(Array.from({ length: Math.min(SCAN_CONCURRENCY, names.length) }, worker));
  return slots.filter((entry): entry is EntryHeader => entry !== undefined);
}

/**
 * Prune `input.dir` when `input.count > input.threshold`; returns how many files this call
 * removed (the caller subtracts them from the count file). Does nothing when threshold is 0.
 */
export async function pruneDirectory(input: PruneInput): Promise<number> {
  const { dir, countFileName, threshold, nowMs } = input;
  if (threshold === 0 || input.count <= threshold) return 0;
  let count = input.count;
  let removed = 0;
  const headers = await readHeaders(dir, await listEntryFiles(dir, countFileName));
  const survivors: EntryHeader[] = [];
  for (const entry of headers) {
    if (entry.expiry !== 0 && entry.expiry * 1000 < nowMs) {
      if (await removeFile(entry.path)) {
        removed++;
        count--;
      }
    } else {
      survivors.push(entry);
    }
  }
  if (count <= threshold) return removed;
  // Array.prototype.sort is stable, so equal expiries keep directory order, like Python's sorted().
  survivors.sort((a, b) => a.expiry - b.expiry);
  for (const entry of survivors) {
    if (await removeFile(entry.path)) {
      removed++;
      count--;
    }
    if (count <= threshold) break;
  }
  return removed;
}

/** What a {@link ThresholdPruner} prunes, where it keeps the count, and where it reports. */
export interface ThresholdPrunerOptions {
  dir: string;
  countFileName: string;
  threshold: number;
  counter: EntryCounter;
  clock: Clock;
  /** Receives a failed prune (cachelib only logs it). */
  warn: (error: SupersetCacheError) => void;
}

/**
 * Prunes a cache directory when its count file says it is over the threshold, one prune at a
 * time per process: concurrent sets over the threshold would otherwise each remove files from
 * the same stale count and over-prune.
 */
export class ThresholdPruner {
  private pruning: Promise<number> | undefined;

  constructor(private readonly options: ThresholdPrunerOptions) {}

  /**
   * Prune when the count file says we are over the threshold; returns the files removed. A failed
   * prune is warned and the write goes on, as in cachelib.
   */
  async pruneIfOverThreshold(): Promise<number> {
    const { threshold, counter } = this.options;
    if (threshold === 0 || (await counter.read()) <= threshold) return 0;
    while (this.pruning) await this.pruning;
    this.pruning = this.pruneNow().finally(() => {
      this.pruning = undefined;
    });
    return this.pruning;
  }

  private async pruneNow(): Promise<number> {
    const { dir, countFileName, threshold, counter, clock, warn } = this.options;
    const count = await counter.read(); // again: a prune that just ran may have fixed it
    if (count <= threshold) return 0;
    let removed = 0;
    try {
      removed = await pruneDirectory({ dir, countFileName, threshold, count, nowMs: clock.now() });
    } catch (error) {
      warn(ioError("prune", dir, error));
    }
    if (removed > 0) await counter.adjust(-removed);
    return removed;
  }
}
