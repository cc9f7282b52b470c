/** How JS numbers read as Python ints and floats, and Python's float repr (checked against CPython's). */
import { describe, expect, it } from "vitest";
import { isPythonInt, pyIntValue, pythonFloatRepr } from "#src/python/numbers.js";

describe("isPythonInt", () => {
  it("safe integers other than -0 are ints; fractions, -0, NaN and integral values past 2^53 are floats", () => {
    for (const x of [0, 1, -7, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER])
      expect(isPythonInt(x)).toBe(true);
    for (const x of [-0, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -(2 ** 60)]) {
      expect(isPythonInt(x)).toBe(false);
    }
  });
});

describe("pyIntValue", () => {
  it("is a number while exact, the bigint beyond ±(2^53 - 1)", () => {
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    expect(pyIntValue(0n)).toBe(0);
    expect(pyIntValue(max)).toBe(Number.MAX_SAFE_INTEGER);
    expect(pyIntValue(-max)).toBe(Number.MIN_SAFE_INTEGER);
    expect(pyIntValue(max + 1n)).toBe(max + 1n);
    expect(pyIntValue(-max - 1n)).toBe(-max - 1n);
  });
});

describe("pythonFloatRepr", () => {
  it("spells the special values as Python's repr does, not as JSON does", () => {
    expect(pythonFloatRepr(Number.NaN)).toBe("nan");
    expect(pythonFloatRepr(Number.POSITIVE_INFINITY)).toBe("inf");
    expect(pythonFloatRepr(Number.NEGATIVE_INFINITY)).toBe("-inf");
    expect(pythonFloatRepr(-0)).toBe("-0.0");
  });

  it("switches to exponent form where Python does (|x| < 1e-4 or >= 1e16)", () => {
    expect(pythonFloatRepr(1e16)).toBe("1e+16");
    expect(pythonFloatRepr(9999999999999998)).toBe("9999999999999998.0");
    expect(pythonFloatRepr(0.0001)).toBe("0.0001");
    expect(pythonFloatRepr(-1.5e-5)).toBe("-1.5e-05");
    expect(pythonFloatRepr(5e-324)).toBe("5e-324");
  });
});
