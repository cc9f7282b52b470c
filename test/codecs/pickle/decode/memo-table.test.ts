import { describe, expect, it } from "vitest";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import { MemoTable } from "#src/codecs/pickle/decode/memo-table.js";

describe("MemoTable (the unpickler's dense memo in chunks)", () => {
  it("appends across chunk boundaries and reads every slot back", () => {
    const t = new MemoTable();
    for (let i = 0; i < 10_000; i++) t.push(`v${i}`);
    expect(t.length).toBe(10_000);
    for (const i of [0, 4095, 4096, 4097, 8191, 8192, 9999]) expect(t.get(i)).toBe(`v${i}`);
    expect(t.get(10_000)).toBeUndefined();
  });

  it("set past the end leaves empty slots that read as undefined, in the first chunk and later ones", () => {
    const t = new MemoTable();
    t.set(3, "a");
    t.set(5000, "b");
    t.set(4200, "c");
    t.push("d");
    expect(t.length).toBe(5002);
    expect([t.get(0), t.get(2), t.get(3), t.get(4096), t.get(4200), t.get(5000), t.get(5001)]).toEqual([
      undefined,
      undefined,
      "a",
      undefined,
      "c",
      "b",
      "d",
    ]);
  });

  it("a pickle with LONG_BINPUT/LONG_BINGET beyond the first chunk decodes", () => {
    // PROTO 4, 'x' LONG_BINPUT 5000, POP, LONG_BINGET 5000, LONG_BINGET 5000, TUPLE2, STOP
    const bytes = Uint8Array.from([
      0x80, 4, 0x8c, 1, 0x78, 0x72, 0x88, 0x13, 0, 0, 0x30, 0x6a, 0x88, 0x13, 0, 0, 0x6a, 0x88, 0x13, 0, 0,
      0x86, 0x2e,
    ]);
    expect([...(loads(bytes) as string[])]).toEqual(["x", "x"]);
  });
});
