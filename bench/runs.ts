/**
 * Repeated runs and machine state for every suite: `npm run bench` runs each suite `BENCH_RUNS`
 * times (default 3) and reports, per case, the median over the runs with the range of the runs,
 * and per ratio the median and range of the per-run ratios. `BENCH_ROUNDS` / `BENCH_ROUND_MS`
 * override every suite's rounds (for smoke runs: `BENCH_RUNS=1 BENCH_ROUNDS=1 BENCH_ROUND_MS=20`),
 * and `BENCH_RESULTS_DIR` moves the results (so a smoke run does not replace the last real ones).
 */
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Measurement, Ratio, SuiteResult } from "./harness.js";

/** A positive integer from the environment, else `fallback`. */
export function envCount(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** Where `npm run bench` writes `<suite>.json` and `npm run bench:check` reads it. */
export const RESULTS_DIR =
  process.env.BENCH_RESULTS_DIR || join(dirname(fileURLToPath(import.meta.url)), "results");

/** Full runs of each suite; every figure is the median over them. */
export const BENCH_RUNS = envCount("BENCH_RUNS", 3);

/** `BENCH_ROUNDS` when set, else the suite's own round count. */
export function roundsOr(suiteRounds: number): number {
  return envCount("BENCH_ROUNDS", suiteRounds);
}

/** `BENCH_ROUND_MS` when set, else the suite's own round length (MILLISECONDS). */
export function roundMsOr(suiteRoundMs: number): number {
  return envCount("BENCH_ROUND_MS", suiteRoundMs);
}

/** What else the machine was doing: recorded at the start of every run. */
export interface MachineState {
  /** 1, 5 and 15 minute load averages. */
  loadAverage: number[];
  cpus: number;
  cpuModel: string;
  node: string;
  totalMemMb: number;
  freeMemMb: number;
  date: string;
}

export function machineState(): MachineState {
  const list = cpus();
  return {
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? "unknown",
    node: process.version,
    totalMemMb: Math.round(totalmem() / 2 ** 20),
    freeMemMb: Math.round(freemem() / 2 ** 20),
    date: new Date().toISOString(),
  };
}

export function describeMachine(m: MachineState): string {
  return (
    `load ${m.loadAverage.join(" / ")} (1/5/15 min) on ${m.cpus} CPUs (${m.cpuModel}), ` +
    `node ${m.node}, ${m.freeMemMb} of ${m.totalMemMb} MB free, ${m.date}`
  );
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function medianDefined(values: readonly (number | undefined)[]): number | undefined {
  const v = values.filter((x): x is number => x !== undefined && !Number.isNaN(x));
  return v.length ? median(v) : undefined;
}

/** The same entry of every run, checked to be the same case (suites list them in a fixed order). */
function aligned<T extends { case: string }>(
  runs: readonly (readonly T[])[],
  i: number,
  same: (a: T, b: T) => boolean,
): T[] {
  const first = runs[0]?.[i] as T;
  return runs.map((run, r) => {
    const x = run[i];
    if (x === undefined || !same(x, first)) {
      throw new Error(
        `bench run ${r + 1} differs from run 1 at entry ${i} (${first.case}): cases must come in a fixed order`,
      );
    }
    return x;
  });
}

/**
 * One result from several runs of a suite: per (case, impl) the median over runs of each run's
 * ops/s, p50, p99 and faults per op, `perRun` the runs' ops/s; per ratio the median of the per-run ratios,
 * `perRun` the runs' ratios (for a "fastest peer" ratio `theirs` may name a different peer per
 * run: all of them are listed).
 */
export function combineRuns(runs: readonly SuiteResult[]): SuiteResult {
  const first = runs[0];
  if (!first) throw new Error("no bench runs to combine");
  const measurements = first.measurements.map((m, i): Measurement => {
    const all = aligned(
      runs.map((r) => r.measurements),
      i,
      (a, b) => a.case === b.case && a.impl === b.impl,
    );
    const perRun = all.map((x) => x.opsPerSec);
    const opsPerSec = median(perRun);
    const out: Measurement = { ...m, opsPerSec, perRun, samples: all.flatMap((x) => x.samples) };
    const mb = medianDefined(all.map((x) => x.mbPerSec));
    if (mb !== undefined) out.mbPerSec = mb;
    const p50 = medianDefined(all.map((x) => x.p50Micros));
    if (p50 !== undefined) out.p50Micros = p50;
    const p99 = medianDefined(all.map((x) => x.p99Micros));
    if (p99 !== undefined) out.p99Micros = p99;
    const faults = medianDefined(all.map((x) => x.faultsPerOp));
    if (faults !== undefined) out.faultsPerOp = faults;
    return out;
  });
  const ratios = first.ratios.map((r, i): Ratio => {
    const all = aligned(
      runs.map((run) => run.ratios),
      i,
      (a, b) => a.case === b.case && a.ours === b.ours && a.target === b.target,
    );
    const perRun = all.map((x) => x.ratio);
    const theirs = [...new Set(all.map((x) => x.theirs))].join(" | ");
    return { ...r, theirs, ratio: median(perRun), perRun };
  });
  const notes = [...new Set(runs.flatMap((r) => r.notes ?? []))];
  return { suite: first.suite, measurements, ratios, notes };
}
