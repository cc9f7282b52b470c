/**
 * The hostile-input suite: every adversarial input (hostile-cases.ts) is decoded in a child
 * process with a 256 MB heap; each must end in a typed error or a value within 2 s, without
 * the process dying. A seeded mutation fuzzer over real DataFrame pickles and results payloads
 * runs the same way. The worst case's time and memory are printed for docs/hostile-input.md.
 */
import { describe, expect, it } from "vitest";
import { hostileInputs, mutants } from "./hostile-cases.js";
import { outcomeMismatches, report, runWorker, TIME_BOUND_MS } from "./run-worker.js";

describe("hostile inputs (each decoded under a 256 MB heap, 2 s bound)", () => {
  const inputs = hostileInputs();

  it("every class ends in its typed error or a value, in time, without killing the process", async () => {
    const run = await runWorker("classes", inputs);
    report(run, "hostile classes");
    expect(run.crashed, `worker died while decoding ${run.crashed}: ${run.stderr.slice(-2000)}`).toBeNull();
    expect(run.results.map((r) => r.name)).toEqual(inputs.map((c) => c.name));
    expect(outcomeMismatches(run, inputs)).toEqual([]);
  }, 120_000);

  it("seeded mutants of DataFrame pickles and results payloads give typed errors or values", async () => {
    const cases = mutants(17, 25);
    const run = await runWorker("mutants", cases);
    report(run, "mutants");
    expect(run.crashed, `worker died while decoding ${run.crashed}: ${run.stderr.slice(-2000)}`).toBeNull();
    expect(run.results).toHaveLength(cases.length);
    const untyped = run.results.filter((r) => r.outcome === "error" && r.code === null).map((r) => r.name);
    expect(untyped, run.stderr.slice(-2000)).toEqual([]);
    const slow = run.results.filter((r) => r.ms >= TIME_BOUND_MS).map((r) => `${r.name} ${r.ms} ms`);
    expect(slow).toEqual([]);
  }, 120_000);
});
