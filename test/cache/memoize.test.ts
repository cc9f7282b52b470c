/**
 * memoize / cached over SimpleCache: one run per argument list, stable keys whatever the
 * object key order, unless, forced refresh, per-entry and per-function (version) invalidation,
 * typed errors; key-stability property with fast-check.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemoizeError } from "#src/cache/memoize.js";
import { createCache } from "#src/manager/create-cache.js";

const simple = () => createCache({ CACHE_TYPE: "SimpleCache" });

describe("memoize", () => {
  it("runs once per argument list; object key order does not change the key", async () => {
    const cache = simple();
    let runs = 0;
    const query = cache.memoize(async function chartRows(filters: Record<string, number>, limit: number) {
      runs++;
      return { n: Object.keys(filters).length, limit };
    });
    expect(await query({ a: 1, b: 2 }, 10)).toEqual({ n: 2, limit: 10 });
    expect(await query({ b: 2, a: 1 }, 10)).toEqual({ n: 2, limit: 10 });
    expect(runs).toBe(1);
    await query({ a: 1, b: 2 }, 11);
    expect(runs).toBe(2);
    expect(await query.cacheKey({ b: 2, a: 1 }, 10)).toBe(await query.cacheKey({ a: 1, b: 2 }, 10));
    expect(await query.cacheKey({ a: 1 }, 10)).toMatch(/^chartRows:[A-Za-z0-9_-]{6}:[0-9a-f]{32}$/);
  });

  it("concurrent first calls share one run (single flight through getOrSet)", async () => {
    const cache = simple();
    let runs = 0;
    const slow = cache.memoize(
      async (x: number) => {
        runs++;
        await new Promise((r) => setTimeout(r, 20));
        return x * 2;
      },
      { name: "slow" },
    );
    expect(await Promise.all(Array.from({ length: 20 }, () => slow(4)))).toEqual(Array(20).fill(8));
    expect(runs).toBe(1);
  });

  it("unless bypasses the cache; refresh re-runs and overwrites; delete drops one entry", async () => {
    const cache = simple();
    let n = 0;
    const f = cache.memoize((k: string) => `${k}${++n}`, { name: "f", unless: (k) => k === "live" });
    expect(await f("live")).toBe("live1");
    expect(await f("live")).toBe("live2");
    expect(await f("a")).toBe("a3");
    expect(await f("a")).toBe("a3");
    expect(await f.refresh("a")).toBe("a4");
    expect(await f("a")).toBe("a4");
    expect(await f.delete("a")).toBe(true);
    expect(await f("a")).toBe("a5");
  });

  it("deleteAll invalidates every argument set of one function, not others", async () => {
    const cache = simple();
    let n = 0;
    const f = cache.memoize((k: string) => ++n + k.length, { name: "f" });
    const g = cache.memoize((k: string) => -(++n + k.length), { name: "g" });
    const f1 = await f("x");
    const f2 = await f("yy");
    const g1 = await g("x");
    expect(await f.deleteAll()).toBe(true);
    expect(await f("x")).not.toBe(f1);
    expect(await f("yy")).not.toBe(f2);
    expect(await g("x")).toBe(g1);
    expect(typeof (await cache.get("f_memver"))).toBe("string");
  });

  it("sha256 digests; the timeout (SECONDS) reaches the stored entry", async () => {
    const cache = simple();
    const f = cache.memoize((x: number) => x, { name: "h", hashMethod: "sha256", timeout: 30 });
    expect(await f.cacheKey(1)).toMatch(/:[0-9a-f]{64}$/);
    await f(1);
    const key = await f.cacheKey(1);
    expect(await cache.get(key)).toBe(1);
    const never = cache.memoize((x: number) => x, { name: "h0", timeout: 0 });
    await never(2);
    expect(await cache.get(await never.cacheKey(2))).toBe(2);
  });

  it("typed errors: anonymous function without a name, arguments JSON cannot hash", async () => {
    const cache = simple();
    expect(() => cache.memoize(((x: number) => x) as (x: number) => number, { name: "" })).toThrow(
      MemoizeError,
    );
    const f = cache.memoize((x: bigint) => Number(x), { name: "big" });
    await expect(f(1n)).rejects.toMatchObject({ code: "MEMOIZE_ARGS_NOT_SERIALIZABLE" });
  });

  it("property: equal argument values give equal keys, different JSON gives different keys", async () => {
    const cache = simple();
    const f = cache.memoize((_: unknown) => 1, { name: "p" });
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.jsonValue(), async (a, b) => {
        const same = JSON.stringify(a) === JSON.stringify(b);
        const ka = await f.cacheKey(a);
        expect(await f.cacheKey(structuredClone(a))).toBe(ka);
        if (same) expect(await f.cacheKey(b)).toBe(ka);
      }),
      { numRuns: 200 },
    );
  });
});

describe("cached", () => {
  it("one key per function by default (view/<name>), forcedUpdate, unless, key from args", async () => {
    const cache = simple();
    let n = 0;
    const dashboard = cache.cached({ timeout: 60 })(async function dashboard() {
      return ++n;
    });
    expect(await dashboard()).toBe(1);
    expect(await dashboard()).toBe(1);
    expect(await cache.get("view/dashboard")).toBe(1);
    const byPath = cache.cached<[string]>({
      keyPrefix: (path) => `view/${path}`,
      forcedUpdate: (path) => path.endsWith("?force"),
      unless: (path) => path.startsWith("/live"),
    })(async (path: string) => `${path}#${++n}`);
    expect(await byPath("/a")).toBe("/a#2");
    expect(await byPath("/a")).toBe("/a#2");
    expect(await byPath("/live")).toBe("/live#3");
    expect(await byPath("/live")).toBe("/live#4");
    expect(await byPath("/b?force")).toBe("/b?force#5");
    expect(await byPath("/b?force")).toBe("/b?force#6");
  });
});
