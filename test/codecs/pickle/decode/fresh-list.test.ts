/**
 * A list filled right after EMPTY_LIST is rebuilt with exactly its items (decoder.ts
 * `fillFreshList`); these pickles (CPython 3.11 output, protocols 2 and 5, plus two
 * hand-assembled ones) check that identity and sharing stay as Python sees them.
 */
import { describe, expect, it } from "vitest";
import { loads } from "#src/codecs/pickle/decode/decoder.js";

const hex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));
type List = unknown[];

describe("lists filled right after EMPTY_LIST", () => {
  it("self-references keep pointing at the list itself (l.append(l), [1, 2, l], ['a', {'me': l}])", () => {
    for (const h of ["80025d71006800612e", "80059506000000000000005d946800612e"]) {
      const l = loads(hex(h)) as List;
      expect(l.length).toBe(1);
      expect(l[0]).toBe(l);
    }
    for (const h of ["80025d7100284b014b026800652e", "8005950b000000000000005d94284b014b026800652e"]) {
      const l = loads(hex(h)) as List;
      expect(l.slice(0, 2)).toEqual([1, 2]);
      expect(l[2]).toBe(l);
    }
    for (const h of [
      "80025d71002858010000006171017d710258020000006d657103680073652e",
      "80059513000000000000005d94288c0161947d948c026d6594680073652e",
    ]) {
      const l = loads(hex(h)) as List;
      expect(l[0]).toBe("a");
      expect((l[1] as { me: unknown }).me).toBe(l);
    }
  });

  it("a list shared through the memo is one object ([x, x] with x = ['a', 'b'] and x = ['x'])", () => {
    for (const h of [
      "80025d7100285d71012858010000006171025801000000627103656801652e",
      "80059513000000000000005d94285d94288c0161948c016294656801652e",
    ]) {
      const r = loads(hex(h)) as List[];
      expect(r[0]).toEqual(["a", "b"]);
      expect(r[1]).toBe(r[0]);
    }
    for (const h of [
      "80025d7100285d71015801000000787102616801652e",
      "8005950e000000000000005d94285d948c017894616801652e",
    ]) {
      const r = loads(hex(h)) as List[];
      expect(r[0]).toEqual(["x"]);
      expect(r[1]).toBe(r[0]);
    }
    expect(loads(hex("8005950b000000000000005d945d948c01789461612e"))).toEqual([["x"]]);
  });

  it("a list memoized twice, or DUPed, before APPENDS is still one object (hand-assembled)", () => {
    // EMPTY_LIST MEMOIZE MEMOIZE MARK 'a' MEMOIZE APPENDS POP BINGET 0 BINGET 1 TUPLE2 STOP
    const twice = loads(hex("80045d9494288c01619465306800680186" + "2e")) as List[];
    expect(twice[0]).toEqual(["a"]);
    expect(twice[1]).toBe(twice[0]);
    // EMPTY_LIST MEMOIZE DUP MARK 'a' MEMOIZE APPENDS TUPLE2 STOP
    const dup = loads(hex("80045d9432288c0161946586" + "2e")) as List[];
    expect(dup[0]).toEqual(["a"]);
    expect(dup[1]).toBe(dup[0]);
  });
});
