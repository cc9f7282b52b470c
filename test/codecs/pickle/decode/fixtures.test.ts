/**
 * Every golden pickle decodes to what Python says it is: the manifest `expect` of each
 * fixture in test/fixtures/pickle, and the tagged `value` of every Flask-Caching golden
 * entry (Redis and file-system files), both written by the real Python stack.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import { normaliseExpected, toConvention } from "#test/helpers/manifest-expect.js";
import { FLASK_CACHING_FIXTURES_DIR, PICKLE_FIXTURES_DIR } from "#test/helpers/paths.js";

const PICKLE_DIR = PICKLE_FIXTURES_DIR;
const FC_DIR = FLASK_CACHING_FIXTURES_DIR;

interface ManifestEntry {
  name: string;
  file: string;
  redis_file: string | null;
  expect: unknown;
}
const manifest = JSON.parse(readFileSync(join(PICKLE_DIR, "manifest.json"), "utf8")) as {
  fixtures: ManifestEntry[];
};

describe("pickle fixtures decode to the manifest's expect", () => {
  for (const f of manifest.fixtures) {
    it(f.name, () => {
      const file = readFileSync(join(PICKLE_DIR, f.file));
      // A `.redis` fixture is the stored Redis value: "!" + pickle.
      const bytes = f.file.endsWith(".redis") ? file.subarray(1) : file;
      const expected = normaliseExpected(f.expect as never);
      expect(toConvention(loads(bytes), "manifest")).toEqual(expected);
      if (f.redis_file) {
        const redis = readFileSync(join(PICKLE_DIR, f.redis_file));
        expect(redis[0]).toBe(0x21);
        expect(toConvention(loads(redis.subarray(1)), "manifest")).toEqual(expected);
      }
    });
  }
});

interface GoldenCase {
  name: string;
  value: unknown;
  pickle_hex: string | null;
}

for (const file of ["redis_fc2.0.2_cachelib0.9.0.json", "fs_fc2.0.2_cachelib0.9.0.json"]) {
  const golden = JSON.parse(readFileSync(join(FC_DIR, file), "utf8")) as { cases: GoldenCase[] };
  describe(`Flask-Caching golden ${file}: pickle_hex decodes to value`, () => {
    for (const c of golden.cases.filter((x) => x.pickle_hex !== null)) {
      it(c.name, () => {
        const value = loads(Buffer.from(c.pickle_hex as string, "hex"), { exactNumbers: true });
        expect(toConvention(value, "flask-caching")).toEqual(normaliseExpected(c.value as never));
      });
    }
  });
}
