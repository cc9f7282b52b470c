/**
 * FileSystemCache get/set, 1 KB and 100 KB `bytes` values, ours (createCache → PickleSerializer →
 * filesystem backend) against Python cachelib 0.9.0 FileSystemCache through Flask-Caching 2.0.2
 * (python/fs_bench.py timing its own loop). Both use fresh directories under the same base
 * (os.tmpdir(), or FS_BENCH_DIR; its file-system type is reported), 100 keys, default threshold
 * 500, timeout 0.
 * Rounds alternate Python / ours so both see the same machine load; medians of ROUNDS rounds.
 * A second Node process (bench/fs-node-child.ts) runs our get/set loop with glibc's heap trimming
 * raised (MALLOC_TRIM_THRESHOLD_), to show in the same run what the malloc setting changes.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { mkdtempSync, rmSync, statfsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { createCache } from "#src/manager/create-cache.js";
import { debianPython } from "../../test/helpers/python.js";
import { FS_BENCH_KEYS, FS_BENCH_KINDS, type FsBenchKind, fsBenchOp, randomValue } from "../fs-ops.js";
import { type Measurement, median, type Ratio, type SuiteResult } from "../harness.js";
import { type RoundResult, timeRound } from "../interleaved.js";
import { roundMsOr, roundsOr } from "../runs.js";

const ROUNDS = roundsOr(5);
const ROUND_MS = roundMsOr(400);
const CONCURRENCY = 8;
// FS_BENCH_SIZES=1024,102400 and FS_BENCH_OPS=get,set,miss pick a subset (for quick iterations).
// "miss" (a get of a key never set) runs with the first size only: no file, so no size.
const SIZES = (process.env.FS_BENCH_SIZES ?? "1024,102400").split(",").map(Number);
const CASES = FS_BENCH_KINDS.filter((kind) =>
  (process.env.FS_BENCH_OPS ?? "get,set,miss").split(",").includes(kind),
);
const HERE = dirname(fileURLToPath(import.meta.url));
const PY_SCRIPT = join(HERE, "..", "..", "python", "fs_bench.py");
const NODE_CHILD = join(HERE, "..", "fs-node-child.ts");
/** glibc keeps up to this much freed memory at the top of the heap in the tuned child (docs/filesystem.md). */
const TUNED_TRIM_THRESHOLD = "268435456";
const OURS = "superset-cache";
const OURS_CONCURRENT = `superset-cache (${CONCURRENCY} in flight)`;
const OURS_ASYNC = "superset-cache (async I/O)";
const OURS_ASYNC_CONCURRENT = `superset-cache (async I/O, ${CONCURRENCY} in flight)`;
const OURS_TUNED = `superset-cache (MALLOC_TRIM_THRESHOLD_=${TUNED_TRIM_THRESHOLD})`;
const THEIRS = "cachelib 0.9.0 (Python)";

// statfs f_type magic numbers of the file systems this is likely to run on.
const FS_TYPES: Record<number, string> = {
  61267: "ext2/3/4",
  16914836: "tmpfs",
  1481003842: "xfs",
  2435016766: "btrfs",
  2035054128: "overlayfs",
};

/** A child process timing its own loop, one JSON command per line in, one JSON line out. */
class LineChild {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly waiting: ((line: string) => void)[] = [];

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(command, args, { stdio: ["pipe", "pipe", "inherit"], env });
    createInterface({ input: this.child.stdout }).on("line", (line) => this.waiting.shift()?.(line));
  }

  call(command: Record<string, unknown>): Promise<Record<string, number>> {
    return new Promise((resolve) => {
      this.waiting.push((line) => resolve(JSON.parse(line) as Record<string, number>));
      this.child.stdin.write(`${JSON.stringify(command)}\n`);
    });
  }

  async round(kind: FsBenchKind, ms: number): Promise<RoundResult> {
    const out = await this.call({ op: "round", case: kind, ms });
    return { opsPerSec: out.ops_per_sec!, faultsPerOp: out.faults_per_op! };
  }

  close(): void {
    this.child.stdin.end();
  }
}

export default async function filesystemSuite(): Promise<SuiteResult> {
  // Both children run as users run them: glibc malloc tuning meant for the bench process
  // (MALLOC_*, see docs/filesystem.md) is not passed on; the tuned child sets its own.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("MALLOC_")));
  const python = new LineChild(debianPython(), [PY_SCRIPT], env);
  const tuned = new LineChild(process.execPath, ["--import", "tsx", NODE_CHILD], {
    ...env,
    MALLOC_TRIM_THRESHOLD_: TUNED_TRIM_THRESHOLD,
  });
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
      const tunedDir = mkdtempSync(join(base, "fs-bench-tuned-"));
      dirs.push(pyDir, ourDir, tunedDir);
      await python.call({ op: "setup", dir: pyDir, size, keys: FS_BENCH_KEYS });
      await tuned.call({ op: "setup", dir: tunedDir, size, keys: FS_BENCH_KEYS });
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
      const value = randomValue(size);
      for (let i = 0; i < FS_BENCH_KEYS; i++) await cache.set(`bench:${i}`, value, 0);
      for (const kind of CASES) {
        if (kind === "miss" && size !== SIZES[0]) continue;
        const caseName = kind === "miss" ? "get miss" : `${kind} ${size / 1024} KB`;
        const op = fsBenchOp(cache, kind, value);
        const asyncOp = fsBenchOp(asyncCache, kind, value);
        const samples: Record<string, RoundResult[]> = {
          [THEIRS]: [],
          [OURS]: [],
          [OURS_CONCURRENT]: [],
          [OURS_ASYNC]: [],
          [OURS_ASYNC_CONCURRENT]: [],
          [OURS_TUNED]: [],
        };
        // Warm-up round for each side (JIT, page cache), not recorded.
        await python.round(kind, ROUND_MS / 2);
        await tuned.round(kind, ROUND_MS / 2);
        await timeRound(op, 1, ROUND_MS / 2);
        await timeRound(asyncOp, 1, ROUND_MS / 2);
        for (let r = 0; r < ROUNDS; r++) {
          samples[THEIRS]!.push(await python.round(kind, ROUND_MS));
          samples[OURS]!.push(await timeRound(op, 1, ROUND_MS));
          samples[OURS_CONCURRENT]!.push(await timeRound(op, CONCURRENCY, ROUND_MS));
          samples[OURS_ASYNC]!.push(await timeRound(asyncOp, 1, ROUND_MS));
          samples[OURS_ASYNC_CONCURRENT]!.push(await timeRound(asyncOp, CONCURRENCY, ROUND_MS));
          samples[OURS_TUNED]!.push(await tuned.round(kind, ROUND_MS));
        }
        const opsOf = (impl: string) => samples[impl]!.map((round) => round.opsPerSec);
        for (const [impl, rounds] of Object.entries(samples)) {
          const opsPerSec = median(opsOf(impl));
          measurements.push({
            case: caseName,
            impl,
            opsPerSec,
            mbPerSec: kind === "miss" ? undefined : (opsPerSec * size) / 1e6,
            faultsPerOp: median(rounds.map((round) => round.faultsPerOp)),
            rounds: ROUNDS,
            samples: opsOf(impl),
          });
        }
        const theirs = median(opsOf(THEIRS));
        ratios.push({
          case: caseName,
          ours: OURS,
          theirs: THEIRS,
          ratio: median(opsOf(OURS)) / theirs,
          target: kind === "miss" ? "" : ">= 2",
        });
        for (const impl of [OURS_CONCURRENT, OURS_ASYNC, OURS_ASYNC_CONCURRENT, OURS_TUNED]) {
          ratios.push({ case: caseName, ours: impl, theirs: THEIRS, ratio: median(opsOf(impl)) / theirs });
        }
      }
      await cache.close();
      await asyncCache.close();
    }
  } finally {
    python.close();
    tuned.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
  return {
    suite: "filesystem",
    measurements,
    ratios,
    notes: [
      `directories: fresh dirs under ${base} (${fsType}), the same file system for both sides`,
      `${FS_BENCH_KEYS} keys cycled, values are Python bytes / Uint8Array pickled by each side, timeout 0, threshold 500; "get miss" reads ${FS_BENCH_KEYS} keys never set`,
      `rounds alternate Python and ours (${ROUNDS} x ${ROUND_MS} ms each); ratio = median ours / median cachelib`,
      "Python is synchronous and single-threaded; ours uses synchronous fs calls by default (sync_reads/sync_writes): unlink the old entry + rename the temp file in, gets through the stat-validated read memo",
      `${CONCURRENCY} in flight: ${CONCURRENCY} concurrent loops in our one process (a Node server's normal case); Python stays one loop`,
      "faults/op: minor page faults of each process per call (first touch of memory the process got from the kernel)",
      "async I/O = sync_reads: false, sync_writes: false (every fs call through libuv's thread pool)",
      `MALLOC_TRIM_THRESHOLD_: our default loop in a second Node process (bench/fs-node-child.ts) whose glibc keeps up to ${TUNED_TRIM_THRESHOLD} bytes of freed heap instead of returning it to the kernel`,
      `glibc malloc env of the bench process: ${
        Object.entries(process.env)
          .filter(([name]) => name.startsWith("MALLOC_"))
          .map(([n, v]) => `${n}=${v}`)
          .join(" ") || "none (defaults)"
      }`,
    ],
  };
}
