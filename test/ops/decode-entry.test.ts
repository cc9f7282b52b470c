/** decodeEntry: format detection of stored bytes (golden pickles from Python where values matter). */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PickleDecodeError } from "#src/codecs/pickle/errors.js";
import { decodeEntry } from "#src/ops/decode-entry.js";
import { PICKLE_FIXTURES_DIR } from "#test/helpers/paths.js";

describe("decodeEntry", () => {
  it("cachelib's integer form (ASCII digits) is an int", () => {
    expect(decodeEntry(Buffer.from("-42"))).toMatchObject({ format: "flask-caching-int", value: -42 });
  });
  it("a corrupt '!' pickle throws the decoder's typed error (never executes anything)", () => {
    expect(() => decodeEntry(new Uint8Array([0x21, 0x80, 0x05, 0x63]))).toThrow(PickleDecodeError);
  });
  it("unrecognised bytes stay bytes", () => {
    expect(decodeEntry(new Uint8Array([1, 2, 3]))).toMatchObject({ format: "bytes", kind: "value" });
  });
  it("every golden Python pickle fixture decodes as a bare pickle", () => {
    const dir = PICKLE_FIXTURES_DIR;
    const files = readdirSync(dir).filter((f) => f.endsWith(".pkl") || f.endsWith(".pickle"));
    let decoded = 0;
    for (const f of files.slice(0, 50)) {
      const bytes = readFileSync(join(dir, f));
      if (bytes[0] !== 0x80) continue;
      try {
        expect(decodeEntry(bytes).format).toBe("pickle");
        decoded++;
      } catch (err) {
        // Some fixtures are deliberately hostile; those must fail typed.
        expect(err).toBeInstanceOf(PickleDecodeError);
      }
    }
    expect(decoded).toBeGreaterThan(0);
  });
});
