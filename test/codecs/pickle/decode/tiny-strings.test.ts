import { describe, expect, it } from "vitest";
import { TINY_STR_MAX, tinyAscii } from "#src/codecs/pickle/decode/strings/tiny-strings.js";

describe("tinyAscii (short ASCII strs through a direct-mapped cache)", () => {
  it("returns exactly the bytes' string for every length, on first use and on cache hits", () => {
    // Many more distinct strings than cache slots, read twice: collisions must only evict.
    let seed = 12345;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 16;
    };
    const inputs: Uint8Array[] = [];
    for (let i = 0; i < 20_000; i++) {
      const n = rnd() % (TINY_STR_MAX + 1);
      inputs.push(Uint8Array.from({ length: n }, () => rnd() % 128));
    }
    for (let pass = 0; pass < 2; pass++) {
      for (const b of inputs) expect(tinyAscii(b, 0, b.length)).toBe(String.fromCharCode(...b));
    }
  });

  it("reads at an offset and gives null for any non-ASCII byte", () => {
    const b = Uint8Array.from([0x41, 0x62, 0x63, 0x64, 0x65, 0xc3, 0xa9, 0x7a]);
    expect(tinyAscii(b, 1, 4)).toBe("bcde");
    expect(tinyAscii(b, 4, 3)).toBeNull();
    expect(tinyAscii(b, 5, 1)).toBeNull();
    expect(tinyAscii(b, 0, 8)).toBeNull();
    expect(tinyAscii(b, 7, 0)).toBe("");
  });

  it("strings equal except in length or in one byte stay distinct", () => {
    const a = Uint8Array.from([0x74, 0x31, 0x00, 0x00]);
    expect(tinyAscii(a, 0, 2)).toBe("t1");
    expect(tinyAscii(a, 0, 3)).toBe("t1\0");
    expect(tinyAscii(a, 0, 4)).toBe("t1\0\0");
    expect(tinyAscii(Uint8Array.from([0x00, 0x74, 0x31]), 0, 3)).toBe("\0t1");
  });
});
