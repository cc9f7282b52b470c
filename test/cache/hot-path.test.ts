/**
 * The Cache fast path (backend already created) keeps the slow path's contract: a backend that
 * throws synchronously is handled like one that rejects (fail-open fallback or typed error),
 * argument and encode errors reject instead of throwing synchronously, undecodable bytes follow
 * the policy, and the first call (backend not yet created) behaves the same.
 */
import { describe, expect, it } from "vitest";
import type { CacheBackend } from "#src/backends/backend.js";
import { Cache } from "#src/cache/cache.js";
import { PickleSerializer } from "#src/codecs/cachelib/pickle-serializer.js";
import type { PyValue } from "#src/python/values.js";

/** A backend whose every call throws synchronously (not a rejected promise). */
function throwingBackend(): CacheBackend {
  const boom = (): never => {
    throw new Error("sync boom");
  };
  return {
    kind: "throwing",
    get: boom,
    getMany: boom,
    set: boom,
    add: boom,
    setMany: boom,
    delete: boom,
    deleteMany: boom,
    has: boom,
    clear: boom,
    close: async () => {},
  };
}

function garbageBackend(): CacheBackend {
  const junk = new Uint8Array([0x80, 0x05, 0xff]);
  return { ...throwingBackend(), kind: "garbage", get: async () => junk };
}

const make = (backend: CacheBackend, policy: "fail-open" | "throw") =>
  new Cache({ backend, serializer: new PickleSerializer(), onBackendError: policy });

describe.each([false, true])("backend created before the call: %s", (warm) => {
  const prepare = async (c: Cache) => {
    if (warm) await c.whenReady();
    return c;
  };

  it("fail-open: a synchronously throwing backend gives the fallback and is counted", async () => {
    const c = await prepare(make(throwingBackend(), "fail-open"));
    const calls = [c.get("k"), c.set("k", 1), c.add("k", 1)];
    expect(calls.every((p) => p instanceof Promise)).toBe(true);
    expect(await Promise.all(calls)).toEqual([undefined, false, false]);
    expect(c.errorCounts()).toEqual({ BACKEND_OPERATION_FAILED: 3 });
  });

  it("throw: the same calls reject with a typed CacheBackendError", async () => {
    const c = await prepare(make(throwingBackend(), "throw"));
    for (const p of [c.get("k"), c.set("k", 1), c.add("k", 1)]) {
      await expect(p).rejects.toMatchObject({ code: "BACKEND_OPERATION_FAILED" });
    }
  });

  it("bad timeouts and unencodable values reject (never a synchronous throw), whatever the policy", async () => {
    const c = await prepare(make(throwingBackend(), "fail-open"));
    let p: Promise<boolean> | undefined;
    expect(() => {
      p = c.set("k", 1, 0.5);
    }).not.toThrow();
    await expect(p).rejects.toMatchObject({ code: "INVALID_TIMEOUT" });
    const notPython = (() => 1) as unknown as PyValue;
    let q: Promise<boolean> | undefined;
    expect(() => {
      q = c.add("k", notPython);
    }).not.toThrow();
    await expect(q).rejects.toHaveProperty("code");
    expect(c.errorCounts()).toEqual({});
  });

  it("undecodable bytes: a miss under fail-open (counted by code), a typed error under throw", async () => {
    const open = await prepare(make(garbageBackend(), "fail-open"));
    expect(await open.get("k")).toBeUndefined();
    expect(Object.keys(open.errorCounts())).toHaveLength(1);
    const strict = await prepare(make(garbageBackend(), "throw"));
    await expect(strict.get("k")).rejects.toHaveProperty("code", expect.stringMatching(/^PICKLE_/));
  });
});
