/**
 * The encoder's Arrow column readers that read validity bitmaps and bit-packed booleans
 * directly: they must agree with Arrow's own per-cell accessors on sliced (offset ≠ 0) and
 * multi-chunk vectors, with and without nulls.
 */
import { Bool, Float32, Float64, Utf8, type Vector, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { boolBytes, floatsWithNaN, listOf, Utf8List } from "#src/codecs/pickle/dataframe/arrow-columns.js";
import { dumps } from "#src/codecs/pickle/encode/encoder.js";
import type { PyValue } from "#src/python/values.js";

/** `v` cut at odd places and rejoined: several chunks, each with its own bit offset. */
function chunked(v: Vector): Vector {
  return v.slice(3, 11).concat(v.slice(11, 12), v.slice(12));
}

const cells = (n: number, f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => f(i));

describe("Arrow column readers", () => {
  it("boolBytes unpacks booleans at every bit offset", () => {
    const v = vectorFromArray(
      cells(37, (i) => (i * 7) % 3 === 0),
      new Bool(),
    );
    for (const x of [v, chunked(v), v.slice(5)]) {
      expect(Array.from(boolBytes(x))).toEqual(cells(x.length, (i) => (x.get(i) ? 1 : 0)));
    }
  });

  it("floatsWithNaN puts NaN exactly at the nulls, for float64 and float32", () => {
    for (const [type, bits] of [
      [new Float64(), 64],
      [new Float32(), 32],
    ] as const) {
      const v = vectorFromArray(
        cells(29, (i) => (i % 4 === 1 ? null : i / 8)),
        type,
      );
      for (const x of [v, chunked(v), v.slice(6)]) {
        const raw = floatsWithNaN(x, bits);
        const got =
          bits === 64
            ? new Float64Array(raw.buffer, raw.byteOffset, x.length)
            : new Float32Array(raw.buffer, raw.byteOffset, x.length);
        expect(Array.from(got)).toEqual(cells(x.length, (i) => (x.get(i) === null ? Number.NaN : x.get(i))));
      }
    }
  });

  it("Utf8List writes the same pickle as the column's cells saved one by one", () => {
    const v = vectorFromArray(
      cells(2100, (i) => (i % 5 === 2 ? null : `s${i}${"é".repeat(i % 3)}${"x".repeat(i % 300)}`)),
      new Utf8(),
    );
    for (const x of [v, chunked(v), v.slice(999)]) {
      const want = dumps(listOf(x) as PyValue);
      expect(dumps(Utf8List.of(x)).toString("hex")).toBe(want.toString("hex"));
    }
  });
});
