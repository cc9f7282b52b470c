/**
 * RedisSerializer and PickleSerializer against the Flask-Caching golden files (real cachelib
 * 0.9.0 output) and cachelib's read rules (cachelib/serializers.py; results observed in Python).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PickleSerializer } from "#src/codecs/cachelib/pickle-serializer.js";
import { parsePythonInt } from "#src/codecs/cachelib/python-int.js";
import { RedisSerializer } from "#src/codecs/cachelib/redis-serializer.js";
import { PickleDecodeError } from "#src/codecs/pickle/errors.js";
import { PyFloat } from "#src/python/values.js";
import { FLASK_CACHING_FIXTURES_DIR } from "#test/helpers/paths.js";
import { fromTagged, hexToBytes } from "#test/helpers/tagged-values.js";

interface GoldenCase {
  name: string;
  value: never;
  raw_hex: string;
  pickle_hex: string | null;
  python_type: string;
}
function golden(file: string): GoldenCase[] {
  const url = join(FLASK_CACHING_FIXTURES_DIR, file);
  return (JSON.parse(readFileSync(url, "utf8")) as { cases: GoldenCase[] }).cases;
}
const redisCases = golden("redis_fc2.0.2_cachelib0.9.0.json");
const fsCases = golden("fs_fc2.0.2_cachelib0.9.0.json");
/** Bytes that depend on Python object identity or are DataFrames (covered elsewhere). */
const SKIP = new Set(["list_shared_ref", "list_same_str", "dataframe", "counter_inc"]);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const ascii = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

describe("RedisSerializer.dumps (cachelib 0.9.0 golden values)", () => {
  const s = new RedisSerializer();
  for (const c of redisCases.filter((c) => !SKIP.has(c.name))) {
    it(c.name, () => expect(hex(s.dumps(fromTagged(c.value)))).toBe(c.raw_hex));
  }
});

describe("RedisSerializer.loads then dumps gives the stored bytes back", () => {
  const s = new RedisSerializer({ load: { exactNumbers: true } });
  for (const c of redisCases.filter((c) => !SKIP.has(c.name) && c.pickle_hex !== null)) {
    it(c.name, () => expect(hex(s.dumps(s.loads(hexToBytes(c.raw_hex))))).toBe(c.raw_hex));
  }
});

describe("RedisSerializer asciiInts (cachelib >= 0.15.4 bytes, spec §4.3)", () => {
  const s = new RedisSerializer({ asciiInts: true });
  const cases: [unknown, string][] = [
    [42, "42"],
    [0, "0"],
    [256, "256"],
    [-7, "-7"],
    [2 ** 31, "2147483648"],
    [2n ** 70n, "1180591620717411303424"],
    [-(2n ** 64n), "-18446744073709551616"],
  ];
  for (const [v, text] of cases) {
    it(`${String(v)} → ${text}`, () =>
      expect(Buffer.from(s.dumps(v as never)).toString("latin1")).toBe(text));
  }
  it("booleans, PyFloat, fractions and -0 are still pickled", () => {
    expect(hex(s.dumps(true))).toBe("218005882e");
    expect(hex(s.dumps(new PyFloat(2)))).toBe("218005950a000000000000004740000000000000002e");
    expect(s.dumps(1.5)[0]).toBe(0x21);
    expect(s.dumps(-0)[0]).toBe(0x21);
  });
  it("default (Superset's pins: cachelib 0.13.0) pickles ints", () => {
    expect(hex(new RedisSerializer().dumps(42))).toBe("2180054b2a2e");
  });
});

describe("RedisSerializer.loads: the §4.2 table observed on cachelib 0.9.0", () => {
  const s = new RedisSerializer();
  const ints: [string, number | bigint][] = [
    ["42", 42],
    ["-7", -7],
    ["+5", 5],
    ["007", 7],
    [" 42 ", 42],
    ["\t42\n", 42],
    ["1_000", 1000],
    ["99999999999999999999999", 99999999999999999999999n],
  ];
  for (const [raw, v] of ints)
    it(`${JSON.stringify(raw)} → int ${v}`, () => expect(s.loads(ascii(raw))).toBe(v));
  for (const raw of ["3.14", "abc", "", "\xff\xfe", "\x80\x05K\x01.", "1__0", "_1", "1_", "--1", "+", " "]) {
    it(`${JSON.stringify(raw)} → raw bytes unchanged`, () => {
      const bytes = ascii(raw);
      expect(s.loads(bytes)).toBe(bytes);
    });
  }
  for (const raw of ["!\x80\x05K\x01.", "!\x80\x04K\x01.", "!\x80\x02K\x01.", "!K\x01."]) {
    it(`${JSON.stringify(raw)} → 1 (protocols 0-5)`, () => expect(s.loads(ascii(raw))).toBe(1));
  }
  it('"!abc": typed error by default, null (a miss) in python mode, as UnpicklingError is swallowed', () => {
    expect(() => s.loads(ascii("!abc"))).toThrow(PickleDecodeError);
    expect(new RedisSerializer({ unpicklingErrors: "python" }).loads(ascii("!abc"))).toBeNull();
  });
  it('"!" and protocol 6 propagate in both modes (EOFError / ValueError in Python)', () => {
    const py = new RedisSerializer({ unpicklingErrors: "python" });
    for (const raw of ["!", "!\x80\x06K\x01."]) {
      expect(() => s.loads(ascii(raw))).toThrow(PickleDecodeError);
      expect(() => py.loads(ascii(raw))).toThrow(PickleDecodeError);
    }
  });
  it("an ASCII counter from INCRBY reads as an int", () => expect(s.loads(ascii("5"))).toBe(5));
  it("refuses int strings longer than Python's 4300-digit limit (stays bytes)", () => {
    const long = ascii("1".repeat(4301));
    expect(s.loads(long)).toBe(long);
    expect(typeof parsePythonInt(ascii("1".repeat(4300)))).toBe("bigint");
  });
});

describe("PickleSerializer (FileSystemCache/SimpleCache: plain pickle, no '!')", () => {
  const s = new PickleSerializer({ load: { exactNumbers: true } });
  for (const c of fsCases.filter((c) => !SKIP.has(c.name) && c.pickle_hex !== null)) {
    it(c.name, () => {
      expect(c.raw_hex.slice(8)).toBe(c.pickle_hex);
      expect(hex(s.dumps(fromTagged(c.value)))).toBe(c.pickle_hex);
      expect(hex(s.dumps(s.loads(hexToBytes(c.pickle_hex as string))))).toBe(c.pickle_hex);
    });
  }
  it("pickles ints (the FS cache never writes ASCII)", () => expect(hex(s.dumps(42))).toBe("80054b2a2e"));
});
