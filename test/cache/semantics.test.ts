/**
 * Cache (Flask-Caching's cache object) over the Simple and Null backends: every method's
 * return values, timeouts 0 / undefined / negative, add on existing keys, inc/dec on missing
 * keys, deleteMany's stop rule, value isolation, raw bytes.
 */
import { describe, expect, it } from "vitest";
import { createCache } from "#src/manager/create-cache.js";
import { PyFloat, PyTuple } from "#src/python/values.js";
import { FakeClock } from "#src/testing/index.js";

function simple(extra: Record<string, unknown> = {}) {
  const clock = new FakeClock();
  const cache = createCache({ CACHE_TYPE: "SimpleCache", ...extra }, { clock });
  return { cache, clock };
}

describe("Cache over SimpleCache", () => {
  it("get: missing → undefined, stored None → null", async () => {
    const { cache } = simple();
    expect(await cache.get("nope")).toBeUndefined();
    expect(await cache.set("none", null)).toBe(true);
    expect(await cache.get("none")).toBeNull();
    expect(await cache.has("none")).toBe(true);
  });

  it("round-trips Python-shaped values", async () => {
    const { cache } = simple();
    const value = {
      a: [1, "two", null, 3.5],
      t: PyTuple.fromItems([1, 2]),
      b: new Uint8Array([0, 1]),
      big: 2n ** 70n,
    };
    await cache.set("v", value);
    const got = (await cache.get("v")) as Record<string, unknown>;
    expect(got.a).toEqual([1, "two", null, 3.5]);
    expect(got.t).toBeInstanceOf(PyTuple);
    expect(Uint8Array.from(got.b as Uint8Array)).toEqual(new Uint8Array([0, 1]));
    expect(got.big).toBe(2n ** 70n);
  });

  it("values are isolated: mutating what get returned does not change the cache", async () => {
    const { cache } = simple();
    const list = [1, 2];
    await cache.set("l", list);
    list.push(3); // after set
    const got = (await cache.get("l")) as number[];
    expect(got).toEqual([1, 2]);
    got.push(99);
    expect(await cache.get("l")).toEqual([1, 2]);
  });

  it("timeout undefined uses the default (seconds); 0 never expires; negative is never readable", async () => {
    const { cache, clock } = simple({ CACHE_DEFAULT_TIMEOUT: 60 });
    expect(cache.defaultTimeout).toBe(60);
    await cache.set("dflt", 1);
    await cache.set("zero", 2, 0);
    await cache.set("neg", 3, -1);
    expect(await cache.get("neg")).toBeUndefined();
    clock.advanceSeconds(59);
    expect(await cache.get("dflt")).toBe(1);
    clock.advanceSeconds(2);
    expect(await cache.get("dflt")).toBeUndefined();
    clock.advanceSeconds(1e8);
    expect(await cache.get("zero")).toBe(2);
  });

  it("CACHE_OPTIONS.default_timeout wins over CACHE_DEFAULT_TIMEOUT, as in Flask-Caching", () => {
    const { cache } = simple({ CACHE_DEFAULT_TIMEOUT: 10, CACHE_OPTIONS: { default_timeout: 77 } });
    expect(cache.defaultTimeout).toBe(77);
  });

  it("rejects non-numeric timeouts with a typed error", async () => {
    const { cache } = simple();
    await expect(cache.set("k", 1, Number.NaN)).rejects.toMatchObject({ code: "INVALID_TIMEOUT" });
    await expect(cache.set("k", 1, "5" as unknown as number)).rejects.toMatchObject({
      code: "INVALID_TIMEOUT",
    });
  });

  it("add: true on a new key, false on an existing one (value unchanged)", async () => {
    const { cache } = simple();
    expect(await cache.add("k", "first")).toBe(true);
    expect(await cache.add("k", "second")).toBe(false);
    expect(await cache.get("k")).toBe("first");
  });

  it("inc/dec on a missing key start from 0 and store with the default timeout", async () => {
    const { cache, clock } = simple({ CACHE_DEFAULT_TIMEOUT: 30 });
    expect(await cache.inc("n")).toBe(1);
    expect(await cache.inc("n", 5)).toBe(6);
    expect(await cache.dec("m", 2)).toBe(-2);
    expect(await cache.dec("n")).toBe(5);
    clock.advanceSeconds(31);
    expect(await cache.get("n")).toBeUndefined();
  });

  it("inc follows Python arithmetic: falsy → 0, True → 1, floats stay floats, ints grow to bigint", async () => {
    const { cache } = simple();
    await cache.set("f", false);
    expect(await cache.inc("f", 2)).toBe(2);
    await cache.set("t", true);
    expect(await cache.inc("t")).toBe(2);
    await cache.set("x", 1.5);
    expect(await cache.inc("x")).toBe(2.5);
    // Without exactNumbers the codec returns an integral float (2.0) as a JS number, so the
    // increment is stored as an int: a documented deviation from Python (3.0 there).
    await cache.set("pf", new PyFloat(2));
    expect(await cache.inc("pf")).toBe(3);
    // With exactNumbers the float survives: 2.0 + 1 == 3.0, as in Python.
    const exact = createCache({ CACHE_TYPE: "SimpleCache" }, { exactNumbers: true });
    await exact.set("pf", new PyFloat(2));
    expect(await exact.inc("pf")).toEqual(new PyFloat(3));
    expect(await exact.get("pf")).toEqual(new PyFloat(3));
    await cache.set("big", Number.MAX_SAFE_INTEGER);
    expect(await cache.inc("big")).toBe(BigInt(Number.MAX_SAFE_INTEGER) + 1n);
    await cache.set("s", "text");
    await expect(cache.inc("s")).rejects.toMatchObject({ code: "INC_NOT_A_NUMBER" });
  });

  it("getMany / getDict keep order with undefined for misses; setMany returns the keys stored", async () => {
    const { cache } = simple();
    expect(await cache.setMany({ a: 1, b: null })).toEqual(["a", "b"]);
    expect(await cache.setMany(new Map([["c", 3]]), 0)).toEqual(["c"]);
    expect(await cache.setMany([["d", 4] as const])).toEqual(["d"]);
    expect(await cache.getMany(["b", "zz", "a"])).toEqual([null, undefined, 1]);
    expect(await cache.getMany([])).toEqual([]);
    expect({ ...(await cache.getDict(["a", "zz"])) }).toEqual({ a: 1, zz: undefined });
  });

  it("delete reports whether the key existed; deleteMany stops at the first miss", async () => {
    const { cache } = simple();
    await cache.setMany({ a: 1, b: 2, c: 3 });
    expect(await cache.delete("zz")).toBe(false);
    expect(await cache.deleteMany(["a", "zz", "c"])).toEqual(["a"]);
    expect(await cache.has("c")).toBe(true);
  });

  it("deleteMany continues past misses with CACHE_IGNORE_ERRORS", async () => {
    const { cache } = simple({ CACHE_IGNORE_ERRORS: true });
    await cache.setMany({ a: 1, c: 3 });
    expect(await cache.deleteMany(["a", "zz", "c"])).toEqual(["a", "c"]);
  });

  it("has, clear", async () => {
    const { cache } = simple();
    await cache.set("a", 1);
    expect(await cache.has("a")).toBe(true);
    expect(await cache.has("b")).toBe(false);
    expect(await cache.clear()).toBe(true);
    expect(await cache.has("a")).toBe(false);
  });

  it("applies no key prefix for SimpleCache (Flask-Caching ignores CACHE_KEY_PREFIX there)", () => {
    const { cache } = simple({ CACHE_KEY_PREFIX: "pre_" });
    expect(cache.keyPrefix).toBe("");
    expect(cache.storageKey("k")).toBe("k");
  });

  it("getRaw/setRaw move plain pickle bytes, copied at the boundary", async () => {
    const { cache } = simple();
    await cache.set("one", 1);
    const raw = await cache.getRaw("one");
    expect(Buffer.from(raw!).toString("hex")).toBe("80054b012e"); // pickle.dumps(1, 5)
    raw![3] = 2; // mutate the copy
    expect(await cache.get("one")).toBe(1);
    const bytes = Uint8Array.from(Buffer.from("80054b072e", "hex"));
    expect(await cache.setRaw("seven", bytes)).toBe(true);
    bytes[3] = 9;
    expect(await cache.get("seven")).toBe(7);
    expect(await cache.getRaw("missing")).toBeUndefined();
  });

  it("threshold prunes as cachelib (through the Cache layer)", async () => {
    const { cache } = simple({ CACHE_THRESHOLD: 2 });
    await cache.set("a", 1, 10);
    await cache.set("b", 2, 20);
    await cache.set("c", 3, 30);
    await cache.set("d", 4, 40);
    expect(await cache.getMany(["a", "b", "c", "d"])).toEqual([undefined, 2, 3, 4]);
  });
});

describe("Cache over NullCache", () => {
  it("behaves as Flask-Caching's NullCache", async () => {
    const cache = createCache({}); // CACHE_TYPE defaults to "null"
    expect(cache.defaultTimeout).toBe(300);
    expect(await cache.set("k", 1)).toBe(true);
    expect(await cache.add("k", 1)).toBe(true);
    expect(await cache.get("k")).toBeUndefined();
    expect(await cache.getMany(["a", "b"])).toEqual([undefined, undefined]);
    expect(await cache.setMany({ a: 1, b: 2 })).toEqual(["a", "b"]);
    expect(await cache.has("k")).toBe(false);
    expect(await cache.delete("k")).toBe(true);
    expect(await cache.deleteMany(["a", "b"])).toEqual(["a", "b"]);
    expect(await cache.clear()).toBe(true);
    expect(await cache.inc("n", 5)).toBe(5);
    expect(await cache.inc("n", 5)).toBe(5); // delta every time
    expect(await cache.dec("n", 2)).toBe(-2);
    await cache.close();
    await cache.close();
  });
});
