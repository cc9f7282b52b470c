/**
 * The hostile-input suite for session and Celery payloads: crafted cases and seeded mutants of
 * real Flask-Session values, Flask cookies, kombu messages and Celery result meta
 * (session-celery-cases.ts), each decoded by the public decoder in a child process with a
 * 256 MB heap, ending in a typed error or a value within 2 s. The session readers answer
 * `null` for anything unreadable and never throw for content.
 */
import { describe, expect, it } from "vitest";
import { readCookieSession } from "#src/auth/cookie-session.js";
import { decodeSessionValue } from "#src/auth/server-session.js";
import { decodeTaskMessage } from "#src/celery/message.js";
import { decodeTaskResult } from "#src/celery/results.js";
import { dictGet } from "#src/python/dicts.js";
import type { HostileInput } from "./hostile-cases.js";
import { outcomeMismatches, report, runWorker, TIME_BOUND_MS } from "./run-worker.js";
import {
  COOKIE_CONTEXT,
  craftedSessionCelery,
  pythonSeeds,
  sessionCeleryMutants,
} from "./session-celery-cases.js";

/** Decoders whose contract is to answer (null included) for any content. */
const NEVER_THROW = new Set(["session-value", "cookie-session"]);

describe("hostile session and Celery payloads (256 MB heap, 2 s bound)", () => {
  const seeds = pythonSeeds();

  it("the seeds are real payloads the decoders read", () => {
    expect(seeds.map((s) => s.kind).sort()).toEqual([
      ...Array(4).fill("celery-message"),
      ...Array(3).fill("celery-result"),
      ...Array(2).fill("cookie-session"),
      ...Array(4).fill("session-value"),
    ]);
    expect(seeds.find((s) => s.name === "cookie-compressed")?.bytes.toString("latin1")).toMatch(/^\./);
    const clock = { now: () => COOKIE_CONTEXT.nowSeconds * 1000 };
    for (const s of seeds) {
      if (s.kind === "cookie-session") {
        const session = readCookieSession(s.bytes.toString("latin1"), { ...COOKIE_CONTEXT, clock });
        expect(dictGet(session?.data ?? null, "_user_id"), s.name).toBe("1");
      } else if (s.kind === "session-value") {
        expect(dictGet(decodeSessionValue(s.bytes)?.data ?? null, "_user_id"), s.name).toBe("1");
      } else if (s.kind === "celery-message") expect(decodeTaskMessage(s.bytes).protocol, s.name).toBe(2);
      else expect(decodeTaskResult(s.bytes, "t").taskId, s.name).toBe("00000000-0000-0000-0000-000000000063");
    }
  });

  it("crafted cases (zlib bombs, nesting and floods under the caps) end as expected, in time", async () => {
    const inputs = craftedSessionCelery(seeds);
    // Stored values (cookies, Redis values, messages) are small; only cookie insides are inflated text.
    const large = inputs.filter((c) => c.kind !== "cookie-payload" && c.bytes.length > 64 * 1024);
    expect(large.map((c) => `${c.name} ${c.bytes.length} B`)).toEqual([]);
    const run = await runWorker("session-celery", inputs);
    report(run, "session/celery crafted");
    expect(run.crashed, `worker died while decoding ${run.crashed}: ${run.stderr.slice(-2000)}`).toBeNull();
    expect(run.results.map((r) => r.name)).toEqual(inputs.map((c) => c.name));
    expect(outcomeMismatches(run, inputs)).toEqual([]);
  }, 120_000);

  it("seeded mutants of the real payloads give typed errors or values (readers: values)", async () => {
    const cases = [
      ...seeds.map((s) => ({ ...s, expect: [], cookie: COOKIE_CONTEXT })),
      ...sessionCeleryMutants(seeds, 17, 30),
    ];
    const run = await runWorker("session-celery-mutants", cases);
    report(run, "session/celery mutants");
    expect(run.crashed, `worker died while decoding ${run.crashed}: ${run.stderr.slice(-2000)}`).toBeNull();
    expect(run.results).toHaveLength(cases.length);
    // The unmutated seeds decode to values.
    expect(run.results.slice(0, seeds.length).filter((r) => r.outcome !== "value")).toEqual([]);
    const untyped = run.results.filter((r) => r.outcome === "error" && r.code === null).map((r) => r.name);
    expect(untyped, run.stderr.slice(-2000)).toEqual([]);
    const thrown = run.results
      .filter((r, i) => r.outcome === "error" && NEVER_THROW.has((cases[i] as HostileInput).kind))
      .map((r) => `${r.name}: ${r.code}`);
    expect(thrown).toEqual([]);
    const slow = run.results.filter((r) => r.ms >= TIME_BOUND_MS).map((r) => `${r.name} ${r.ms} ms`);
    expect(slow).toEqual([]);
  }, 120_000);
});
