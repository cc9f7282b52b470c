/**
 * Differential test: the same 10,000+ random values (fast-check, fixed seed per run) go to
 * Debian's simplejson (python/peer/keys_peer.py) and to pyjson.dumps; strings, md5 and
 * sha256 must be identical, and where Python raises, we throw the matching typed error.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dumps, type PyJsonDumpsOptions, PyJsonEncodeError } from "#src/codecs/json/index.js";
import { dumps as pickleDumps, loads as pickleLoads } from "#src/codecs/pickle/index.js";
import {
  PyDate,
  PyDatetime,
  PyDecimal,
  PyFloat,
  PyTime,
  PyTimedelta,
  PyTuple,
  PyTzInfo,
  PyUUID,
  type PyValue,
} from "#src/python/values.js";
import { makeJsonIntDttmSer, makeJsonIsoDttmSer } from "#src/superset/json-hooks.js";
import { type PeerJson, runKeysPeer, toPeer } from "#test/helpers/keys-peer.js";
import { FIXTURES_DIR } from "#test/helpers/paths.js";

const RUNS = 10_000;
const SEED = Number(process.env.PYJSON_SEED ?? Date.now() % 2 ** 31);

const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const asciiWithControls = fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c));
const str = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.string({ unit: "binary", maxLength: 8 }), // astral characters
  fc.string({ unit: codeUnit, maxLength: 8 }), // lone surrogates, controls, U+E000+
  fc.string({ unit: asciiWithControls, maxLength: 8 }), // 0x00-0x1f and 0x7f
);
const float = fc.oneof(
  fc.double(), // NaN, ±Infinity, -0, subnormals included
  fc.double({ min: -1e-300, max: 1e-300 }),
  fc.integer({ min: -30, max: 30 }).map((e) => 10 ** e * (e % 2 ? 1 : 1.5)),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => new PyFloat(Math.trunc(x))), // integral floats
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }).map((i) => new PyFloat(i)),
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    5e-324,
    1e16,
    1e-5,
    0.1,
  ),
);
const int = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
  fc.constantFrom(2 ** 53, 2n ** 53n + 1n, -(2n ** 64n)),
);
const decimal = fc.oneof(
  fc
    .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.nat({ max: 8 }))
    // Only texts Python's str(Decimal) gives back unchanged (no exponent form below 1e-6).
    .filter(([, digits, scale]) => digits.toString().length - 1 - scale >= -6)
    .map(([neg, digits, scale]) => {
      let s = digits.toString().padStart(scale + 1, "0");
      if (scale > 0) s = `${s.slice(0, -scale)}.${s.slice(-scale)}`;
      return new PyDecimal(neg ? `-${s}` : s);
    }),
  fc.constantFrom("NaN", "Infinity", "-Infinity", "1E+5", "-0", "0.000", "1E-7").map((t) => new PyDecimal(t)),
);
const bytes = fc.string({ unit: "binary", maxLength: 8 }).map((s) => new Uint8Array(Buffer.from(s, "utf8")));
const badBytes = fc.constantFrom(new Uint8Array([0xff]), new Uint8Array([0x61, 0xc3]));
const scalar = fc.oneof(
  { arbitrary: str, weight: 4 },
  { arbitrary: float, weight: 4 },
  { arbitrary: int, weight: 3 },
  { arbitrary: decimal, weight: 1 },
  { arbitrary: bytes, weight: 1 },
  { arbitrary: fc.constantFrom(null, true, false), weight: 1 },
);

/** Map keys that stay distinct Python dict keys (1 == 1.0 == True in Python). */
function pythonKeyId(k: PyValue): string {
  if (typeof k === "string") return `s:${k}`;
  if (k === null) return "none";
  if (typeof k === "boolean") return `n:${k ? 1 : 0}`;
  const n = k instanceof PyFloat ? k.value : (k as number);
  return Number.isNaN(n) ? `nan:${Math.random()}` : `n:${n === 0 ? 0 : n}`;
}
const mapKey = fc.oneof(
  str,
  fc.integer({ min: -1000, max: 1000 }),
  float,
  fc.constantFrom(null, true, false),
);

const value: fc.Arbitrary<PyValue> = fc.letrec<{ v: PyValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { arbitrary: scalar, weight: 5 },
    { arbitrary: fc.array(tie("v"), { maxLength: 5 }), weight: 1 },
    { arbitrary: fc.array(tie("v"), { maxLength: 4 }).map((a) => PyTuple.fromItems(a)), weight: 1 },
    {
      arbitrary: fc
        .array(fc.tuple(str, tie("v")), { maxLength: 5 })
        .map((entries) => Object.assign(Object.create(null), Object.fromEntries(entries)) as PyValue),
      weight: 1,
    },
    {
      arbitrary: fc.array(fc.tuple(mapKey, tie("v")), { maxLength: 5 }).map((entries) => {
        const seen = new Set<string>();
        return new Map(
          entries.filter(([k]) => !seen.has(pythonKeyId(k)) && seen.add(pythonKeyId(k)) !== undefined),
        );
      }),
      weight: 1,
    },
  ),
})).v;

const datetime = fc
  .tuple(
    fc.integer({ min: 1900, max: 2200 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 28 }),
    fc.integer({ min: 0, max: 23 }),
    fc.integer({ min: 0, max: 59 }),
    fc.integer({ min: 0, max: 59 }),
    fc.integer({ min: 0, max: 999_999 }),
    fc.option(fc.integer({ min: -14 * 60, max: 14 * 60 }).map((m) => m * 60)),
  )
  .map(
    ([y, mo, d, h, mi, s, us, off]) =>
      new PyDatetime(y, mo, d, h, mi, s, us, off === null ? null : new PyTzInfo("fixed", off)),
  );
// Naive datetimes over Python's whole range (epoch µs beyond 2^53 take the exact slow path).
const wideNaiveDatetime = fc
  .tuple(
    fc.integer({ min: 1, max: 9999 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 28 }),
    fc.nat({ max: 86_399 }),
    fc.nat({ max: 999_999 }),
  )
  .map(
    ([y, mo, d, s, us]) =>
      new PyDatetime(y, mo, d, Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60, us),
  );
const hookValue = fc.oneof(
  datetime,
  wideNaiveDatetime,
  fc
    .tuple(
      fc.integer({ min: 1, max: 9999 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 28 }),
    )
    .map(([y, m, d]) => new PyDate(y, m, d)),
  fc
    .tuple(fc.nat({ max: 23 }), fc.nat({ max: 59 }), fc.nat({ max: 59 }), fc.nat({ max: 999_999 }))
    .map(([h, m, s, us]) => new PyTime(h, m, s, us)),
  fc
    .tuple(fc.integer({ min: -99_999, max: 99_999 }), fc.nat({ max: 86_399 }), fc.nat({ max: 999_999 }))
    .map(([d, s, us]) => new PyTimedelta(d, s, us)),
  fc.uuid().map((u) => new PyUUID(u.replace(/-/g, ""))),
  fc.option(scalar).map((x) => new Set(x === null ? [] : [x])), // one element: Python set order is not reproducible
);
const hookTree = fc.array(fc.oneof(hookValue, scalar), { minLength: 1, maxLength: 6 });

type HookName = "json_int_dttm_ser" | "json_int_dttm_ser_replace" | "json_iso_dttm_ser";
const HOOKS: Record<HookName, (v: unknown) => unknown> = {
  json_int_dttm_ser: makeJsonIntDttmSer({ awareDatetime: "astimezone" }),
  json_int_dttm_ser_replace: makeJsonIntDttmSer({ awareDatetime: "replace" }),
  json_iso_dttm_ser: makeJsonIsoDttmSer(),
};

interface Case {
  value: PyValue;
  opts: PyJsonDumpsOptions;
  hook?: HookName;
}
const options = fc.record({
  sortKeys: fc.boolean(),
  ignoreNan: fc.boolean(),
  allowNan: fc.boolean(),
  ensureAscii: fc.oneof(
    { arbitrary: fc.constant(true), weight: 4 },
    { arbitrary: fc.constant(false), weight: 1 },
  ),
  separators: fc.option(fc.constantFrom<[string, string]>([",", ":"], [", ", ": "], [";", "="])),
  indent: fc.option(fc.constantFrom<number | string>(0, 2, "\t")),
});
const plainCase = fc
  .record({ value, opts: options })
  .map(({ value, opts }): Case => ({ value, opts: cleanOpts(opts) }));
const hookCase = fc
  .record({
    value: hookTree,
    opts: options,
    hook: fc.constantFrom<HookName>("json_int_dttm_ser", "json_int_dttm_ser_replace", "json_iso_dttm_ser"),
  })
  .map(({ value, opts, hook }): Case => ({ value, opts: cleanOpts(opts), hook }));
const errorCase = fc.oneof(badBytes, hookValue).map((v): Case => ({ value: [v], opts: {} }));
const anyCase = fc.oneof(
  { arbitrary: plainCase, weight: 8 },
  { arbitrary: hookCase, weight: 2 },
  { arbitrary: errorCase, weight: 1 },
);

function cleanOpts(o: {
  sortKeys: boolean;
  ignoreNan: boolean;
  allowNan: boolean;
  ensureAscii: boolean;
  separators: [string, string] | null;
  indent: number | string | null;
}): PyJsonDumpsOptions {
  const out: PyJsonDumpsOptions = {
    sortKeys: o.sortKeys,
    ignoreNan: o.ignoreNan,
    allowNan: o.allowNan,
    ensureAscii: o.ensureAscii,
  };
  if (o.separators) out.separators = o.separators;
  if (o.indent !== null) out.indent = o.indent;
  return out;
}

function pythonOpts(c: Case): Record<string, PeerJson> {
  const o: Record<string, PeerJson> = {
    sort_keys: c.opts.sortKeys ?? false,
    ignore_nan: c.opts.ignoreNan ?? false,
    allow_nan: c.opts.allowNan ?? true,
    ensure_ascii: c.opts.ensureAscii ?? true,
  };
  if (c.opts.separators) o.separators = [...c.opts.separators];
  if (c.opts.indent !== undefined) o.indent = c.opts.indent;
  if (c.hook) o.default = c.hook;
  return o;
}

const PY_ERROR: Record<string, string[]> = {
  ValueError: ["PYJSON_NAN_NOT_ALLOWED", "PYJSON_CIRCULAR"],
  TypeError: ["PYJSON_UNSERIALIZABLE", "PYJSON_KEY_TYPE"],
  UnicodeDecodeError: ["PYJSON_BYTES_NOT_UTF8"],
};

type PyResult = { ok: string; md5?: string; sha256?: string } | { err: string };

describe(`pyjson.dumps vs simplejson (differential, ${RUNS} values, seed ${SEED})`, () => {
  it("gives identical strings, md5 and sha256, and the same failures", () => {
    const cases = fc.sample(anyCase, { numRuns: RUNS, seed: SEED });
    const { results } = runKeysPeer<{ results: PyResult[] }>("dumps", {
      cases: cases.map((c) => ({ value: toPeer(c.value), opts: pythonOpts(c) })),
    });
    expect(results).toHaveLength(cases.length);
    let compared = 0;
    let failures = 0;
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i] as Case;
      const py = results[i] as PyResult;
      const opts = c.hook ? { ...c.opts, default: HOOKS[c.hook] } : c.opts;
      let ours: string | PyJsonEncodeError;
      try {
        ours = dumps(c.value, opts);
      } catch (err) {
        if (!(err instanceof PyJsonEncodeError)) throw err;
        ours = err;
      }
      const context = () =>
        `case ${i} (seed ${SEED}): ${JSON.stringify(toPeer(c.value))} ${JSON.stringify(pythonOpts(c))}`;
      if ("err" in py) {
        expect(ours, context()).toBeInstanceOf(PyJsonEncodeError);
        expect(PY_ERROR[py.err], context()).toContain((ours as PyJsonEncodeError).code);
        failures++;
        continue;
      }
      expect(ours, context()).toBe(py.ok);
      if (py.md5 !== undefined) {
        expect(
          createHash("md5")
            .update(ours as string, "utf8")
            .digest("hex"),
          context(),
        ).toBe(py.md5);
        expect(
          createHash("sha256")
            .update(ours as string, "utf8")
            .digest("hex"),
          context(),
        ).toBe(py.sha256);
      }
      compared++;
    }
    // The generator must exercise both outcomes, or the test proves little.
    expect(compared).toBeGreaterThan(RUNS * 0.6);
    expect(failures).toBeGreaterThan(50);
  }, 60_000);
});

const PICKLE_RUNS = 2000;
const GOLDEN = join(FIXTURES_DIR, "flask-caching", "redis_fc2.0.2_cachelib0.9.0.json");

/** Our result for one case, or the error code. */
function oursOrCode(value: PyValue, opts: PyJsonDumpsOptions): string | PyJsonEncodeError {
  try {
    return dumps(value, opts);
  } catch (err) {
    if (err instanceof PyJsonEncodeError) return err;
    throw err;
  }
}

function expectSame(ours: string | PyJsonEncodeError, py: PyResult, context: () => string): void {
  if ("err" in py) {
    expect(ours, context()).toBeInstanceOf(PyJsonEncodeError);
    expect(PY_ERROR[py.err], context()).toContain((ours as PyJsonEncodeError).code);
    return;
  }
  expect(ours, context()).toBe(py.ok);
}

describe("pyjson.dumps(pickle.loads(b, { exactNumbers: true })) === simplejson.dumps(pickle.loads(b))", () => {
  const sorted = { sortKeys: true, ignoreNan: true };
  const pySorted = { sort_keys: true, ignore_nan: true, default: "json_iso_dttm_ser" };

  it("on every non-DataFrame Flask-Caching golden pickle", () => {
    const golden = JSON.parse(readFileSync(GOLDEN, "utf8")) as {
      cases: { name: string; pickle_hex: string | null }[];
    };
    const cases = golden.cases.filter((c) => c.pickle_hex && c.name !== "dataframe");
    expect(cases.length).toBeGreaterThan(30);
    const { results } = runKeysPeer<{ results: PyResult[] }>("pickles", {
      cases: cases.map((c) => ({ pickle: c.pickle_hex, opts: pySorted })),
    });
    cases.forEach((c, i) => {
      const value = pickleLoads(Buffer.from(c.pickle_hex as string, "hex"), { exactNumbers: true });
      const ours = oursOrCode(value, { ...sorted, default: HOOKS.json_iso_dttm_ser });
      expectSame(ours, results[i] as PyResult, () => c.name);
    });
  });

  it(`on ${PICKLE_RUNS} random values pickled by our encoder and unpickled by both sides`, () => {
    const cases = fc.sample(plainCase, { numRuns: PICKLE_RUNS, seed: SEED + 1 });
    const pickles = cases.map((c) => Buffer.from(pickleDumps(c.value)).toString("hex"));
    const { results } = runKeysPeer<{ results: PyResult[] }>("pickles", {
      cases: cases.map((c, i) => ({ pickle: pickles[i], opts: pythonOpts(c) })),
    });
    cases.forEach((c, i) => {
      // "map" keeps dict insertion order (integer-like str keys too), as Python does.
      const value = pickleLoads(Buffer.from(pickles[i] as string, "hex"), {
        exactNumbers: true,
        dicts: "map",
      });
      expectSame(oursOrCode(value, c.opts), results[i] as PyResult, () => `case ${i} (seed ${SEED + 1})`);
    });
  }, 60_000);
});
