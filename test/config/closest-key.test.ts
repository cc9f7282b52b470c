import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { closestKey, editDistance } from "#src/config/closest-key.js";
import { FLASK_CACHE_KEYS, SUPERSET_KEYS } from "#src/config/config-schema.js";

const KNOWN = [...Object.keys(FLASK_CACHE_KEYS), ...Object.keys(SUPERSET_KEYS)];
const CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ_";

describe("closestKey", () => {
  it("computes Levenshtein distances", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("CACHE_TYPE", "CACHE_TYPE")).toBe(0);
  });

  it("suggests the intended key for common typos", () => {
    expect(closestKey("CACHE_TRESHOLD", KNOWN)).toBe("CACHE_THRESHOLD");
    expect(closestKey("cache_type", KNOWN)).toBe("CACHE_TYPE");
    expect(closestKey("CACHE_TIMEOUT", KNOWN)).toBe("CACHE_DEFAULT_TIMEOUT");
    expect(closestKey("DATA_CACHE_CONFG", KNOWN)).toBe("DATA_CACHE_CONFIG");
    expect(closestKey("CACHE_REDIS_URI", KNOWN)).toBe("CACHE_REDIS_URL");
    expect(closestKey("TOTALLY_UNRELATED_SETTING_NAME", KNOWN)).toBeUndefined();
  });

  it("property: one edit of a known key is answered with a key at edit distance <= 1", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...KNOWN),
        fc.nat(),
        fc.constantFrom(...CHARS),
        fc.constantFrom("delete", "substitute", "insert"),
        (key, pos, ch, kind) => {
          const i = pos % key.length;
          const typo =
            kind === "delete"
              ? key.slice(0, i) + key.slice(i + 1)
              : kind === "substitute"
                ? key.slice(0, i) + ch + key.slice(i + 1)
                : key.slice(0, i) + ch + key.slice(i);
          const hint = closestKey(typo, KNOWN);
          expect(hint).toBeDefined();
          // Either the original or another key just as close (or a key the typo merely omits letters of).
          const d = editDistance(typo.toUpperCase(), hint!.toUpperCase());
          expect(d <= 1 || hint === key || typo.length < key.length).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
