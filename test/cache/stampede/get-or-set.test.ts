/**
 * getOrSet logic over SimpleCache (in-process; the cross-process and outage behaviour is proven
 * against real redis-server in test/interop/stampede.test.ts): single flight, soft/hard
 * timeouts, grace copies (in-process and companion key), forced refresh, lock contract use.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DistributedLock } from "#src/backends/backend.js";
import { SimpleBackend } from "#src/backends/simple.js";
import { Cache } from "#src/cache/cache.js";
import { GetOrSetTimeoutError, GRACE_KEY_SUFFIX } from "#src/cache/stampede/get-or-set.js";
import { PickleSerializer } from "#src/codecs/cachelib/pickle-serializer.js";
import { createCache } from "#src/manager/create-cache.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const simple = () => createCache({ CACHE_TYPE: "SimpleCache" });

describe("getOrSet", () => {
  it("runs the factory once for 100 concurrent callers of one cold key and stores the value", async () => {
    const cache = simple();
    let runs = 0;
    const factory = async () => {
      runs++;
      await sleep(30);
      return { rows: [1, 2, 3] };
    };
    const values = await Promise.all(Array.from({ length: 100 }, () => cache.getOrSet("k", factory)));
    expect(runs).toBe(1);
    for (const v of values) expect(v).toEqual({ rows: [1, 2, 3] });
    expect(await cache.get("k")).toEqual({ rows: [1, 2, 3] });
    const s = cache.getOrSetStats();
    expect(s.factoryRuns).toBe(1);
    expect(s.singleFlightJoins).toBe(99);
    // A later call is a plain hit.
    expect(await cache.getOrSet("k", factory)).toEqual({ rows: [1, 2, 3] });
    expect(runs).toBe(1);
    expect(cache.getOrSetStats().hits).toBe(1);
  });

  it("a stored None (null) is a hit, not a miss", async () => {
    const cache = simple();
    await cache.set("n", null);
    let runs = 0;
    expect(await cache.getOrSet("n", () => ++runs)).toBeNull();
    expect(runs).toBe(0);
  });

  it("different keys run separately; the entry timeout is passed in SECONDS", async () => {
    const cache = simple();
    await cache.getOrSet("a", () => 1, { timeout: 1 });
    await cache.getOrSet("b", () => 2, { timeout: 0 });
    expect(await cache.get("a")).toBe(1);
    await sleep(1100);
    expect(await cache.get("a")).toBeUndefined();
    expect(await cache.get("b")).toBe(2);
  });

  it("a factory error propagates when there is no grace copy, and is counted", async () => {
    const cache = simple();
    const boom = new Error("db down");
    await expect(cache.getOrSet("e", () => Promise.reject(boom))).rejects.toBe(boom);
    expect(cache.getOrSetStats().factoryErrors).toBe(1);
    expect(await cache.get("e")).toBeUndefined();
  });

  it("hard timeout: GetOrSetTimeoutError with its code, the factory's signal aborts, nothing stored", async () => {
    const cache = simple();
    let aborted = false;
    const t0 = Date.now();
    const err = await cache
      .getOrSet(
        "slow",
        ({ signal }) =>
          new Promise<string>((resolve) => {
            signal.addEventListener("abort", () => {
              aborted = true;
            });
            setTimeout(() => resolve("late"), 2000);
          }),
        { hardTimeoutSeconds: 0.2 },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GetOrSetTimeoutError);
    expect((err as GetOrSetTimeoutError).code).toBe("GET_OR_SET_HARD_TIMEOUT");
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(aborted).toBe(true);
    expect(await cache.get("slow")).toBeUndefined();
  });

  it("grace: after expiry a failing factory is answered with the last good value (counted)", async () => {
    const cache = simple();
    expect(await cache.getOrSet("g", () => "v1", { timeout: 1, graceSeconds: 60 })).toBe("v1");
    // The companion key holds the same value with timeout + grace.
    expect(await cache.get(`g${GRACE_KEY_SUFFIX}`)).toBe("v1");
    await sleep(1100);
    expect(await cache.get("g")).toBeUndefined();
    const v = await cache.getOrSet("g", () => Promise.reject(new Error("db down")), {
      timeout: 1,
      graceSeconds: 60,
    });
    expect(v).toBe("v1");
    expect(cache.getOrSetStats().staleServed.factoryError).toBe(1);
  });

  it("grace from the companion key when this process has no copy (another process filled it)", async () => {
    const cache = simple();
    await cache.set(`h${GRACE_KEY_SUFFIX}`, "from-elsewhere", 60);
    const v = await cache.getOrSet("h", () => Promise.reject(new Error("x")), { graceSeconds: 30 });
    expect(v).toBe("from-elsewhere");
  });

  it("grace ends: a copy older than timeout + grace is not served", async () => {
    const cache = simple();
    await cache.getOrSet("old", () => "v1", { timeout: 1, graceSeconds: 1 });
    await sleep(2200);
    await expect(
      cache.getOrSet("old", () => Promise.reject(new Error("down")), { timeout: 1, graceSeconds: 1 }),
    ).rejects.toThrow("down");
  });

  it("soft timeout: stale answer within the soft timeout, the run finishes in the background and refreshes", async () => {
    const cache = simple();
    await cache.getOrSet("s", () => "old", { timeout: 1, graceSeconds: 60 });
    await sleep(1100);
    const t0 = Date.now();
    const v = await cache.getOrSet(
      "s",
      async () => {
        await sleep(400);
        return "new";
      },
      // 5 s: SimpleCache expiry has whole-second granularity, 1 s could lapse before the check.
      { timeout: 5, graceSeconds: 60, softTimeoutSeconds: 0.1 },
    );
    expect(v).toBe("old");
    expect(Date.now() - t0).toBeLessThan(350);
    expect(cache.getOrSetStats().staleServed.softTimeout).toBe(1);
    await sleep(500);
    expect(await cache.get("s")).toBe("new");
  });

  it("soft timeout without a stale copy waits for the value", async () => {
    const cache = simple();
    const v = await cache.getOrSet(
      "w",
      async () => {
        await sleep(150);
        return "fresh";
      },
      { softTimeoutSeconds: 0.05, graceSeconds: 10 },
    );
    expect(v).toBe("fresh");
  });

  it("forceRefresh skips the read and overwrites", async () => {
    const cache = simple();
    await cache.set("f", "stale");
    expect(await cache.getOrSet("f", () => "fresh", { forceRefresh: true })).toBe("fresh");
    expect(await cache.get("f")).toBe("fresh");
  });

  it("uses the lock: waits for the holder's value instead of running the factory", async () => {
    const cache = simple();
    const held: DistributedLock = {
      acquire: async () => undefined, // always held by "another process"
      release: async () => true,
    };
    let runs = 0;
    setTimeout(() => void cache.set("l", "from-holder"), 120);
    const v = await cache.getOrSet("l", () => ++runs, { lock: held, lockPollMs: 20 });
    expect(v).toBe("from-holder");
    expect(runs).toBe(0);
    expect(cache.getOrSetStats().lockWaitHits).toBe(1);
  });

  it("lock wait runs out: runs its own factory before the hard timeout", async () => {
    const cache = simple();
    const held: DistributedLock = { acquire: async () => undefined, release: async () => true };
    const t0 = Date.now();
    const v = await cache.getOrSet("lw", () => "own", {
      lock: held,
      lockPollMs: 20,
      lockWaitSeconds: 0.2,
      hardTimeoutSeconds: 2,
    });
    expect(v).toBe("own");
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(cache.getOrSetStats().lockWaitTimeouts).toBe(1);
  });

  it("a failing lock store is counted and the factory still runs; the lock key carries the prefix", async () => {
    const cache = createCache({ CACHE_TYPE: "SimpleCache" });
    const keys: string[] = [];
    const broken: DistributedLock = {
      acquire: async (k) => {
        keys.push(k);
        throw new Error("lock store down");
      },
      release: async () => true,
    };
    expect(await cache.getOrSet("x", () => 7, { lock: broken })).toBe(7);
    expect(cache.getOrSetStats().lockErrors).toBe(1);
    expect(keys).toEqual(["x::lock"]);
  });

  it("rejects negative or non-finite timeouts with a typed error", async () => {
    const cache = simple();
    await expect(cache.getOrSet("z", () => 1, { hardTimeoutSeconds: -1 })).rejects.toMatchObject({
      code: "GET_OR_SET_INVALID_OPTION",
    });
  });
  it("property: any interleaving of concurrent calls runs each key's factory once, every caller gets its key's value", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 })), {
          minLength: 1,
          maxLength: 60,
        }),
        async (calls) => {
          const cache = simple();
          const runs = new Map<number, number>();
          const results = await Promise.all(
            calls.map(async ([k, delayTicks]) => {
              for (let i = 0; i < delayTicks; i++) await Promise.resolve();
              return cache.getOrSet(`k${k}`, async () => {
                runs.set(k, (runs.get(k) ?? 0) + 1);
                await sleep(1);
                return { key: k };
              });
            }),
          );
          for (const [i, r] of results.entries()) expect(r).toEqual({ key: calls[i]?.[0] });
          for (const n of runs.values()) expect(n).toBe(1);
          expect(runs.size).toBe(new Set(calls.map(([k]) => k)).size);
        },
      ),
      { numRuns: 100 },
    );
  });
  it("a write that hangs does not hold callers past the hard timeout; the lock waits for the write", async () => {
    const inner = new SimpleBackend();
    let releaseWrite: () => void = () => undefined;
    const hanging = Object.assign(Object.create(inner) as SimpleBackend, {
      set: (key: string, value: Uint8Array, timeout: number) =>
        new Promise<boolean>((resolve) => {
          releaseWrite = () => void inner.set(key, value, timeout).then(resolve);
        }),
    });
    const cache = new Cache({ backend: hanging, serializer: new PickleSerializer() });
    const released: string[] = [];
    const lock = {
      acquire: async () => "token",
      release: async (k: string) => {
        released.push(k);
        return true;
      },
    };
    const t0 = Date.now();
    expect(await cache.getOrSet("h", () => "fresh", { hardTimeoutSeconds: 0.2, lock })).toBe("fresh");
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(released).toEqual([]); // still writing
    releaseWrite();
    await sleep(20);
    expect(released).toEqual(["h::lock"]);
    expect(await cache.get("h")).toBe("fresh");
  });
  it("a fractional grace period still writes a whole-second companion timeout", async () => {
    const cache = simple();
    expect(await cache.getOrSet("fg", () => "v", { timeout: 10, graceSeconds: 0.5 })).toBe("v");
    expect(await cache.get(`fg${GRACE_KEY_SUFFIX}`)).toBe("v");
  });
});
