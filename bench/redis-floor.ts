/**
 * The concurrency-1 floor for the Redis suite: `redis-benchmark` (C, hiredis, one connection, one
 * command in flight) against the same redis-server, run round by round like the Python peer. A
 * client can be no faster than this at concurrency 1: every call is one loopback round trip.
 */
import { spawnSync } from "node:child_process";

/** Name of the impl in the suite's tables. */
export const FLOOR_IMPL = "redis-benchmark (C, floor)";

/** Ops/s assumed for the first round's request count; later rounds use the last rate seen. */
const FIRST_GUESS_OPS_PER_SEC = 20_000;

interface Row {
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

function runBenchmark(host: string, port: number, size: number, op: "get" | "set", requests: number): Row {
  const args = ["-h", host, "-p", String(port), "-c", "1", "-n", String(requests), "-d", String(size)];
  const r = spawnSync("redis-benchmark", [...args, "-t", op, "--csv"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr || r.error}`);
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  const line = r.stdout.trim().split("\n").at(-1) ?? "";
  const cells = line.split(",").map((c) => Number(c.replaceAll('"', "")));
  return { rps: cells[1]!, p50Ms: cells[4]!, p95Ms: cells[5]!, p99Ms: cells[6]! };
}

/**
 * A round-based impl (`round(op, ms)` returns ops/s and latencies in µs). redis-benchmark reports
 * percentiles, not samples, so the latencies are a 100-sample summary with the same p50 and p99.
 */
export function redisBenchmarkFloor(host: string, port: number, size: number) {
  runBenchmark(host, port, size, "set", 200); // its GET reads the key its SET wrote
  let rate = FIRST_GUESS_OPS_PER_SEC;
  return {
    name: FLOOR_IMPL,
    round: async (op: "get" | "set", ms: number) => {
      const row = runBenchmark(host, port, size, op, Math.max(200, Math.round((rate * ms) / 1000)));
      rate = row.rps;
      const us = (msValue: number) => msValue * 1000;
      const latencies = [
        ...Array<number>(51).fill(us(row.p50Ms)),
        ...Array<number>(48).fill(us(row.p95Ms)),
        us(row.p99Ms),
      ];
      return { ops: row.rps, latencies };
    },
  };
}
