/**
 * Threshold pruning in cachelib's order (`FileSystemCache._prune`): when the count is over the
 * threshold, first remove entries whose expiry is set and past; if still over, remove entries by
 * ascending header value (so expiry 0, "never", goes first) until the count is at the threshold.
 * Management files are never touched; files whose header cannot be read are skipped.
 */
import { opendir } from "node:fs/promises";
import { join } from "node:path";
import { isManagementName, readExpiry } from "./format.js";
import { readHeaderBytes, removeFile } from "./io.js";

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
