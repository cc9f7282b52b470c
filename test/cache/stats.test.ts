/**
 * Cache statistics and diagnostics events over in-memory backends (the counting logic is what
 * is tested here; latency comes from a FakeClock advanced by the backend itself).
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { SimpleBackend } from "#src/backends/simple.js";
import { Cache } from "#src/cache/cache.js";
import { LatencyHistogram } from "#src/cache/latency-histogram.js";
import { PickleSerializer } from "#src/codecs/cachelib/pickle-serializer.js";
import {
  type CacheFailOpenEvent,
  type CacheOperationEvent,
  FAIL_OPEN_CHANNEL_NAME,
  OPERATION_CHANNEL_NAME,
} from "#src/core/channels.js";
import { CacheManager } from "#src/manager/cache-manager.js";
import { FakeClock } from "#src/testing/fake-clock.js";

/** A SimpleBackend whose calls take `delayMs` on the fake clock, and can be broken. */
class TimedBackend extends SimpleBackend {
  broken = false;
  delayMs = 0;
  constructor(readonly statsClock: FakeClock) {
    super();
    for (const m of ["get", "getMany", "set", "setMany", "add", "delete", "has", "clear"] as const) {
      const original = this[m].bind(this) as (...a: unknown[]) => Promise<unknown>;
      (this as unknown as Record<string, unknown>)[m] = async (...args: unknown[]) => {
        this.statsClock.advanceMs(this.delayMs);
        if (this.broken) throw new Error(`socket closed during ${m}`);
        return original(...args);
      };
    }
  }
}

function setup(stats: boolean | undefined = true) {
  const clock = new FakeClock(0);
  const backend = new TimedBackend(clock);
  const cache = new Cache({
    backend,
    serializer: new PickleSerializer(),
    name: "DATA_CACHE_CONFIG",
    stats: stats === false ? false : { clock, timeEvery: 1 },
  });
  return { clock, backend, cache };
}

const opEvents: CacheOperationEvent[] = [];
const failEvents: CacheFailOpenEvent[] = [];
const onOp = (m: unknown) => opEvents.push(m as CacheOperationEvent);
const onFail = (m: unknown) => failEvents.push(m as CacheFailOpenEvent);
afterEach(() => {
  unsubscribe(OPERATION_CHANNEL_NAME, onOp);
  unsubscribe(FAIL_OPEN_CHANNEL_NAME, onFail);
  opEvents.length = 0;
  failEvents.length = 0;
});

describe("cache.stats()", () => {
  it("counts hits, misses, sets, deletes and bytes", async () => {
    const { cache } = setup();
    expect(await cache.set("a", "x")).toBe(true);
    const written = (await cache.getRaw("a"))!.length;
    expect(await cache.get("a")).toBe("x");
    expect(await cache.get("nope")).toBeUndefined();
    expect(await cache.getMany(["a", "b", "a"])).toEqual(["x", undefined, "x"]);
    expect(await cache.add("a", "y")).toBe(false); // existing: not a set
    expect(await cache.setMany({ b: 1, c: 2 })).toEqual(["b", "c"]);
    expect(await cache.delete("c")).toBe(true);
    expect(await cache.delete("c")).toBe(false);
    const s = cache.stats()!;
    expect(s.cache).toBe("DATA_CACHE_CONFIG");
    expect(s.hits).toBe(1 + 1 + 2); // getRaw + get + two in getMany
    expect(s.misses).toBe(2);
    expect(s.hitRatio).toBeCloseTo(4 / 6);
    expect(s.sets).toBe(3);
    expect(s.deletes).toBe(1);
    expect(s.bytesRead).toBe(written * 4);
    expect(s.bytesWritten).toBeGreaterThanOrEqual(written * 2);
    expect(s.errors).toEqual({});
    expect(Object.keys(s.latency).sort()).toEqual(
      ["add", "delete", "get", "getMany", "getRaw", "set", "setMany"].sort(),
    );
  });

  it("latency percentiles come from the injected clock", async () => {
    const { cache, backend } = setup();
    for (let i = 1; i <= 100; i++) {
      backend.delayMs = i; // 1..100 ms
      await cache.get("k");
    }
    const lat = cache.stats()!.latency.get!;
    expect(lat.count).toBe(100);
    // Bucket bounds are within 2^(1/8) (~9%) above the true value.
    expect(lat.p50).toBeGreaterThanOrEqual(50);
    expect(lat.p50).toBeLessThanOrEqual(50 * 1.091);
    expect(lat.p90).toBeGreaterThanOrEqual(90);
    expect(lat.p90).toBeLessThanOrEqual(90 * 1.091);
    expect(lat.p99).toBeGreaterThanOrEqual(99);
    expect(lat.p99).toBeLessThanOrEqual(100);
    expect(lat.max).toBe(100);
    expect(lat.mean).toBeCloseTo(50.5);
  });

  it("counts errors by code, failed reads as misses, and resets", async () => {
    const { cache, backend } = setup();
    await cache.set("k", 1);
    backend.broken = true;
    expect(await cache.get("k")).toBeUndefined();
    expect(await cache.getMany(["a", "b"])).toEqual([undefined, undefined]);
    expect(await cache.set("k", 2)).toBe(false);
    backend.broken = false;
    await cache.setRaw("bad", new Uint8Array([0x80, 0x05, 0xff])); // not a pickle
    expect(await cache.get("bad")).toBeUndefined();
    const s = cache.stats()!;
    expect(s.errors.BACKEND_OPERATION_FAILED).toBe(3);
    expect(Object.values(s.errors).reduce((a, b) => a + b)).toBe(4);
    expect(s.misses).toBe(1 + 2 + 1);
    expect(s.sets).toBe(2); // first set and setRaw
    cache.resetStats();
    const z = cache.stats()!;
    expect([z.hits, z.misses, z.sets, z.deletes, z.bytesRead, z.bytesWritten]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(z.errors).toEqual({});
    expect(z.latency.get?.count).toBe(0);
  });

  it("latency is sampled one call in timeEvery (default 8); counters stay exact; a subscriber forces timing", async () => {
    const clock = new FakeClock(0);
    const backend = new TimedBackend(clock);
    backend.delayMs = 2;
    const cache = new Cache({ backend, serializer: new PickleSerializer(), stats: { clock } });
    for (let i = 0; i < 80; i++) await cache.get("k");
    let s = cache.stats()!;
    expect(s.misses).toBe(80);
    expect(s.latency.get!.count).toBe(10);
    expect(s.latency.get!.p50).toBeGreaterThanOrEqual(2);
    subscribe(OPERATION_CHANNEL_NAME, onOp);
    for (let i = 0; i < 5; i++) await cache.get("k");
    s = cache.stats()!;
    expect(s.latency.get!.count).toBe(15);
    expect(opEvents.map((e) => e.durationMs)).toEqual([2, 2, 2, 2, 2]);
  });

  it("stats: false collects nothing", async () => {
    const { cache } = setup(false);
    await cache.set("a", 1);
    expect(cache.stats()).toBeUndefined();
  });

  it("hits + misses equals keys read, for any sequence (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom("get", "set", "getMany", "delete"), fc.nat(5)), { maxLength: 40 }),
        async (ops) => {
          const { cache } = setup();
          let reads = 0;
          let hits = 0;
          const model = new Set<number>();
          for (const [op, k] of ops) {
            if (op === "set") {
              await cache.set(`k${k}`, k);
              model.add(k);
            } else if (op === "delete") {
              await cache.delete(`k${k}`);
              model.delete(k);
            } else if (op === "get") {
              await cache.get(`k${k}`);
              reads++;
              if (model.has(k)) hits++;
            } else {
              await cache.getMany([`k${k}`, `k${(k + 1) % 6}`]);
              reads += 2;
              hits += (model.has(k) ? 1 : 0) + (model.has((k + 1) % 6) ? 1 : 0);
            }
          }
          const s = cache.stats()!;
          expect(s.hits).toBe(hits);
          expect(s.hits + s.misses).toBe(reads);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe("diagnostics events", () => {
  it("one operation event per call, and one fail-open event per swallowed failure", async () => {
    subscribe(OPERATION_CHANNEL_NAME, onOp);
    subscribe(FAIL_OPEN_CHANNEL_NAME, onFail);
    const { cache, backend } = setup();
    backend.delayMs = 3;
    await cache.set("k", 1);
    await cache.get("k");
    backend.broken = true;
    await cache.get("k");
    expect(opEvents.map((e) => [e.operation, e.outcome, e.durationMs])).toEqual([
      ["set", "ok", 3],
      ["get", "ok", 3],
      ["get", "fail-open", 3],
    ]);
    expect(opEvents[2]!.code).toBe("BACKEND_OPERATION_FAILED");
    expect(failEvents).toHaveLength(1);
    expect(failEvents[0]).toMatchObject({
      cache: "DATA_CACHE_CONFIG",
      operation: "get",
      returned: undefined,
    });
  });

  it("throw policy publishes outcome error and no fail-open event", async () => {
    subscribe(OPERATION_CHANNEL_NAME, onOp);
    subscribe(FAIL_OPEN_CHANNEL_NAME, onFail);
    const clock = new FakeClock(0);
    const backend = new TimedBackend(clock);
    backend.broken = true;
    const cache = new Cache({ backend, serializer: new PickleSerializer(), onBackendError: "throw" });
    await expect(cache.get("k")).rejects.toThrow();
    expect(opEvents.map((e) => e.outcome)).toEqual(["error"]);
    expect(failEvents).toHaveLength(0);
    expect(cache.stats()!.errors).toEqual({ BACKEND_OPERATION_FAILED: 1 });
  });
});

describe("manager.stats()", () => {
  it("one snapshot per named cache, resettable together", async () => {
    const m = new CacheManager({
      CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      EXPLORE_FORM_DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      RESULTS_BACKEND: { CACHE_TYPE: "SimpleCache" },
    });
    await m.dataCache.set("a", 1);
    await m.dataCache.get("a");
    await m.cache.get("zz");
    const all = m.stats();
    expect(Object.keys(all).sort()).toEqual(
      [
        "CACHE_CONFIG",
        "DATA_CACHE_CONFIG",
        "EXPLORE_FORM_DATA_CACHE_CONFIG",
        "FILTER_STATE_CACHE_CONFIG",
        "RESULTS_BACKEND",
        "THUMBNAIL_CACHE_CONFIG",
      ].sort(),
    );
    expect(all.DATA_CACHE_CONFIG).toMatchObject({ hits: 1, sets: 1, misses: 0 });
    expect(all.CACHE_CONFIG).toMatchObject({ hits: 0, misses: 1 });
    m.resetStats();
    expect(m.stats().DATA_CACHE_CONFIG!.hits).toBe(0);
    await m.close();
  });
});

describe("LatencyHistogram", () => {
  it("percentiles stay within one bucket (~9%) of the exact value (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.002, max: 5000, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (xs) => {
          const h = new LatencyHistogram();
          for (const x of xs) h.record(x);
          const sorted = [...xs].sort((a, b) => a - b);
          for (const p of [50, 90, 99]) {
            const exact = sorted[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)]!;
            const got = h.percentile(p);
            expect(got).toBeGreaterThanOrEqual(exact * 0.9999);
            expect(got).toBeLessThanOrEqual(exact * 2 ** (1 / 8) * 1.0001);
          }
        },
      ),
    );
  });
});

const SIMPLE_REQUIRED = {
  FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
  EXPLORE_FORM_DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
} as const;

describe("stats options through createCache/CacheManager", () => {
  it("CacheManager({ stats }) reaches every cache: an injected clock and timeEvery 1, or false", async () => {
    const clock = new FakeClock(0);
    const m = new CacheManager(
      {
        ...SIMPLE_REQUIRED,
        DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
        RESULTS_BACKEND: { CACHE_TYPE: "SimpleCache" },
      },
      { stats: { clock, timeEvery: 1 } },
    );
    await m.dataCache.get("a");
    await m.resultsBackend.get("b");
    expect(m.stats().DATA_CACHE_CONFIG!.latency.get!.count).toBe(1);
    expect(m.stats().RESULTS_BACKEND!.latency.get!.count).toBe(1);
    const off = new CacheManager({ ...SIMPLE_REQUIRED }, { stats: false });
    expect(off.stats()).toEqual({});
    await m.close();
    await off.close();
  });
});
