/** Key joiner, random keys and Flask-Login `_id` (flask_login/utils.py `_create_identifier`) against known vectors. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CacheArgumentError } from "#src/core/errors.js";
import { PyFloat } from "#src/python/values.js";
import {
  DatasourceTypeMember,
  flaskLoginIdentifierBase,
  flaskLoginSessionId,
  LEGACY_RANDOM_KEY_BYTES,
  pythonBytesRepr,
  randomKey,
  temporaryCacheKey,
} from "#src/superset/temporary/index.js";

describe("cache_key joiner", () => {
  it("joins Python str() of each part with ';'", () => {
    expect(temporaryCacheKey(null, null, 42)).toBe("None;None;42");
    expect(temporaryCacheKey(undefined, "3", 5, null, "table")).toBe("None;3;5;None;table");
    expect(temporaryCacheKey(true, false, new PyFloat(2), 1.5, 1e16, 10n ** 20n)).toBe(
      "True;False;2.0;1.5;1e+16;100000000000000000000",
    );
    expect(temporaryCacheKey("a;b", "")).toBe("a;b;");
    expect(temporaryCacheKey(new DatasourceTypeMember("saved_query", "qualified"))).toBe(
      "DatasourceType.SAVEDQUERY",
    );
    expect(temporaryCacheKey(new DatasourceTypeMember("saved_query"))).toBe("saved_query");
  });
});

describe("random_key", () => {
  it("8 bytes → 11 base64url characters; 48 → 64", () => {
    fc.assert(
      fc.property(fc.constantFrom(8, 32, 48), (n) => {
        const k = randomKey(n);
        expect(k).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(k.length).toBe({ 8: 11, 32: 43, 48: 64 }[n]);
      }),
    );
    expect(randomKey()).toHaveLength(11);
    expect(randomKey(LEGACY_RANDOM_KEY_BYTES)).toHaveLength(64);
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => randomKey(bad)).toThrow(CacheArgumentError);
      expect(() => randomKey(bad)).toThrow(expect.objectContaining({ code: "INVALID_RANDOM_KEY_BYTES" }));
    }
  });
});

describe("Flask-Login _id", () => {
  it("spec vector: 127.0.0.1 + Mozilla/5.0", () => {
    expect(flaskLoginIdentifierBase({ remoteAddr: "127.0.0.1", userAgent: "Mozilla/5.0" })).toBe(
      "b'127.0.0.1'|b'Mozilla/5.0'",
    );
    const id = flaskLoginSessionId({ remoteAddr: "127.0.0.1", userAgent: "Mozilla/5.0" });
    expect(id).toHaveLength(128);
    expect(id.startsWith("4b58f43e05616ba2eb7be4c7562bf7fa")).toBe(true);
  });

  it("X-Forwarded-For wins, first entry stripped; no UA → None", () => {
    expect(flaskLoginIdentifierBase({ remoteAddr: "10.0.0.1", forwardedFor: " 1.2.3.4 , 5.6.7.8" })).toBe(
      "b'1.2.3.4'|None",
    );
    expect(flaskLoginIdentifierBase({})).toBe("None|None");
  });

  it("bytes repr quoting and escapes", () => {
    const b = (s: string) => pythonBytesRepr(new TextEncoder().encode(s));
    expect(b("it's")).toBe(`b"it's"`);
    expect(b(`it's "q"`)).toBe(`b'it\\'s "q"'`);
    expect(b("a\\b\t\n\r\x00\x7f")).toBe("b'a\\\\b\\t\\n\\r\\x00\\x7f'");
    expect(b("é")).toBe("b'\\xc3\\xa9'");
  });
});
