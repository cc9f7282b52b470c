/**
 * Runs hostile inputs in a child process (test/helpers/hostile-worker.ts) under a small heap and
 * reads back one result per input; a worker that dies or stalls names the input it was on.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import type { HostileCase, HostileResult } from "#test/helpers/hostile-worker.js";
import { HELPERS_DIR, REPO_ROOT } from "#test/helpers/paths.js";
import type { HostileInput } from "./hostile-cases.js";

/** The heap every decode runs under, MB. */
export const HEAP_MB = 256;
/** The longest one decode may take, ms. */
export const TIME_BOUND_MS = 2000;
/** A worker that prints nothing for this long is stuck; it is killed and the case fails. */
const STUCK_MS = 20_000;

const dir = mkdtempSync(join(tmpdir(), "hostile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

export interface Run {
  results: HostileResult[];
  /** The case that was running when the worker died, if it did. */
  crashed: string | null;
  stderr: string;
}

/**
 * Each result whose outcome (`"value"` or the typed code) is not one its input expects, or that
 * took `TIME_BOUND_MS` or longer, as a line naming the input.
 */
export function outcomeMismatches(run: Run, inputs: readonly HostileInput[]): string[] {
  const wrong: string[] = [];
  for (const [i, r] of run.results.entries()) {
    const input = inputs[i] as HostileInput;
    const got = r.outcome === "value" ? "value" : (r.code ?? `untyped ${r.errorClass}`);
    if (!input.expect.includes(got)) wrong.push(`${r.name}: got ${got}, want ${input.expect.join("|")}`);
    if (r.ms >= TIME_BOUND_MS) wrong.push(`${r.name}: took ${r.ms.toFixed(0)} ms`);
  }
  return wrong;
}

/** Decode `inputs` in one worker process under `HEAP_MB`; resolves when it exits. */
export function runWorker(label: string, inputs: HostileInput[]): Promise<Run> {
  const manifest: HostileCase[] = inputs.map((c, i) => {
    const file = join(dir, `${label}-${i}.bin`);
    writeFileSync(file, c.bytes);
    return { name: c.name, kind: c.kind, file, cookie: c.cookie };
  });
  const manifestFile = join(dir, `${label}.json`);
  writeFileSync(manifestFile, JSON.stringify(manifest));
  const child = spawn(
    process.execPath,
    [
      `--max-old-space-size=${HEAP_MB}`,
      "--import",
      "tsx",
      join(HELPERS_DIR, "hostile-worker.ts"),
      manifestFile,
    ],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  const results: HostileResult[] = [];
  let running: string | null = null;
  let stdout = "";
  let stderr = "";
  let watchdog: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => child.kill("SIGKILL"), STUCK_MS);
  };
  arm();
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    arm();
    stdout += chunk;
    let nl = stdout.indexOf("\n");
    while (nl >= 0) {
      const line = JSON.parse(stdout.slice(0, nl)) as HostileResult | { start: string };
      stdout = stdout.slice(nl + 1);
      if ("start" in line) running = line.start;
      else {
        results.push(line);
        running = null;
      }
      nl = stdout.indexOf("\n");
    }
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve) => {
    child.on("exit", () => {
      clearTimeout(watchdog);
      resolve({ results, crashed: running, stderr });
    });
  });
}

export function report(run: Run, label: string): void {
  const worstMs = run.results.reduce((a, r) => (r.ms > a.ms ? r : a), run.results[0] as HostileResult);
  const worstHeap = run.results.reduce((a, r) => (r.heapUsed > a.heapUsed ? r : a), worstMs);
  const mb = (n: number) => (n / 2 ** 20).toFixed(0);
  console.log(
    `${label}: ${run.results.length} inputs; slowest ${worstMs.name} ${worstMs.ms.toFixed(0)} ms; ` +
      `largest heap after ${worstHeap.name} ${mb(worstHeap.heapUsed)} MB (rss ${mb(worstHeap.rss)} MB)`,
  );
}
