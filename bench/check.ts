/**
 * `npm run bench:check`: reads the last results (bench/results/<suite>.json, written by
 * `npm run bench`) and compares the ratios with the performance targets, printing each target's
 * median and per-run range and what falls short. Then lists every other ratio whose own
 * `target` (">= x", "> x", "<= x") it misses. Exits 1 when a target is missed or has no result.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Ratio, SuiteResult } from "./harness.js";
import { describeMachine, type MachineState, RESULTS_DIR } from "./runs.js";

interface Target {
  /** The target as the performance issue states it. */
  row: string;
  suite: string;
  case: string;
  ours: string;
  /** Picks among ratios of the same case and ours (e.g. the p50 one against the fastest raw client). */
  targetIncludes?: string;
  theirs?: string;
  /** The ratio must be at least this. */
  min: number;
  /** `true`: every run must reach `min`, not only the median. */
  everyRun?: boolean;
}

const PICKLE_OURS = "superset-cache";
const CPYTHON = "python-C-pickle";

/** The targets of the performance issue (ours / theirs, > 1 = ours faster). */
const TARGETS: readonly Target[] = [
  {
    row: "pickle encode (a) 100k×8 mixed DataFrame vs CPython",
    suite: "pickle",
    case: "encode (a) 100k×8 mixed DataFrame",
    ours: PICKLE_OURS,
    theirs: CPYTHON,
    min: 1,
  },
  {
    row: "pickle encode (c) ~1 MB nested dict/list vs CPython",
    suite: "pickle",
    case: "encode (c) ~1 MB nested dict/list",
    ours: PICKLE_OURS,
    theirs: CPYTHON,
    min: 1,
  },
  {
    row: "pickle decode (b) 1M-row numeric frame vs CPython",
    suite: "pickle",
    case: "decode (b) 1M-row numeric DataFrame",
    ours: PICKLE_OURS,
    theirs: CPYTHON,
    min: 1,
  },
  {
    row: "pickle decode (a) vs warm CPython, in every run",
    suite: "pickle",
    case: "decode (a) 100k×8 mixed DataFrame",
    ours: PICKLE_OURS,
    theirs: CPYTHON,
    min: 1.5,
    everyRun: true,
  },
  {
    row: "Redis Cache get 1 KB, concurrency 64, vs the fastest raw client (p50)",
    suite: "redis",
    case: "get 1KB c=64",
    ours: "ours (Cache) p50",
    targetIncludes: "fastest raw, p50",
    min: 1,
  },
  {
    row: "FileSystemCache get 100 KB vs cachelib (sync reads)",
    suite: "filesystem",
    case: "get 100 KB",
    ours: "superset-cache",
    theirs: "cachelib 0.9.0 (Python)",
    min: 1,
  },
  {
    row: "metastore get vs a raw pg statement",
    suite: "metastore",
    case: "postgresql get",
    ours: "superset-cache MetastoreBackend (postgresql)",
    min: 0.9,
  },
  {
    row: "metastore get vs a raw mysql2 statement",
    suite: "metastore",
    case: "mysql get",
    ours: "superset-cache MetastoreBackend (mysql)",
    min: 0.9,
  },
];

type Recorded = SuiteResult & { date?: string; runs?: number; machine?: MachineState[] };

function load(suite: string, cache: Map<string, Recorded | undefined>): Recorded | undefined {
  if (!cache.has(suite)) {
    const path = join(RESULTS_DIR, `${suite}.json`);
    cache.set(suite, existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Recorded) : undefined);
  }
  return cache.get(suite);
}

function find(result: Recorded, t: Target): Ratio | undefined {
  return result.ratios.find(
    (r) =>
      r.case === t.case &&
      r.ours === t.ours &&
      (t.theirs === undefined || r.theirs === t.theirs) &&
      (t.targetIncludes === undefined || (r.target ?? "").includes(t.targetIncludes)),
  );
}

const perRunOf = (r: Ratio): number[] => r.perRun ?? [r.ratio];
const range = (values: readonly number[]) =>
  `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;

/** A ratio's own target string as a check, when it has a plain numeric form. */
function ownTarget(target: string | undefined): ((x: number) => boolean) | undefined {
  const m = /^\s*(>=|≥|>|<=|≤)\s*([0-9.]+)/.exec(target ?? "");
  if (!m) return undefined;
  const bound = Number(m[2]);
  if (m[1] === ">") return (x) => x > bound;
  if (m[1] === "<=" || m[1] === "≤") return (x) => x <= bound;
  return (x) => x >= bound;
}

const results = new Map<string, Recorded | undefined>();
let short = 0;
const rows = TARGETS.map((t) => {
  const result = load(t.suite, results);
  const r = result && find(result, t);
  if (!r) {
    short++;
    return {
      target: t.row,
      now: "",
      runs: "",
      goal: `≥ ${t.min}`,
      status: `no result (npm run bench -- ${t.suite})`,
    };
  }
  const runs = perRunOf(r);
  const value = t.everyRun ? Math.min(...runs) : r.ratio;
  const ok = value >= t.min;
  if (!ok) short++;
  return {
    target: t.row,
    now: r.ratio.toFixed(2),
    runs: `${range(runs)} (${runs.length})`,
    goal: `≥ ${t.min}${t.everyRun ? " in every run" : ""}`,
    status: ok ? "ok" : `SHORT by ${(t.min - value).toFixed(2)}`,
  };
});

console.log("## Targets\n");
console.table(rows);
for (const [suite, r] of results) {
  if (!r) continue;
  const machine = r.machine?.[0];
  console.log(
    `${suite}: ${r.date ?? "undated"}, ${r.runs ?? 1} run(s)${machine ? `; ${describeMachine(machine)}` : ""}`,
  );
}

console.log("\n## Other ratios below their own target\n");
const others: Record<string, string>[] = [];
const recorded = existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR).filter((f) => f.endsWith(".json")) : [];
for (const suite of recorded.map((f) => f.replace(/\.json$/, "")).sort()) {
  const result = load(suite, results);
  for (const r of result?.ratios ?? []) {
    const check = ownTarget(r.target);
    if (check && !check(r.ratio)) {
      others.push({
        suite,
        case: r.case,
        "ours/theirs": `${r.ours} / ${r.theirs}`,
        ratio: r.ratio.toFixed(2),
        runs: range(perRunOf(r)),
        target: r.target ?? "",
      });
    }
  }
}
if (others.length) console.table(others);
else console.log("none");
console.log(
  short ? `\n${short} of ${TARGETS.length} targets not met` : `\nall ${TARGETS.length} targets met`,
);
process.exitCode = short ? 1 : 0;
