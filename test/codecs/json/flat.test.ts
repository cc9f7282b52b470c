/**
 * The byte-writing fast path of `dumps`/`hashFromDict` (one-line, ensure_ascii): edge cases
 * where it hands over to the general encoder or sets text aside. Expected strings and
 * digests are simplejson 3.18.3 / hashlib outputs from Debian's python3.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dumps, PyJsonEncodeError } from "#src/codecs/json/index.js";
import { PyDecimal } from "#src/python/values.js";
import { hashFromDict, hashInputJson } from "#src/superset/hashing.js";

describe("pyjson flat path", () => {
  it("escapes, Decimals and code-point key order as simplejson (sort_keys=True)", () => {
    const v = { b: [1, { a: 'é\x7f"\\\n😀' }], a: new PyDecimal("1.5"), "\ue000": 1, "😀": 2 };
    const expected =
      '{"a": 1.5, "b": [1, {"a": "\\u00e9\\u007f\\"\\\\\\n\\ud83d\\ude00"}], "\\ue000": 1, "\\ud83d\\ude00": 2}';
    expect(dumps(v, { sortKeys: true })).toBe(expected);
    expect(hashFromDict(v, { algorithm: "md5" })).toBe("d1adc5a2f215b7a99f2d76bfa7c40db7");
  });

  it("grows its buffer for large output (52906 bytes) and hashes it as Python does", () => {
    const big = { s: "éx\t".repeat(4000), n: Array.from({ length: 3000 }, (_, i) => i) };
    expect(dumps(big, { sortKeys: true })).toHaveLength(52906);
    expect(hashFromDict(big, { algorithm: "md5" })).toBe("f7f666f35793c89ee4d346a09c2f5504");
    expect(hashFromDict(big, { algorithm: "sha256" })).toBe(
      "9f0c90364fc326494283be99a24a98b21c2cfc3dd03f108f870a5339a918ed46",
    );
    // The next call starts from an empty buffer.
    expect(dumps({ a: 1 })).toBe('{"a": 1}');
  });

  it("hands containers deeper than 32 to the general encoder with the same layout", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = i % 2 ? [deep] : { k: deep };
    expect(dumps(deep, { sortKeys: true })).toBe(`${'[{"k": '.repeat(20)}1${"}]".repeat(20)}`);
    expect(() => dumps(deep, { maxDepth: 10 })).toThrow(PyJsonEncodeError);
  });

  it("keeps non-ASCII raw text (a Decimal's text) intact and hashes its UTF-8", () => {
    const v = { d: new PyDecimal("1é") };
    expect(dumps(v)).toBe('{"d": 1é}');
    expect(hashFromDict(v, { algorithm: "md5" })).toBe(
      createHash("md5").update('{"d": 1é}', "utf8").digest("hex"),
    );
  });

  it("supports a default hook that calls dumps itself (re-entrant)", () => {
    class Box {
      constructor(readonly inner: unknown) {}
    }
    const hook = (o: unknown) => (o instanceof Box ? dumps(o.inner, { sortKeys: true }) : null);
    const v = { z: new Box({ y: [1, 2], x: "é" }), a: 1 };
    expect(dumps(v, { sortKeys: true, default: hook })).toBe(
      '{"a": 1, "z": "{\\"x\\": \\"\\\\u00e9\\", \\"y\\": [1, 2]}"}',
    );
  });

  it("non-ASCII separators take the general path", () => {
    expect(dumps({ b: [1, 2], a: "é" }, { sortKeys: true, separators: ["·", "→"] })).toBe(
      '{"a"→"\\u00e9"·"b"→[1·2]}',
    );
  });

  it("hashFromDict digests exactly the UTF-8 of hashInputJson (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        for (const algorithm of ["md5", "sha256"] as const) {
          const text = hashInputJson(v, { algorithm, ignoreNan: true });
          expect(hashFromDict(v, { algorithm, ignoreNan: true })).toBe(
            createHash(algorithm).update(text, "utf8").digest("hex"),
          );
        }
      }),
      { numRuns: 500 },
    );
  });
});
