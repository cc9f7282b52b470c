/**
 * Byte identity with CPython: every JSON-like / standard-library case of the Flask-Caching
 * golden files (written by real cachelib 0.9.0 on CPython 3.11) must be reproduced exactly
 * by `pickle.dumps` from the case's tagged value.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dumps } from "#src/codecs/pickle/encode/encoder.js";
import { FLASK_CACHING_FIXTURES_DIR } from "#test/helpers/paths.js";
import { fromTagged } from "#test/helpers/tagged-values.js";

interface GoldenCase {
  name: string;
  value: never;
  pickle_hex: string | null;
  python_type: string;
  operation: string;
}

const golden = JSON.parse(
  readFileSync(join(FLASK_CACHING_FIXTURES_DIR, "redis_fc2.0.2_cachelib0.9.0.json"), "utf8"),
) as { cases: GoldenCase[] };

/** Cases whose bytes depend on Python object identity, not on the value (docs/pickle.md, byte identity). */
const IDENTITY_CASES: Record<string, (v: unknown) => unknown> = {
  // [[1], [1]] built as `[x, x]`: the same list object twice.
  list_shared_ref: () => {
    const inner = [1];
    return [inner, inner];
  },
};
const NEEDS_SHARED_STRINGS = new Set(["list_same_str"]);

const pickled = golden.cases.filter(
  (c) => c.pickle_hex !== null && c.python_type !== "pandas.core.frame.DataFrame",
);

describe("pickle.dumps reproduces CPython's bytes (Flask-Caching golden cases)", () => {
  it("covers every pickled non-DataFrame case", () => {
    expect(pickled.length).toBe(golden.cases.length - 2); // minus the DataFrame and the INCRBY counter
  });
  for (const c of pickled) {
    it(c.name, () => {
      const build = IDENTITY_CASES[c.name];
      const value = build ? build(c.value) : fromTagged(c.value);
      const out = dumps(value as never, { shareEqualStrings: NEEDS_SHARED_STRINGS.has(c.name) });
      expect(Buffer.from(out).toString("hex")).toBe(c.pickle_hex);
    });
  }
});
