/**
 * FileSystemCache get/set, 1 KB and 100 KB `bytes` values, ours (createCache → PickleSerializer →
 * filesystem backend) against Python cachelib 0.9.0 FileSystemCache through Flask-Caching 2.0.2
 * (python/fs_bench.py timing its own loop). Both use fresh directories under the same base
 * (os.tmpdir(), or FS_BENCH_DIR; its file-system type is reported), 100 keys, default threshold
 * 500, timeout 0.
 * Rounds alternate Python / ours so both see the same machine load; medians of ROUNDS rounds.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { mkdtempSync, rmSync, statfsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { Cache } from "#src/cache/cache.js";
import { createCache } from "#src/manager/create-cache.js";
import { debianPython } from "../../test/helpers/python.js";
import { type Measurement, median, type Ratio, type SuiteResult } from "../harness.js";
import { roundMsOr, roundsOr } from "../runs.js";

const ROUNDS = roundsOr(5);
const ROUND_MS = roundMsOr(400);
const KEYS = 100;
const CONCURRENCY = 8;
// FS_BENCH_SIZES=1024,102400 and FS_BENCH_OPS=get,set,miss pick a subset (for quick iterations).
// "miss" (a get of a key never set) runs with the first size only: no file, so no size.
const ALL_CASES = ["get", "set", "miss"] as const;
const SIZES = (process.env.FS_BENCH_SIZES ?? "1024,102400").split(",").map(Number);
const CASES = ALL_CASES.filter((kind) =>
  (process.env.FS_BENCH_OPS ?? "get,set,miss").split(",").includes(kind),
);
const PY_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "python", "fs_bench.py");
const OURS = "superset-cache";
const OURS_CONCURRENT = `superset-cache (${CONCURRENCY} in flight)`;
const OURS_ASYNC = "superset-cache (async I/O)";
const OURS_ASYNC_CONCURRENT = `superset-cache (async I/O, ${CONCURRENCY} in flight)`;
const THEIRS = "cachelib 0.9.0 (Python)";

// statfs f_type magic numbers of the file systems this is likely to run on.
const FS_TYPES: Record<number, string> = {
  61267: "ext2/3/4",
  16914836: "tmpfs",
  1481003842: "xfs",
  2435016766: "btrfs",
  2035054128: "overlayfs",
};

class PythonBench {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly waiting: ((line: string) => void)[] = [];

  constructor() {
    // cachelib as users run it: glibc malloc tuning meant for the Node process (MALLOC_*, see
    // docs/filesystem.md) is not passed on.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith("MALLOC_")),
    );
    this.child = spawn(debianPython(), [PY_SCRIPT], { stdio: ["pipe", "pipe", "inherit"], env });
    createInterface({ input: this.child.stdout }).on("line", (line) => this.waiting.shift()?.(line));
  }

  call(command: Record<string, unknown>): Promise<Record<string, number>> {
    return new Promise((resolve) => {
      this.waiting.push((line) => resolve(JSON.parse(line) as Record<string, number>));
      this.child.stdin.write(`${JSON.stringify(command)}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
  }
}

/** ops/s of `op` run by `workers` concurrent loops for `ms` milliseconds. */
async function timeRound(op: (i: number) => Promise<unknown>, ms: number, workers: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  const end = start + ms;
  const loop = async () => {
    while (performance.now() < end) await op(n++);
  };
  await Promise.all(Array.from({ length: workers }, loop));
  return n / ((performance.now() - start) / 1000);
}

function ourOp(
  cache: Cache,
  kind: (typeof ALL_CASES)[number],
  value: Uint8Array,
): (i: number) => Promise<unknown> {
  if (kind === "get") {
    return async (i) => {
      if ((await cache.get(`bench:${i % KEYS}`)) === undefined) throw new Error("bench key missing");
    };
  }
  if (kind === "miss") {
    return async (i) => {
      if ((await cache.get(`absent:${i % KEYS}`)) !== undefined) throw new Error("absent key found");
    };
  }
  return (i) => cache.set(`bench:${i % KEYS}`, value, 0);
}

export default async function filesystemSuite(): Promise<SuiteResult> {
  const python = new PythonBench();
  const measurements: Measurement[] = [];
  const ratios: Ratio[] = [];
  // FS_BENCH_DIR picks another file system (e.g. /dev/shm for tmpfs); both sides always share it.
  const base = process.env.FS_BENCH_DIR ?? tmpdir();
  const fsType = FS_TYPES[statfsSync(base).type] ?? `statfs type 0x${statfsSync(base).type.toString(16)}`;
  const dirs: string[] = [];
  try {
    for (const size of SIZES) {
      const pyDir = mkdtempSync(join(base, "fs-bench-py-"));
      const ourDir = mkdtempSync(join(base, "fs-bench-ts-"));
      dirs.push(pyDir, ourDir);
      await python.call({ op: "setup", dir: pyDir, size, keys: KEYS });
      // Default: synchronous fs calls.
      const cache = createCache({
        CACHE_TYPE: "FileSystemCache",
        CACHE_DIR: ourDir,
        CACHE_DEFAULT_TIMEOUT: 0,
      });
      // Same directory, second Cache with every fs call through libuv's thread pool.
      const asyncCache = createCache({
        CACHE_TYPE: "FileSystemCache",
        CACHE_DIR: ourDir,
        CACHE_DEFAULT_TIMEOUT: 0,
        CACHE_OPTIONS: { sync_reads: false, sync_writes: false },
      });
      const value = new Uint8Array(size).map(() => Math.floor(Math.random() * 256));
      for (let i = 0; i < KEYS; i++) await cache.set(`bench:${i}`, value, 0);
      for (const kind of CASES) {
        if (kind === "miss" && size !== SIZES[0]) continue;
        const caseName = kind === "miss" ? "get miss" : `${kind} ${size / 1024} KB`;
        const op = ourOp(cache, kind, value);
        const asyncOp = ourOp(asyncCache, kind, value);
        const samples: Record<string, number[]> = {
          [THEIRS]: [],
          [OURS]: [],
          [OURS_CONCURRENT]: [],
          [OURS_ASYNC]: [],
          [OURS_ASYNC_CONCURRENT]: [],
        };
        // Warm-up round for each side (JIT, page cache), not recorded.
        await python.call({ op: "round", case: kind, ms: ROUND_MS / 2 });
        await timeRound(op, ROUND_MS / 2, 1);
        await timeRound(asyncOp, ROUND_MS / 2, 1);
        for (let r = 0; r < ROUNDS; r++) {
          samples[THEIRS]!.push((await python.call({ op: "round", case: kind, ms: ROUND_MS })).ops_per_sec!);
          samples[OURS]!.push(await timeRound(op, ROUND_MS, 1));
          samples[OURS_CONCURRENT]!.push(await timeRound(op, ROUND_MS, CONCURRENCY));
          samples[OURS_ASYNC]!.push(await timeRound(asyncOp, ROUND_MS, 1));
          samples[OURS_ASYNC_CONCURRENT]!.push(await timeRound(asyncOp, ROUND_MS, CONCURRENCY));
        }
        for (const [impl, s] of Object.entries(samples)) {
          const opsPerSec = median(s);
          measurements.push({
            case: caseName,
            impl,
            opsPerSec,
            mbPerSec: kind === "miss" ? undefined : (opsPerSec * size) / 1e6,
            rounds: ROUNDS,
            samples: s,
          });
        }
        const theirs = median(samples[THEIRS]!);
        ratios.push({
          case: caseName,
          ours: OURS,
          theirs: THEIRS,
          ratio: median(samples[OURS]!) / theirs,
          target: kind === "miss" ? "" : ">= 2",
        });
        for (const impl of [OURS_CONCURRENT, OURS_ASYNC, OURS_ASYNC_CONCURRENT]) {
          ratios.push({ case: caseName, ours: impl, theirs: THEIRS, ratio: median(samples[impl]!) / theirs });
        }
      }
      await cache.close();
      await asyncCache.close();
    }
  } finally {
    python.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
  return {
    suite: "filesystem",
    measurements,
    ratios,
    notes: [
      `directories: fresh dirs under ${base} (${fsType}), the same file system for both sides`,
      `${KEYS} keys cycled, values are Python bytes / Uint8Array pickled by each side, timeout 0, threshold 500; "get miss" reads ${KEYS} keys never set`,
      `rounds alternate Python and ours (${ROUNDS} x ${ROUND_MS} ms each); ratio = median ours / median cachelib`,
      "Python is synchronous and single-threaded; ours uses synchronous fs calls by default (sync_reads/sync_writes): unlink the old entry + rename the temp file in, gets through the stat-validated read memo",
      `${CONCURRENCY} in flight: ${CONCURRENCY} concurrent loops in our one process (a Node server's normal case); Python stays one loop`,
      "async I/O = sync_reads: false, sync_writes: false (every fs call through libuv's thread pool; the old default)",
      `glibc malloc env of the Node process: ${
        Object.entries(process.env)
          .filter(([name]) => name.startsWith("MALLOC_"))
          .map(([n, v]) => `${n}=${v}`)
          .join(" ") || "none (defaults)"
      }`,
    ],
  };
}
