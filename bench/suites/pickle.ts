/**
 * Pickle decode/encode side by side with CPython's C `pickle.loads`/`pickle.dumps` on the same
 * bytes (a Python subprocess timing its own loop, medians of several rounds):
 *   (a) a 100,000-row × 8-column mixed DataFrame (int64, float64, bool, datetime64, three
 *       string columns, one float column with nulls),
 *   (b) a 1,000,000-row numeric frame (int64 + float64),
 *   (c) a nested dict/list payload of about 1 MB.
 * The pickles are written by Python (python/peer/pickle_peer.py make_bench). Also measures the
 * peak memory of decoding (b) in a fresh Node process (`--expose-gc`).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PicklePeer } from "../../test/helpers/pickle-peer.js";
import { type Measurement, median, type Ratio, ratio, type SuiteResult } from "../harness.js";
import { roundMsOr, roundsOr } from "../runs.js";

const OURS = "superset-cache";
const PYTHON = "python-C-pickle";
const ROUNDS = roundsOr(7);
/** Untimed rounds each side runs first. */
const WARM_ROUNDS = 5;
const ROUND_MS = roundMsOr(300);
const CASES = [
  { file: "mixed_100k", label: "(a) 100k×8 mixed DataFrame" },
  { file: "numeric_1m", label: "(b) 1M-row numeric DataFrame" },
  { file: "nested_1mb", label: "(c) ~1 MB nested dict/list" },
] as const;

interface PythonTiming {
  bytes: number;
  loads: number[];
  dumps: number[];
}

function fromPython(caseName: string, secondsPerOp: number[], bytes: number): Measurement {
  const samples = secondsPerOp.map((s) => 1 / s);
  const opsPerSec = median(samples);
  return {
    case: caseName,
    impl: PYTHON,
    opsPerSec,
    mbPerSec: (opsPerSec * bytes) / 1e6,
    rounds: samples.length,
    samples,
  };
}

/** Our side of one case in a fresh Node process (bench/pickle-case.ts); round length in MILLISECONDS. */
export function runOurCase(
  path: string,
  label: string,
  timing = { rounds: ROUNDS, warmRounds: WARM_ROUNDS, roundMs: ROUND_MS },
): { decode: Measurement; encode: Measurement; reencodedBytes: number } {
  const script = fileURLToPath(new URL("../pickle-case.ts", import.meta.url));
  const args = [path, label, String(timing.rounds), String(timing.warmRounds), String(timing.roundMs)];
  const r = spawnSync(process.execPath, ["--import", "tsx", script, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`pickle case failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string);
}

/**
 * Peak RSS growth while decoding `file` once, in a fresh process (`--expose-gc`). A worker
 * thread samples the process RSS in a tight loop while the main thread decodes, so the peak
 * is the decode's own, not a start-up high-water mark.
 */
export function decodePeakMemory(file: string): { peakBytes: number; heldBytes: number } {
  const script = join(tmpdir(), "superset-cache-pickle-mem.mts");
  const decoder = fileURLToPath(new URL("../../src/codecs/pickle/decode/decoder.ts", import.meta.url));
  writeFileSync(
    script,
    [
      `import { readFileSync } from "node:fs";`,
      `import { Worker } from "node:worker_threads";`,
      `import { loads } from ${JSON.stringify(decoder)};`,
      `const bytes = readFileSync(${JSON.stringify(file)});`,
      "const shared = new BigInt64Array(new SharedArrayBuffer(16));",
      "const sampler = `const { workerData, parentPort } = require('node:worker_threads');",
      "const a = workerData; parentPort.postMessage('ready');",
      "while (Atomics.load(a, 1) === 0n) { const r = BigInt(process.memoryUsage.rss()); if (r > Atomics.load(a, 0)) Atomics.store(a, 0, r); }`;",
      "const worker = new Worker(sampler, { eval: true, workerData: shared });",
      "await new Promise((resolve) => worker.once('message', resolve));",
      "globalThis.gc(); globalThis.gc();",
      "const before = process.memoryUsage.rss();",
      "Atomics.store(shared, 0, BigInt(before));",
      "const value = loads(bytes);",
      "Atomics.store(shared, 1, 1n);",
      "await worker.terminate();",
      "const peak = Number(Atomics.load(shared, 0));",
      "globalThis.gc();",
      "const held = process.memoryUsage.rss() - before;",
      "console.log(JSON.stringify({ peakBytes: peak - before, heldBytes: held, kept: typeof value }));",
    ].join("\n"),
  );
  const r = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", script], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`memory probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string) as { peakBytes: number; heldBytes: number };
}

export default async function pickleSuite(): Promise<SuiteResult> {
  const peer = new PicklePeer();
  const measurements: Measurement[] = [];
  const ratios: Ratio[] = [];
  const notes: string[] = [];
  try {
    const dir = join(tmpdir(), "superset-cache-bench-pickle");
    const { files } = await peer.request<{ files: Record<string, string> }>({ op: "make_bench", dir });
    for (const { file, label } of CASES) {
      const path = files[file] as string;
      const bytes = readFileSync(path);
      const size = bytes.length;
      notes.push(`${label}: pickle of ${(size / 1e6).toFixed(2)} MB written by CPython (protocol 5)`);
      // Python: the suite's one long-lived peer (the one that generated the data: its allocator
      // is warm, CPython's best case); ours: a fresh process per case (bench/pickle-case.ts), so
      // one case's heap does not slow the next. Both run WARM_ROUNDS untimed rounds first.
      const warmPy = await peer.request<PythonTiming>({
        op: "bench",
        file: path,
        rounds: WARM_ROUNDS + ROUNDS,
        min_time: ROUND_MS / 1000,
      });
      const ours = runOurCase(path, label);
      const decodeCase = `decode ${label}`;
      const encodeCase = `encode ${label}`;
      measurements.push(ours.decode, fromPython(decodeCase, warmPy.loads.slice(WARM_ROUNDS), size));
      measurements.push(ours.encode, fromPython(encodeCase, warmPy.dumps.slice(WARM_ROUNDS), size));
      if (ours.reencodedBytes !== size) {
        notes.push(
          `${label}: our re-encoding is ${(ours.reencodedBytes / 1e6).toFixed(2)} MB (Python's: ${(size / 1e6).toFixed(2)} MB)`,
        );
      }
      const target =
        file === "numeric_1m"
          ? "decode ≥ 1 GB/s"
          : file === "mixed_100k" || file === "nested_1mb"
            ? "decode ≥ Python"
            : undefined;
      ratios.push(ratio(measurements, decodeCase, OURS, PYTHON, target));
      ratios.push(ratio(measurements, encodeCase, OURS, PYTHON));
      if (file === "numeric_1m") {
        const mem = decodePeakMemory(path);
        notes.push(
          `${label}: decode peak RSS growth ${(mem.peakBytes / 1e6).toFixed(1)} MB = ${(mem.peakBytes / size).toFixed(2)}× the pickle (target ≤ 2.5×); held after decode ${(mem.heldBytes / 1e6).toFixed(1)} MB`,
        );
      }
    }
  } finally {
    peer.close();
  }
  return { suite: "pickle", measurements, ratios, notes };
}
