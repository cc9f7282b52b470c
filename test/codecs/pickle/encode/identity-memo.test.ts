import { describe, expect, it } from "vitest";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import { dumps } from "#src/codecs/pickle/encode/encoder.js";
import { IdentityMemo } from "#src/codecs/pickle/encode/identity-memo.js";
import type { PyValue } from "#src/python/values.js";

describe("IdentityMemo (the encoder's object → memo index map)", () => {
  it("finds every one of 80,000 objects; a later set wins", () => {
    const memo = new IdentityMemo();
    try {
      const objs = Array.from({ length: 80_000 }, () => ({}));
      for (const [i, o] of objs.entries()) memo.set(o, i);
      for (const i of [0, 4095, 4096, 65_535, 65_536, 79_999]) expect(memo.get(objs[i] as object)).toBe(i);
      expect(memo.get({})).toBeUndefined();
      memo.set(objs[10] as object, 123_456);
      expect(memo.get(objs[10] as object)).toBe(123_456);
    } finally {
      memo.close();
    }
  });

  it("an earlier memo's entries are misses; a memo opened while one is open keeps its own", () => {
    const a = {};
    const b = [1];
    const first = new IdentityMemo();
    first.set(a, 7);
    first.close();
    const outer = new IdentityMemo();
    expect(outer.get(a)).toBeUndefined();
    outer.set(b, 1);
    const inner = new IdentityMemo();
    expect(inner.get(b)).toBeUndefined();
    inner.set(b, 2);
    inner.set(a, 3);
    expect(inner.get(b)).toBe(2);
    expect(outer.get(b)).toBe(1);
    expect(outer.get(a)).toBeUndefined();
    inner.close();
    outer.close();
    outer.close();
    const next = new IdentityMemo();
    expect(next.get(b)).toBeUndefined();
    next.close();
  });

  it("leaves no trace a caller can see, on plain, frozen and proxied objects", () => {
    const frozen = Object.freeze({ k: [1, 2] });
    const proxied = new Proxy({ p: 1 }, {});
    const value = { frozen, proxied, again: frozen, list: [frozen] } as unknown as PyValue;
    const before = JSON.stringify(value);
    const keysBefore = Reflect.ownKeys(frozen);
    const bytes = dumps(value);
    expect(dumps(value)).toEqual(bytes);
    expect(JSON.stringify(value)).toBe(before);
    expect(Reflect.ownKeys(frozen)).toEqual(keysBefore);
    expect(Object.isFrozen(frozen)).toBe(true);
    expect(structuredClone(frozen)).toEqual({ k: [1, 2] });
    const back = loads(bytes) as Record<string, unknown>;
    expect(back.again).toBe(back.frozen);
    expect((back.list as unknown[])[0]).toBe(back.frozen);
  });

  it("a dumps run from a getter during another leaves the outer call's sharing intact", () => {
    const shared = { s: 1 };
    const inner: PyValue[] = [];
    const probe = {
      get c(): number {
        inner.push(dumps([shared, shared] as PyValue));
        return 1;
      },
    };
    const value = { a: shared, b: probe, d: shared } as unknown as PyValue;
    const plain = { a: shared, b: { c: 1 }, d: shared } as unknown as PyValue;
    expect(dumps(value)).toEqual(dumps(plain));
    expect(inner[0]).toEqual(dumps([shared, shared] as PyValue));
    const back = loads(dumps(value)) as Record<string, unknown>;
    expect(back.d).toBe(back.a);
  });

  it("a dumps that throws hands the memo back", () => {
    const bad = { x: [1, undefined, () => 1] } as unknown as PyValue;
    expect(() => dumps(bad)).toThrow();
    const shared = [1];
    const back = loads(dumps([shared, shared] as PyValue)) as unknown[];
    expect(back[1]).toBe(back[0]);
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
