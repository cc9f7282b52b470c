/**
 * Closed-loop client benchmarks for the server suites (Redis, Memcached): `concurrency` loops
 * call an operation until a deadline, and every implementation is measured in interleaved
 * rounds so load from other processes on a shared machine hits each one alike.
 */
import { type Measurement, median } from "./harness.js";
import { roundMsOr, roundsOr } from "./runs.js";

/** One call of the operation under test; `i` spreads calls over the key space. */
export type Op = (i: number) => Promise<unknown>;

export interface Impl {
  name: string;
  get: Op;
  set: Op;
  /**
   * Runs one timed round itself (a subprocess); `get`/`set` are unused then. `faultsPerOp`: the
   * subprocess's minor page faults per call, when it counts them.
   */
  round?: (
    op: "get" | "set",
    ms: number,
  ) => Promise<{ ops: number; latencies: number[]; faultsPerOp?: number }>;
}

export interface InterleavedOptions {
  /** Timed rounds per implementation. */
  rounds: number;
  /** Length of one timed round, MILLISECONDS. */
  roundMs: number;
  /** Untimed round per implementation before the first timed one, MILLISECONDS. */
  warmupMs: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** One timed round: ops/s and the process's minor page faults per call. */
export interface RoundResult {
  opsPerSec: number;
  faultsPerOp: number;
}

/**
 * `concurrency` loops calling `op` for `ms` MILLISECONDS (`i` is spread over the loops), in this
 * process; per-call latency in µs pushed to `latencies` when given.
 */
export async function timeRound(
  op: Op,
  concurrency: number,
  ms: number,
  latencies?: number[],
): Promise<RoundResult> {
  let ops = 0;
  const faults = process.resourceUsage().minorPageFault;
  const end = performance.now() + ms;
  const worker = async (w: number) => {
    let i = w;
    while (performance.now() < end) {
      const t0 = latencies ? performance.now() : 0;
      await op(i);
      if (latencies) latencies.push((performance.now() - t0) * 1000);
      ops++;
      i += concurrency;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const opsPerSec = ops / ((performance.now() - start) / 1000);
  return { opsPerSec, faultsPerOp: (process.resourceUsage().minorPageFault - faults) / Math.max(ops, 1) };
}

/**
 * Measure every impl on one case with rounds interleaved (round 1 of each impl, then round 2, …),
 * rotating which impl goes first each round.
 */
export async function measureInterleaved(
  caseName: string,
  impls: Impl[],
  op: "get" | "set",
  concurrency: number,
  options: InterleavedOptions,
): Promise<Measurement[]> {
  const rounds = roundsOr(options.rounds);
  const roundMs = roundMsOr(options.roundMs);
  const samples = impls.map(() => [] as number[]);
  const faults = impls.map(() => [] as number[]);
  const latencies = impls.map(() => [] as number[]);
  /** ops/s of one round, and minor page faults per call where they are known. */
  const oneRound = async (
    impl: Impl,
    ms: number,
    lat?: number[],
  ): Promise<{ opsPerSec: number; faultsPerOp?: number }> => {
    if (!impl.round) return timeRound(impl[op], concurrency, ms, lat);
    const r = await impl.round(op, ms);
    lat?.push(...r.latencies);
    return { opsPerSec: r.ops, faultsPerOp: r.faultsPerOp };
  };
  for (const impl of impls) await oneRound(impl, Math.min(options.warmupMs, roundMs));
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < impls.length; j++) {
      const k = (j + r) % impls.length;
      const round = await oneRound(impls[k] as Impl, roundMs, latencies[k]);
      samples[k]?.push(round.opsPerSec);
      if (round.faultsPerOp !== undefined) faults[k]?.push(round.faultsPerOp);
    }
  }
  return impls.map((impl, k): Measurement => {
    const sorted = Float64Array.from(latencies[k] ?? []).sort();
    const m: Measurement = {
      case: caseName,
      impl: impl.name,
      opsPerSec: median(samples[k] ?? []),
      p50Micros: percentile(sorted, 50),
      p99Micros: percentile(sorted, 99),
      rounds,
      samples: samples[k] ?? [],
    };
    if (faults[k]?.length === rounds) m.faultsPerOp = median(faults[k]);
    return m;
  });
}
