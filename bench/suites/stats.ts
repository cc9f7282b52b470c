/**
 * Stats overhead: the same Cache over SimpleCache (in memory, the harshest case: no I/O to hide
 * the cost) with stats on and stats off, get and set, chunks of 500 calls alternating on/off so load drift
 * hits both alike. The ratio is on/off ops/s from the medians of per-round ratios; the target
 * is at most 3% slower (ratio >= 0.97). A diagnostics subscriber is NOT attached (zero-cost path).
 */
import { SimpleBackend } from "#src/backends/simple.js";
import { Cache } from "#src/cache/cache.js";
import { PickleSerializer } from "#src/codecs/cachelib/pickle-serializer.js";
import { type Measurement, median, type SuiteResult } from "../harness.js";
import { roundsOr } from "../runs.js";

const KEYS = 256;
const ROUNDS = roundsOr(11);
/** Calls per timed chunk; chunks of the two caches alternate. */
const CHUNK = 500;
const CHUNKS_PER_ROUND = 20;
const WARMUP_CHUNKS = 10;
const keys = Array.from({ length: KEYS }, (_, i) => `chart:${i}`);
const value = {
  rowcount: 3,
  rows: [
    [1, "a", 2.5],
    [2, "b", 3.5],
    [3, "c", 4.5],
  ],
};

function makeCache(stats: boolean): Cache {
  return new Cache({
    backend: new SimpleBackend({ threshold: KEYS * 2 }),
    serializer: new PickleSerializer(),
    name: "DATA_CACHE_CONFIG",
    stats: stats ? {} : false,
  });
}

export default async function statsSuite(): Promise<SuiteResult> {
  const on = makeCache(true);
  const off = makeCache(false);
  for (const k of keys) {
    await on.set(k, value);
    await off.set(k, value);
  }
  const measurements: Measurement[] = [];
  const ratios: SuiteResult["ratios"] = [];
  for (const op of ["get", "set"] as const) {
    let i = 0;
    const chunk = async (c: Cache): Promise<number> => {
      const t0 = performance.now();
      for (let n = 0; n < CHUNK; n++) {
        const k = keys[i++ % KEYS]!;
        if (op === "get") await c.get(k);
        else await c.set(k, value);
      }
      return performance.now() - t0;
    };
    for (let w = 0; w < WARMUP_CHUNKS; w++) {
      await chunk(on);
      await chunk(off);
    }
    const onSamples: number[] = [];
    const offSamples: number[] = [];
    const perRound: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Small alternating chunks, order flipped each time: load drift on a shared machine hits both alike.
      let onMs = 0;
      let offMs = 0;
      for (let c = 0; c < CHUNKS_PER_ROUND; c++) {
        if (c % 2 === 0) {
          onMs += await chunk(on);
          offMs += await chunk(off);
        } else {
          offMs += await chunk(off);
          onMs += await chunk(on);
        }
      }
      const opsPerRound = CHUNK * CHUNKS_PER_ROUND * 1000;
      onSamples.push(opsPerRound / onMs);
      offSamples.push(opsPerRound / offMs);
      perRound.push(offMs / onMs);
    }
    for (const [impl, samples] of [
      ["stats-on", onSamples],
      ["stats-off", offSamples],
    ] as const) {
      measurements.push({
        case: `${op} (SimpleCache, pickle)`,
        impl,
        opsPerSec: median(samples),
        rounds: ROUNDS,
        samples,
      });
    }
    ratios.push({
      case: `${op} (SimpleCache, pickle)`,
      ours: "stats-on",
      theirs: "stats-off",
      ratio: median(perRound),
      target: ">= 0.97 (at most 3% overhead)",
    });
  }
  await on.close();
  await off.close();
  return {
    suite: "stats",
    measurements,
    ratios,
    notes: [
      "ratio = median over 11 rounds of (time without stats) / (time with stats), each round 20 alternating chunks of 500 calls; in-memory backend, so the overhead is not hidden behind network I/O",
    ],
  };
}
