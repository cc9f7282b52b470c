/**
 * Stampede-protection costs: L1 hits against lru-cache used directly (same bytes; and the full
 * decode path against lru-cache + the same serializer), and getOrSet on hits against plain get
 * (SimpleCache: worst case relative overhead; RedisCache on a redis-server we start: the
 * realistic case). Cases are interleaved round by round so load drift on the shared machine
 * hits both sides alike; ratios are of medians.
 */

import { LRUCache } from "lru-cache";
import { L1_DEFAULTS, L1Backend } from "#src/backends/l1.js";
import { SimpleBackend } from "#src/backends/simple.js";
import { Cache } from "#src/cache/cache.js";
import { RedisSerializer } from "#src/codecs/cachelib/redis-serializer.js";
import { createCache } from "#src/manager/create-cache.js";
import { RedisServer } from "../../test/helpers/redis-server.js";
import {
  type Measurement,
  type MeasureOptions,
  measure,
  median,
  ratio,
  type SuiteResult,
} from "../harness.js";
import { roundsOr } from "../runs.js";

const KEYS = 400;
const keys = Array.from({ length: KEYS }, (_, i) => `chart:${i}`);
const value = {
  rowcount: 3,
  rows: [
    [1, "a", 2.5],
    [2, "b", 3.5],
    [3, "c", 4.5],
  ],
};
const ROUNDS = roundsOr(7);
const fast: MeasureOptions = { rounds: 1, roundMs: 200, batch: 64 };
const io: MeasureOptions = { rounds: 1, roundMs: 300, batch: 16 };

/** Run each case one round at a time, alternating, and merge rounds into medians. */
async function interleaved(
  cases: { name: string; impl: string; fn: () => unknown; options: MeasureOptions }[],
): Promise<Measurement[]> {
  const samples = cases.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, c] of cases.entries()) {
      const m = await measure(c.name, c.impl, c.fn, c.options);
      samples[i]!.push(m.opsPerSec);
    }
  }
  return cases.map((c, i) => ({
    case: c.name,
    impl: c.impl,
    opsPerSec: median(samples[i]!),
    rounds: ROUNDS,
    samples: samples[i]!,
  }));
}

/**
 * Median over rounds of ours/theirs measured in the same round: on a loaded machine a round's
 * speed swings widely, and both sides of a pair share the swing.
 */
function pairedRatio(
  m: readonly Measurement[],
  caseName: string,
  ours: string,
  theirs: string,
  target?: string,
) {
  const a = m.find((x) => x.case === caseName && x.impl === ours)!;
  const b = m.find((x) => x.case === caseName && x.impl === theirs)!;
  const perRound = a.samples.map((v, r) => v / b.samples[r]!);
  return {
    case: `${caseName} [paired rounds]`,
    ours,
    theirs,
    ratio: median(perRound),
    ...(target ? { target } : {}),
  };
}

export default async function stampedeSuite(): Promise<SuiteResult> {
  const serializer = new RedisSerializer();
  const encoded = serializer.dumps(value);
  let i = 0;
  const next = () => keys[i++ % KEYS]!;

  // L1 hits.
  const l1 = new L1Backend(new SimpleBackend(), { maxEntries: 1000 });
  const lru = new LRUCache<string, Uint8Array>({ max: 1000 });
  // The lru-cache an L1 needs: bounded by entries and bytes, with a TTL (L1Backend's defaults).
  const lruAsL1 = new LRUCache<string, Uint8Array>({
    max: 1000,
    maxSize: L1_DEFAULTS.maxBytes,
    sizeCalculation: (v) => Math.max(1, v.byteLength),
    ttl: L1_DEFAULTS.ttlSeconds * 1000,
  });
  for (const k of keys) {
    await l1.set(k, encoded, 0);
    lru.set(k, encoded);
    lruAsL1.set(k, encoded);
  }
  const l1Cache = new Cache({ backend: l1, serializer });
  const m: Measurement[] = await interleaved([
    {
      name: "L1 hit (bytes)",
      impl: "superset-cache L1Backend.peek",
      fn: () => l1.peek(next()),
      options: fast,
    },
    { name: "L1 hit (bytes)", impl: "superset-cache L1Backend.get", fn: () => l1.get(next()), options: fast },
    { name: "L1 hit (bytes)", impl: "lru-cache get", fn: () => lru.get(next()), options: fast },
    {
      name: "L1 hit (bytes)",
      impl: "lru-cache get (max + maxSize + ttl, as L1)",
      fn: () => lruAsL1.get(next()),
      options: fast,
    },
    {
      name: "L1 hit (bytes)",
      impl: "lru-cache get in an async function",
      fn: async () => lru.get(next()),
      options: fast,
    },
    {
      name: "L1 hit (value)",
      impl: "superset-cache Cache.peek over L1",
      fn: () => l1Cache.peek(next()),
      options: fast,
    },
    {
      name: "L1 hit (value)",
      impl: "superset-cache Cache over L1",
      fn: () => l1Cache.get(next()),
      options: fast,
    },
    {
      name: "L1 hit (value)",
      impl: "lru-cache get + same serializer.loads",
      fn: () => serializer.loads(lru.get(next())!),
      options: fast,
    },
  ]);

  // getOrSet on hits.
  const simple = createCache({ CACHE_TYPE: "SimpleCache" });
  const server = await RedisServer.start({ label: "bench-stampede" });
  const redis = createCache({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${server.url}/0` });
  try {
    for (const k of keys) {
      await simple.set(k, value, 0);
      await redis.set(k, value, 0);
    }
    const factory = () => value;
    const graced = Object.freeze({ graceSeconds: 60, softTimeoutSeconds: 1 });
    m.push(
      ...(await interleaved([
        { name: "hit, SimpleCache", impl: "cache.get", fn: () => simple.get(next()), options: fast },
        {
          name: "hit, SimpleCache",
          impl: "cache.getOrSet",
          fn: () => simple.getOrSet(next(), factory),
          options: fast,
        },
        { name: "hit, RedisCache", impl: "cache.get", fn: () => redis.get(next()), options: io },
        {
          name: "hit, RedisCache",
          impl: "cache.getOrSet",
          fn: () => redis.getOrSet(next(), factory),
          options: io,
        },
        {
          name: "hit, RedisCache",
          impl: "cache.getOrSet grace+soft",
          fn: () => redis.getOrSet(next(), factory, graced),
          options: io,
        },
      ])),
    );
  } finally {
    await simple.close();
    await redis.close();
    await server.stop();
  }

  return {
    suite: "stampede",
    measurements: m,
    ratios: [
      ratio(m, "L1 hit (bytes)", "superset-cache L1Backend.peek", "lru-cache get", ">= 0.8"),
      ratio(
        m,
        "L1 hit (bytes)",
        "superset-cache L1Backend.peek",
        "lru-cache get (max + maxSize + ttl, as L1)",
      ),
      ratio(m, "L1 hit (bytes)", "superset-cache L1Backend.get", "lru-cache get"),
      ratio(m, "L1 hit (bytes)", "superset-cache L1Backend.get", "lru-cache get in an async function"),
      ratio(
        m,
        "L1 hit (value)",
        "superset-cache Cache.peek over L1",
        "lru-cache get + same serializer.loads",
        ">= 0.8",
      ),
      ratio(m, "L1 hit (value)", "superset-cache Cache over L1", "lru-cache get + same serializer.loads"),
      ratio(m, "hit, SimpleCache", "cache.getOrSet", "cache.get", ">= 0.9 (overhead <= 10%)"),
      ratio(m, "hit, RedisCache", "cache.getOrSet", "cache.get", ">= 0.9 (overhead <= 10%)"),
      ratio(m, "hit, RedisCache", "cache.getOrSet grace+soft", "cache.get"),
      pairedRatio(m, "L1 hit (bytes)", "superset-cache L1Backend.peek", "lru-cache get", ">= 0.8"),
      pairedRatio(
        m,
        "L1 hit (value)",
        "superset-cache Cache.peek over L1",
        "lru-cache get + same serializer.loads",
        ">= 0.8",
      ),
      pairedRatio(m, "hit, SimpleCache", "cache.getOrSet", "cache.get", ">= 0.9"),
      pairedRatio(m, "hit, RedisCache", "cache.getOrSet", "cache.get", ">= 0.9"),
      pairedRatio(m, "hit, RedisCache", "cache.getOrSet grace+soft", "cache.get"),
    ],
    notes: [
      `${KEYS} keys cycled; value is a small chart-like dict ("!"+pickle, ${encoded.byteLength} bytes).`,
      "peek is the synchronous L1 read (same work as lru-cache get plus hit counting); get is async (the backend contract), hence the async-function row.",
      `Rounds interleaved (${ROUNDS} per case), medians; RedisCache cases run sequentially (one call in flight).`,
    ],
  };
}
