import { describe, expect, it } from "vitest";
import {
  bitsOfBytes,
  validityOfDatetimes,
  validityOfMask,
} from "#src/codecs/pickle/dataframe/column-bits.js";

/** Reference: one bit per byte, set when the byte is not 0. */
function naiveBits(bytes: Uint8Array, n: number): Uint8Array {
  const bits = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (bytes[i] !== 0) bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
  return bits;
}

/** Deterministic bytes: mostly 0/1, with some other non-zero bytes when `odd`. */
function sample(n: number, seed: number, odd: boolean): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const r = x >>> 24;
    out[i] = odd && r % 17 === 0 ? (r | 2) & 0xff : r & 1;
  }
  return out;
}

describe("bitsOfBytes", () => {
  it("packs bools at every length and byte offset, including bytes other than 0 and 1", () => {
    const backing = new Uint8Array(200);
    for (const odd of [false, true]) {
      for (let n = 0; n <= 70; n++) {
        for (let offset = 0; offset < 8; offset++) {
          const src = sample(n, n * 31 + offset, odd);
          backing.fill(0xff);
          backing.set(src, offset);
          const view = backing.subarray(offset, offset + n);
          expect(bitsOfBytes(view, n)).toEqual(naiveBits(src, n));
        }
      }
    }
  });
});

describe("validityOfMask", () => {
  it("has no bitmap when nothing is missing", () => {
    expect(validityOfMask(new Uint8Array(1001), 1001)).toEqual({ bitmap: undefined, nulls: 0 });
  });

  it("sets a bit for every present value and counts the missing ones", () => {
    for (const n of [1, 7, 8, 9, 64, 1001]) {
      const backing = new Uint8Array(n + 3);
      const mask = backing.subarray(3);
      mask.set(sample(n, n, true));
      mask[n - 1] = 1;
      const { bitmap, nulls } = validityOfMask(mask, n);
      const present = naiveBits(
        mask.map((m) => (m === 0 ? 1 : 0)),
        n,
      );
      expect(bitmap).toEqual(present);
      expect(nulls).toBe(mask.filter((m) => m !== 0).length);
    }
  });
});

describe("validityOfDatetimes", () => {
  it("marks NaT (int64 minimum) missing and keeps 0 and other negatives present", () => {
    const values = new BigInt64Array([0n, -(2n ** 63n), -1n, 1_700_000_000_000_000_000n, -(2n ** 63n) + 1n]);
    const { bitmap, nulls } = validityOfDatetimes(values, values.length);
    expect(nulls).toBe(1);
    expect(bitmap).toEqual(new Uint8Array([0b11101]));
  });

  it("finds NaT anywhere, among many values, and leaves the padding bits 0", () => {
    const NAT = -(2n ** 63n);
    for (const n of [1, 8, 13, 1000]) {
      const values = new BigInt64Array(n);
      const missing = new Set<number>();
      for (let i = 0; i < n; i++) {
        if (i % 7 === 3 || i === n - 1) {
          values[i] = NAT;
          missing.add(i);
        } else values[i] = i % 5 === 0 ? 0n : BigInt(i) * 1_000_000_007n;
      }
      const { bitmap, nulls } = validityOfDatetimes(values, n);
      const expected = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++)
        if (!missing.has(i)) expected[i >> 3] = (expected[i >> 3] as number) | (1 << (i & 7));
      expect(nulls).toBe(missing.size);
      expect(bitmap).toEqual(expected);
    }
  });

  it("finds NaTs among many zero values (zero durations)", () => {
    const n = 5000;
    const values = new BigInt64Array(n);
    values[17] = -(2n ** 63n);
    values[4321] = -(2n ** 63n);
    values[4999] = -(2n ** 63n);
    const { bitmap, nulls } = validityOfDatetimes(values, n);
    expect(nulls).toBe(3);
    const missing = [17, 4321, 4999].map((i) => ((bitmap as Uint8Array)[i >> 3] as number) & (1 << (i & 7)));
    expect(missing).toEqual([0, 0, 0]);
    expect(bitmap?.[0]).toBe(0xff);
  });
});
