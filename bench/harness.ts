/**
 * Benchmark harness shared by every suite: repeated timed rounds, medians, ratios, and a
 * JSON record under bench/results/. Timing is by batches (hrtime around many calls), so
 * fast in-memory operations are not dominated by timer overhead; per-call latency
 * percentiles are collected only where a suite asks for them (I/O-bound cases).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeMachine, type MachineState, RESULTS_DIR, roundMsOr, roundsOr } from "./runs.js";

export interface MeasureOptions {
  /** Wall time of one round, milliseconds (default 300). */
  roundMs?: number;
  /** Number of rounds; the median is reported (default 5). */
  rounds?: number;
  /** Record per-call latency percentiles (default false). */
  latency?: boolean;
  /** Bytes processed per call, to report MB/s. */
  bytesPerOp?: number;
  /** Calls per timed batch (default 1 for async work, 256 for sync). */
  batch?: number;
}

export interface Measurement {
  case: string;
  impl: string;
  opsPerSec: number;
  mbPerSec?: number;
  p50Micros?: number;
  p99Micros?: number;
  /** Minor page faults per operation (median over rounds), where the suite counts them. */
  faultsPerOp?: number;
  rounds: number;
  /** ops/s of every round, to show spread. */
  samples: number[];
  /** ops/s of each full run of the suite (bench/runs.ts); `opsPerSec` is their median. */
  perRun?: number[];
}

export interface Ratio {
  case: string;
  ours: string;
  theirs: string;
  /** ours / theirs on the chosen metric; > 1 means ours is faster. */
  ratio: number;
  target?: string;
  /** The ratio in each full run of the suite (bench/runs.ts); `ratio` is their median. */
  perRun?: number[];
}

export interface SuiteResult {
  suite: string;
  measurements: Measurement[];
  ratios: Ratio[];
  notes?: string[];
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Time `fn` in rounds and report the median ops/s (and latency percentiles when asked). */
export async function measure(
  caseName: string,
  impl: string,
  fn: () => unknown,
  options: MeasureOptions = {},
): Promise<Measurement> {
  const roundMs = roundMsOr(options.roundMs ?? 300);
  const rounds = roundsOr(options.rounds ?? 5);
  const latencies: number[] = [];
  const samples: number[] = [];
  // Warm-up: let the JIT settle before the first timed round.
  const warmEnd = performance.now() + Math.min(roundMs, 200);
  while (performance.now() < warmEnd) await fn();
  for (let r = 0; r < rounds; r++) {
    let ops = 0;
    const start = performance.now();
    const end = start + roundMs;
    let now = start;
    while (now < end) {
      if (options.latency) {
        const t0 = performance.now();
        await fn();
        now = performance.now();
        latencies.push((now - t0) * 1000);
        ops++;
      } else {
        const batch = options.batch ?? 1;
        for (let i = 0; i < batch; i++) {
          const out = fn();
          if (out instanceof Promise) await out;
        }
        ops += batch;
        now = performance.now();
      }
    }
    samples.push(ops / ((now - start) / 1000));
  }
  const opsPerSec = median(samples);
  const m: Measurement = { case: caseName, impl, opsPerSec, rounds, samples };
  if (options.bytesPerOp) m.mbPerSec = (opsPerSec * options.bytesPerOp) / 1e6;
  if (options.latency) {
    latencies.sort((a, b) => a - b);
    m.p50Micros = percentile(latencies, 50);
    m.p99Micros = percentile(latencies, 99);
  }
  return m;
}

/** Ratio ours/theirs on ops/s (higher is better) for one case. */
export function ratio(
  measurements: readonly Measurement[],
  caseName: string,
  ours: string,
  theirs: string,
  target?: string,
): Ratio {
  const a = measurements.find((m) => m.case === caseName && m.impl === ours);
  const b = measurements.find((m) => m.case === caseName && m.impl === theirs);
  if (!a || !b) throw new Error(`missing measurement for ${caseName}: ${ours} vs ${theirs}`);
  return { case: caseName, ours, theirs, ratio: a.opsPerSec / b.opsPerSec, ...(target ? { target } : {}) };
}

function fmt(n: number | undefined, digits = 0): string {
  if (n === undefined || Number.isNaN(n)) return "";
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** `min–max` of the runs, and the spread (max − min) as a percentage of the median. */
function spread(
  perRun: readonly number[] | undefined,
  mid: number,
  digits: number,
): { range: string; pct: string } {
  if (!perRun || perRun.length < 2) return { range: "", pct: "" };
  const lo = Math.min(...perRun);
  const hi = Math.max(...perRun);
  return { range: `${fmt(lo, digits)}–${fmt(hi, digits)}`, pct: `${fmt(((hi - lo) / mid) * 100)} %` };
}

/** How the suite was run: the machine at the start of each run. */
export interface RunInfo {
  runs: number;
  machine: MachineState[];
}

/** Print a suite's table and ratios (medians over runs, with their range), and write bench/results/<suite>.json. */
export function report(result: SuiteResult, info?: RunInfo): void {
  console.log(`\n## ${result.suite}\n`);
  if (info) {
    console.log(`${info.runs} run(s); medians over runs, with the range of the runs`);
    for (const [i, m] of info.machine.entries()) console.log(`run ${i + 1}: ${describeMachine(m)}`);
  }
  console.table(
    result.measurements.map((m) => {
      const s = spread(m.perRun, m.opsPerSec, 0);
      return {
        case: m.case,
        impl: m.impl,
        "ops/s": fmt(m.opsPerSec),
        "runs ops/s": s.range,
        spread: s.pct,
        "MB/s": fmt(m.mbPerSec, 1),
        "p50 µs": fmt(m.p50Micros, 1),
        "p99 µs": fmt(m.p99Micros, 1),
        ...(m.faultsPerOp === undefined ? {} : { "faults/op": fmt(m.faultsPerOp, 2) }),
      };
    }),
  );
  if (result.ratios.length) {
    console.table(
      result.ratios.map((r) => ({
        case: r.case,
        "ours/theirs": `${r.ours} / ${r.theirs}`,
        ratio: r.ratio.toFixed(2),
        runs: spread(r.perRun, r.ratio, 2).range,
        target: r.target ?? "",
      })),
    );
  }
  for (const note of result.notes ?? []) console.log(`note: ${note}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const record = { ...result, ...info, node: process.version, date: new Date().toISOString() };
  writeFileSync(join(RESULTS_DIR, `${result.suite}.json`), `${JSON.stringify(record, null, 2)}\n`);
}
