/**
 * The Cache layer's error policy with a backend that fails on demand (a fake is right here:
 * this is the policy's logic, not interop).
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterEach, describe, expect, it } from "vitest";
import type { CacheBackend } from "#src/backends/backend.js";
import { SimpleBackend } from "#src/backends/simple.js";
import { Cache } from "#src/cache/cache.js";
import { PickleSerializer } from "#src/codecs/cachelib/pickle-serializer.js";
import { type CacheErrorEvent, ERROR_CHANNEL_NAME } from "#src/core/channels.js";
import { CacheBackendError, CacheConfigError } from "#src/core/errors.js";

class BrokenBackend extends SimpleBackend {
  broken = true;
  constructor() {
    super();
    for (const m of [
      "get",
      "getMany",
      "set",
      "setMany",
      "add",
      "delete",
      "deleteMany",
      "has",
      "clear",
    ] as const) {
      const original = this[m].bind(this) as (...a: unknown[]) => Promise<unknown>;
      (this as unknown as Record<string, unknown>)[m] = async (...args: unknown[]) => {
        if (this.broken) throw new Error(`socket closed during ${m}`);
        return original(...args);
      };
    }
  }
}

function cacheOver(backend: CacheBackend, policy?: "fail-open" | "throw") {
  return new Cache({
    backend,
    serializer: new PickleSerializer(),
    onBackendError: policy,
    name: "DATA_CACHE_CONFIG",
  });
}

const events: CacheErrorEvent[] = [];
const listener = (msg: unknown) => events.push(msg as CacheErrorEvent);
afterEach(() => {
  unsubscribe(ERROR_CHANNEL_NAME, listener);
  events.length = 0;
});

describe("fail-open (default)", () => {
  it("reads miss, writes return false, every error is counted by code and published", async () => {
    subscribe(ERROR_CHANNEL_NAME, listener);
    const cache = cacheOver(new BrokenBackend());
    expect(cache.policy).toBe("fail-open");
    expect(await cache.get("k")).toBeUndefined();
    expect(await cache.getMany(["a", "b"])).toEqual([undefined, undefined]);
    expect(await cache.set("k", 1)).toBe(false);
    expect(await cache.add("k", 1)).toBe(false);
    expect(await cache.setMany({ a: 1 })).toEqual([]);
    expect(await cache.has("k")).toBe(false);
    expect(await cache.delete("k")).toBe(false);
    expect(await cache.deleteMany(["a", "b"])).toEqual([]);
    expect(await cache.clear()).toBe(false);
    expect(await cache.inc("n")).toBeNull(); // cachelib: None for backend errors
    expect(cache.errorCounts()).toEqual({ BACKEND_OPERATION_FAILED: 11 });
    expect(events).toHaveLength(11); // inc = a failed get + a failed set; deleteMany stops at the first
    expect(events[0]).toMatchObject({
      cache: "DATA_CACHE_CONFIG",
      operation: "get",
      code: "BACKEND_OPERATION_FAILED",
    });
  });

  it("undecodable stored bytes read as a miss and are counted under the decoder's code", async () => {
    const cache = cacheOver(new SimpleBackend());
    await cache.setRaw("bad", Uint8Array.from([0x80, 0x05, 0xff, 0x2e]));
    await cache.setRaw("truncated", Uint8Array.from([0x80, 0x05, 0x8c]));
    expect(await cache.get("bad")).toBeUndefined();
    expect(await cache.getMany(["truncated", "bad"])).toEqual([undefined, undefined]);
    const counts = cache.errorCounts();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(3);
    for (const code of Object.keys(counts)) expect(code).toMatch(/^PICKLE_[A-Z_]+$/);
  });

  it("configuration errors are never swallowed", async () => {
    const backend = new SimpleBackend();
    backend.get = async () => {
      throw new CacheConfigError("CONFIG_INVALID_VALUE", "X", "bad");
    };
    await expect(cacheOver(backend).get("k")).rejects.toBeInstanceOf(CacheConfigError);
  });

  it("costs nothing to publish without subscribers (still counts)", async () => {
    const cache = cacheOver(new BrokenBackend());
    await cache.get("k");
    expect(events).toHaveLength(0);
    expect(cache.errorCounts()).toEqual({ BACKEND_OPERATION_FAILED: 1 });
  });
});

describe("throw", () => {
  it("raises CacheBackendError with a stable code and the cause", async () => {
    const cache = cacheOver(new BrokenBackend(), "throw");
    const err = await cache.get("k").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CacheBackendError);
    expect(err).toMatchObject({ code: "BACKEND_OPERATION_FAILED", backend: "simple" });
    expect((err as Error).cause).toBeInstanceOf(Error);
    await expect(cache.set("k", 1)).rejects.toBeInstanceOf(CacheBackendError);
    expect(cache.errorCounts()).toEqual({});
  });

  it("raises the decoder's typed error for bad stored bytes", async () => {
    const cache = cacheOver(new SimpleBackend(), "throw");
    await cache.setRaw("bad", Uint8Array.from([0x80, 0x05, 0xff, 0x2e]));
    await expect(cache.get("bad")).rejects.toMatchObject({ code: expect.stringMatching(/^PICKLE_/) });
  });

  it("recovers when the backend comes back", async () => {
    const backend = new BrokenBackend();
    const cache = cacheOver(backend, "throw");
    await expect(cache.get("k")).rejects.toThrow();
    backend.broken = false;
    expect(await cache.set("k", "v")).toBe(true);
    expect(await cache.get("k")).toBe("v");
  });
});
