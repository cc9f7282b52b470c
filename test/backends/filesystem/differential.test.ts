/**
 * Differential property tests: the same random sequence of set/add/get/has/delete/clear and clock
 * moves is applied to Flask-Caching's FileSystemCache (python/peer/ops_fs.py) in one directory
 * and to FileSystemBackend in another; every result, and at the end every file name and every
 * byte of every file (count file included), must match.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FileSystemBackend } from "#src/backends/filesystem/backend.js";
import { encodeCount } from "#src/backends/filesystem/count.js";
import type { Clock } from "#src/core/clock.js";
import { FsPeer } from "#test/helpers/filesystem-peer.js";

const T0 = 1_795_326_371;
const KEYS = ["a", "b", "c", "d", "e", "f"];

type Op =
  | { op: "set" | "add"; key: string; value: number; timeout: number }
  | { op: "get" | "has" | "delete"; key: string }
  | { op: "clear" }
  | { op: "advance"; seconds: number };

class FixedClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
}

let peer: FsPeer;
const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "fs-diff-"));
  dirs.push(dir);
  return dir;
};
const snapshot = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((name) => [name, readFileSync(join(dir, name)).toString("hex")]),
  );

beforeAll(() => {
  peer = new FsPeer();
});
afterAll(async () => {
  await peer.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function runBoth(ops: Op[], threshold: number): Promise<void> {
  const pyDir = freshDir();
  const tsDir = freshDir();
  let now = T0;
  await peer.call({ op: "open", dir: pyDir, threshold });
  await peer.call({ op: "time", now });
  const clock = new FixedClock(now * 1000);
  const ours = await FileSystemBackend.open({ dir: tsDir, threshold, clock });
  for (const [i, o] of ops.entries()) {
    const where = `step ${i}: ${JSON.stringify(o)}`;
    switch (o.op) {
      case "advance":
        now += o.seconds;
        clock.ms = now * 1000;
        await peer.call({ op: "time", now });
        break;
      case "set":
      case "add": {
        const pickle = Buffer.from(encodeCount(o.value));
        const theirs = await peer.call({
          op: o.op,
          key: o.key,
          pickle_hex: pickle.toString("hex"),
          timeout: o.timeout,
        });
        expect(await ours[o.op](o.key, pickle, o.timeout), where).toBe(theirs.result);
        break;
      }
      case "get": {
        const theirs = await peer.call({ op: "get", key: o.key });
        const got = await ours.get(o.key);
        expect(got !== undefined, where).toBe(theirs.found);
        if (got !== undefined) expect(Buffer.from(got).toString("hex"), where).toBe(theirs.pickle_hex);
        break;
      }
      case "has":
      case "delete":
      case "clear": {
        const theirs = await peer.call(o.op === "clear" ? { op: "clear" } : { op: o.op, key: o.key });
        const mine = o.op === "clear" ? await ours.clear("") : await ours[o.op](o.key);
        expect(mine, where).toBe(theirs.result);
        break;
      }
    }
  }
  expect(snapshot(tsDir)).toEqual(snapshot(pyDir));
}

const key = fc.constantFrom(...KEYS);
const value = fc.integer({ min: -70_000, max: 70_000 });

it("random operation sequences: same results, same files, same bytes (no pruning)", async () => {
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      op: fc.constantFrom("set" as const, "add" as const),
      key,
      value,
      timeout: fc.constantFrom(0, -1, 1, 5, 100, 2.7),
    }),
    fc.record({ op: fc.constantFrom("get" as const, "has" as const, "delete" as const), key }),
    fc.constant({ op: "clear" as const }),
    fc.record({ op: fc.constant("advance" as const), seconds: fc.constantFrom(0.4, 1, 3, 50) }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 30 }), (ops) => runBoth(ops, 500)),
    { numRuns: 40 },
  );
}, 120_000);

it("random sequences over a small threshold: same pruning victims (distinct expiries)", async () => {
  // Each set gets a distinct timeout, so no two entries share an expiry and pruning order does
  // not depend on directory order (which may differ between two directories).
  const opList = fc
    .array(
      fc.oneof(
        fc.record({ kind: fc.constant("set" as const), key, value }),
        fc.record({ kind: fc.constant("delete" as const), key }),
        fc.record({ kind: fc.constant("advance" as const), seconds: fc.constantFrom(1, 7, 30) }),
      ),
      { minLength: 5, maxLength: 30 },
    )
    .map((steps) =>
      steps.map((s, i): Op => {
        if (s.kind === "set")
          return { op: "set", key: s.key, value: s.value, timeout: i % 7 === 0 ? -(i + 1) : 100 * (i + 1) };
        if (s.kind === "delete") return { op: "delete", key: s.key };
        return { op: "advance", seconds: s.seconds };
      }),
    );
  await fc.assert(
    fc.asyncProperty(opList, fc.constantFrom(2, 3, 4), (ops, threshold) => runBoth(ops, threshold)),
    { numRuns: 30 },
  );
}, 120_000);

it("count-file int pickles match CPython for random ints", async () => {
  const ints = fc.sample(
    fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.integer({ min: -300, max: 70_000 })),
    300,
  );
  for (const n of ints) {
    const ours = Buffer.from(encodeCount(n)).toString("hex");
    const theirs = (await peer.call({ op: "repickle", pickle_hex: ours })).result;
    expect(ours, String(n)).toBe(theirs);
  }
});
