/**
 * Hostile stored bytes at the Cache layer: random bytes and mutated valid pickles under a key
 * never crash a fail-open read (a value or a counted miss), and in throw mode always surface
 * as a typed SupersetCacheError with an UPPER_SNAKE code, never a bare Error.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SupersetCacheError } from "#src/core/errors.js";
import { createCache } from "#src/manager/create-cache.js";

const VALID = Uint8Array.from(
  Buffer.from("8005951c000000000000007d94288c0161944b018c0162945d94284b024b03658c01639488752e", "hex"),
); // pickle.dumps({"a": 1, "b": [2, 3], "c": True}, 5)

const hostile = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.uint8Array({ maxLength: 16 }).map((tail) => Uint8Array.from([0x80, 0x05, ...tail])),
  fc.tuple(fc.nat({ max: VALID.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([i, b]) => {
    const copy = Uint8Array.from(VALID);
    copy[i] = b;
    return copy;
  }),
  fc.nat({ max: VALID.length - 1 }).map((n) => VALID.slice(0, n)),
);

describe("hostile stored bytes", () => {
  it("the unmutated pickle decodes (the mutations start from a valid value)", async () => {
    const cache = createCache({ CACHE_TYPE: "SimpleCache" }, { onBackendError: "throw" });
    await cache.setRaw("k", VALID, 0);
    expect({ ...((await cache.get("k")) as object) }).toEqual({ a: 1, b: [2, 3], c: true });
  });

  it("fail-open: every read resolves (value or miss) and misses are counted", async () => {
    const cache = createCache({ CACHE_TYPE: "SimpleCache" });
    await cache.whenReady();
    let misses = 0;
    await fc.assert(
      fc.asyncProperty(hostile, async (bytes) => {
        await cache.setRaw("k", bytes, 0);
        const v = await cache.get("k");
        if (v === undefined) misses++;
      }),
      { numRuns: 400 },
    );
    const counted = Object.values(cache.errorCounts()).reduce((a, b) => a + b, 0);
    expect(counted).toBe(misses);
    expect(counted).toBeGreaterThan(0);
    for (const code of Object.keys(cache.errorCounts())) expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
  });

  it("throw: every failure is a typed SupersetCacheError", async () => {
    const cache = createCache({ CACHE_TYPE: "SimpleCache" }, { onBackendError: "throw" });
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(hostile, async (bytes) => {
        await cache.setRaw("k", bytes, 0);
        try {
          await cache.get("k");
        } catch (err) {
          refused++;
          expect(err).toBeInstanceOf(SupersetCacheError);
          expect((err as SupersetCacheError).code).toMatch(/^[A-Z][A-Z0-9_]+$/);
        }
      }),
      { numRuns: 400 },
    );
    // Most hostile inputs must be refused, or the property above checked nothing.
    expect(refused).toBeGreaterThan(0);
  });
});
