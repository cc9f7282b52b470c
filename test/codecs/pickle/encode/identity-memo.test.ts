import { describe, expect, it } from "vitest";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import { dumps } from "#src/codecs/pickle/encode/encoder.js";
import { IdentityMemo } from "#src/codecs/pickle/encode/identity-memo.js";

describe("IdentityMemo (the encoder's object → memo index map)", () => {
  it("finds every one of 80,000 objects; a later set wins", () => {
    const memo = new IdentityMemo();
    const objs = Array.from({ length: 80_000 }, () => ({}));
    for (const [i, o] of objs.entries()) memo.set(o, i);
    for (const i of [0, 4095, 4096, 65_535, 65_536, 79_999]) expect(memo.get(objs[i] as object)).toBe(i);
    expect(memo.get({})).toBeUndefined();
    memo.set(objs[10] as object, 123_456);
    expect(memo.get(objs[10] as object)).toBe(123_456);
  });

  it("objects shared across more than 65,536 containers come back shared", () => {
    const first = ["a"];
    const mid = ["b"];
    const items: unknown[] = [first];
    for (let i = 0; i < 70_000; i++) items.push(i === 30_000 ? mid : []);
    items.push(first, mid);
    const back = loads(dumps(items as never)) as unknown[][];
    expect(back.length).toBe(70_003);
    expect(back[70_001]).toBe(back[0]);
    expect(back[70_002]).toBe(back[30_001]);
    expect(back[30_001]).toEqual(["b"]);
  });
});
