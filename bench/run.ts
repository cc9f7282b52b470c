/**
 * `npm run bench [-- suite ...]`: runs every suite in bench/suites (or the named ones)
 * `BENCH_RUNS` times (default 3, bench/runs.ts), each comparing ours against its peers in the
 * same run, prints the medians over the runs with their range and the machine's state at the
 * start of each run, and writes bench/results/*.json (read by `npm run bench:check`).
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { report, type SuiteResult } from "./harness.js";
import { BENCH_RUNS, combineRuns, describeMachine, type MachineState, machineState } from "./runs.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "suites");
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".ts"))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.ts$/, "")))
  .sort();
if (files.length === 0) throw new Error(`no bench suite matches ${wanted.join(", ")}`);

console.log(`bench: ${BENCH_RUNS} run(s) per suite; ${describeMachine(machineState())}`);
for (const file of files) {
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as { default: () => Promise<SuiteResult> };
  const runs: SuiteResult[] = [];
  const machine: MachineState[] = [];
  for (let i = 0; i < BENCH_RUNS; i++) {
    machine.push(machineState());
    console.log(`${file.replace(/\.ts$/, "")} run ${i + 1}/${BENCH_RUNS}: ${describeMachine(machine[i]!)}`);
    runs.push(await mod.default());
  }
  report(combineRuns(runs), { runs: BENCH_RUNS, machine });
}
