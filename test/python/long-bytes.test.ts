/** LONG1/LONG4 payloads: `encodeLong` and `decodeLong` are inverse and match CPython's bytes. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeLong, encodeLong } from "#src/python/long-bytes.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("encodeLong / decodeLong", () => {
  it("write CPython's encode_long bytes", () => {
    // pickle.encode_long(0), (255), (-256), (2**63)
    expect(hex(encodeLong(0n))).toBe("");
    expect(hex(encodeLong(255n))).toBe("ff00");
    expect(hex(encodeLong(-256n))).toBe("00ff");
    expect(hex(encodeLong(2n ** 63n))).toBe("000000000000008000");
  });

  it("round-trip every int, as a number while exact", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }), (v) => {
        const back = decodeLong(encodeLong(v));
        const safe = v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER);
        expect(back).toBe(safe ? Number(v) : v);
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});
