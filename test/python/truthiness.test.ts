/** Python's `bool(value)` for the JS value model. */
import { describe, expect, it } from "vitest";
import { pyTruthy } from "#src/python/truthiness.js";
import { PyDecimal, PyFloat, PyTuple } from "#src/python/values.js";

describe("pyTruthy", () => {
  it("None, False, zeros and empty containers are falsy; so is a missing value", () => {
    const falsy = [
      undefined,
      null,
      false,
      0,
      -0,
      0n,
      "",
      new PyFloat(0),
      new Uint8Array(0),
      [],
      new PyTuple(),
    ];
    for (const v of [...falsy, new Map(), new Set(), {}, Object.create(null)])
      expect(pyTruthy(v)).toBe(false);
  });

  it("NaN, non-empty values and other objects are truthy", () => {
    const truthy = [
      true,
      1,
      Number.NaN,
      1n,
      "0",
      new PyFloat(0.5),
      new Uint8Array(1),
      [0],
      new Map([[0, 0]]),
    ];
    for (const v of [...truthy, new Set([0]), { a: 0 }, new PyDecimal("1")]) expect(pyTruthy(v)).toBe(true);
  });
});
