/**
 * Differential property test: the same random operation sequences run against cachelib 0.9.0's
 * SimpleCache (a real flask_caching.Cache in python/peer/flask_peer.py) and against ours, with
 * time set identically on both sides (the peer patches cachelib.simple.time; we use FakeClock).
 * Every operation's result must be equal, and at the end every live entry must hold the same
 * pickle bytes.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCache } from "#src/manager/create-cache.js";
import type { PyValue } from "#src/python/values.js";
import { FakeClock } from "#src/testing/index.js";
import { FlaskPeer, PeerError } from "#test/helpers/peer.js";
import { fromTagged, type Json, toTagged } from "#test/helpers/tagged.js";

const RUNS = 200;
/** NullCache has little state; fewer runs cover it. */
const NULL_RUNS = 50;
const KEYS = ["a", "b", "c", "d", "é/k"];
const START_MS = 1_700_000_000_250; // fractional second: expiry uses floor(now)

const key = fc.constantFrom(...KEYS);
const value: fc.Arbitrary<Json> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.string({ maxLength: 8 }),
  fc.constant(null),
  fc.boolean(),
  fc
    .double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })
    .filter((d) => !Number.isInteger(d)),
  fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom("x", "y"), fc.integer({ min: 0, max: 9 })),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map((n) => toTagged(n)),
  fc.uint8Array({ maxLength: 6 }).map((b) => toTagged(b)),
  fc
    .array(fc.oneof(fc.integer(), fc.string({ maxLength: 3 })), { maxLength: 3 })
    .map((xs) => ({ $tuple: xs })),
  fc.string({ unit: "grapheme", maxLength: 4 }),
);
const timeout = fc.oneof(fc.constant(undefined), fc.constantFrom(0, -1, -5), fc.integer({ min: 1, max: 20 }));

type Op =
  | { op: "set" | "add"; key: string; value: Json; timeout: number | undefined }
  | { op: "get" | "delete" | "has"; key: string }
  | { op: "inc" | "dec"; key: string; delta: number }
  | { op: "get_many" | "delete_many"; keys: string[] }
  | { op: "set_many"; items: [string, Json][]; timeout: number | undefined }
  | { op: "clear" }
  | { op: "advance"; seconds: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ op: fc.constantFrom("set" as const, "add" as const), key, value, timeout }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constantFrom("get" as const, "delete" as const, "has" as const), key }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constantFrom("inc" as const, "dec" as const),
      key,
      delta: fc.integer({ min: -3, max: 7 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constantFrom("get_many" as const, "delete_many" as const),
      keys: fc.array(key, { maxLength: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("set_many" as const),
      items: fc.array(fc.tuple(key, value), { maxLength: 3 }),
      timeout,
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("clear" as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("advance" as const),
      seconds: fc.constantFrom(0.5, 1, 2.75, 5, 11, 30),
    }),
  },
);

const configArb = fc.record({
  CACHE_THRESHOLD: fc.constantFrom(0, 1, 2, 3, 5),
  CACHE_DEFAULT_TIMEOUT: fc.constantFrom(0, 3, 300),
  CACHE_IGNORE_ERRORS: fc.boolean(),
});

/** Normalise our result to what Python can express (no undefined: None). */
function ours(v: PyValue | undefined): Json {
  return v === undefined ? null : toTagged(v);
}

/** The same for a list of results (getMany). */
function oursMany(vs: (PyValue | undefined)[]): Json {
  return vs.map(ours);
}

describe("SimpleCache/NullCache differential vs Flask-Caching 2.0.2 + cachelib 0.9.0 (flask_peer.py)", () => {
  let peer: FlaskPeer;
  beforeAll(async () => {
    peer = await FlaskPeer.start();
  });
  afterAll(async () => {
    await peer?.close();
  });

  it.each([
    ["SimpleCache", RUNS],
    ["NullCache", NULL_RUNS],
  ] as const)(
    "%s: %i random operation sequences give identical results and bytes",
    async (cacheType, runs) => {
      await fc.assert(
        fc.asyncProperty(configArb, fc.array(opArb, { minLength: 1, maxLength: 25 }), async (config, ops) => {
          const clock = new FakeClock(START_MS);
          const cache = createCache(
            { CACHE_TYPE: cacheType, ...config },
            { clock, onBackendError: "throw", exactNumbers: true },
          );
          await peer.open({ CACHE_TYPE: cacheType, ...config });
          await peer.setTime(clock.nowSeconds());
          for (const [i, op] of ops.entries()) {
            const where = `op #${i} ${JSON.stringify(op)}`;
            let mine: Json;
            switch (op.op) {
              case "advance":
                clock.advanceSeconds(op.seconds);
                await peer.setTime(clock.nowSeconds());
                continue;
              case "set":
              case "add":
                mine = await cache[op.op](op.key, fromTagged(op.value, { exactNumbers: true }), op.timeout);
                break;
              case "get":
                mine = ours(await cache.get(op.key));
                break;
              case "delete":
              case "has":
                mine = await cache[op.op](op.key);
                break;
              case "inc":
              case "dec":
                mine = await cache[op.op](op.key, op.delta).then(
                  (v) => ours(v),
                  (e: { code?: string }) => `error:${e.code}`,
                );
                break;
              case "get_many":
                mine = oursMany(await cache.getMany(op.keys));
                break;
              case "delete_many":
                mine = await cache.deleteMany(op.keys);
                break;
              case "set_many":
                // Python takes a dict: a repeated key keeps its last value, at its first position.
                mine = await cache.setMany(
                  new Map(op.items.map(([k, v]) => [k, fromTagged(v, { exactNumbers: true })])),
                  op.timeout,
                );
                break;
              case "clear":
                mine = await cache.clear();
                break;
            }
            const { op: name, ...args } = op;
            const theirs = await peer.call(name, args as Record<string, Json>).catch((e: unknown) => {
              if (e instanceof PeerError && e.type === "TypeError") return "error:INC_NOT_A_NUMBER";
              throw e;
            });
            expect(mine, where).toEqual(theirs);
          }
          for (const k of KEYS) {
            if (!(await peer.call("has", { key: k }))) continue;
            const raw = (await peer.call("raw_get", { key: k })) as [number, string];
            const mineRaw = await cache.getRaw(k);
            expect(mineRaw && Buffer.from(mineRaw).toString("hex"), `bytes of ${k}`).toBe(raw[1]);
          }
          await cache.close();
        }),
        { numRuns: runs },
      );
    },
  );
});
