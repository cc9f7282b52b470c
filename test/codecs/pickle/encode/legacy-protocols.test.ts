/**
 * Protocols 0 and 2 (what python-memcached and cachelib's SpreadSASLMemcachedCache write):
 * `dumps(v, { protocol })` must equal CPython 3.11's `pickle.dumps(v, protocol)` byte for byte.
 *
 * Differential: Debian's python3 loads our protocol-5 pickle of each value (byte-identical to
 * Python's own, see golden.test.ts), so it holds the same value with the same object sharing,
 * and pickles it again with protocols 0 and 2; we pickle the JS value with 0 and 2 and compare.
 */
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dumps } from "#src/codecs/pickle/encode/encoder.js";
import { PickleEncodeError } from "#src/codecs/pickle/encode/errors.js";
import { PYTHON_INT_MAX_STR_DIGITS } from "#src/codecs/pickle/encode/legacy-forms.js";
import {
  PyBytearray,
  PyDatetime,
  PyDatetime64,
  PyEnum,
  PyFrozenSet,
  PyOrderedDict,
  PySentinel,
  PyTime,
  PyTuple,
  PyTzInfo,
  PyUUID,
  type PyValue,
} from "#src/python/values.js";
import { debianPython } from "#test/helpers/python.js";
import {
  canonicalFloat,
  nullProto,
  pyComplex,
  pyDate,
  pyDatetime,
  pyDecimal,
  pyTimedelta,
  safeInt,
} from "./canonical-arbitraries.js";

const REPICKLE = `
import json, pickle, sys
out = []
for h in json.load(sys.stdin):
    try:
        v = pickle.loads(bytes.fromhex(h))
        out.append({"p0": pickle.dumps(v, 0).hex(), "p2": pickle.dumps(v, 2).hex()})
    except Exception as e:
        out.append({"error": repr(e)})
json.dump(out, sys.stdout)
`;

interface Repickled {
  p0?: string;
  p2?: string;
  error?: string;
}

/** Python's protocol-0 and -2 pickles of each value (sent as our protocol-5 pickle). */
function pythonRepickle(values: readonly PyValue[]): Repickled[] {
  const input = JSON.stringify(values.map((v) => dumps(v).toString("hex")));
  const r = spawnSync(debianPython(), ["-c", REPICKLE], { input, encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Repickled[];
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** Compares every value at both protocols; returns the mismatches (empty when all agree). */
function differences(values: readonly PyValue[]): string[] {
  const python = pythonRepickle(values);
  const bad: string[] = [];
  values.forEach((v, i) => {
    const py = python[i] as Repickled;
    if (py.error) bad.push(`#${i}: python: ${py.error}`);
    for (const p of [0, 2] as const) {
      const ours = hex(dumps(v, { protocol: p }));
      const theirs = p === 0 ? py.p0 : py.p2;
      if (ours !== theirs) bad.push(`#${i} protocol ${p}:\n ours   ${ours}\n python ${theirs}`);
    }
  });
  return bad;
}

// ---- random values (the decoder's canonical forms, from canonical-arbitraries.ts) ----

const bigInt = fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n });
const text = fc.oneof(
  fc.string({ unit: "grapheme" }),
  fc.string({ unit: "binary" }),
  fc.string({ unit: fc.constantFrom("a", "é", "\\", "\n", "\r", "\x1a", "\0", "ÿ", "Ā", "😀", "\udfff") }),
  fc.constantFrom("", "a", "é", "latin1"),
);
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => new Uint8Array(b)),
  fc.uint8Array({ minLength: 1, maxLength: 1 }).map((b) => new Uint8Array(b)),
);
const scalar: fc.Arbitrary<PyValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  safeInt,
  bigInt,
  canonicalFloat,
  text,
  bytes,
  fc.uint8Array({ maxLength: 20 }).map((b) => new PyBytearray(b)),
  pyDatetime,
  pyDate,
  fc
    .tuple(
      fc.integer({ min: 0, max: 23 }),
      fc.integer({ min: 0, max: 59 }),
      fc.integer({ min: 0, max: 999_999 }),
      fc.constantFrom(0 as const, 1 as const),
    )
    .map(([h, m, us, fold]) => new PyTime(h, m, 0, us, null, fold)),
  pyTimedelta,
  pyDecimal,
  pyComplex,
  fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }).map((n) => new PyUUID(n.toString(16).padStart(32, "0"))),
);
// Python iterates a set in hash order; small distinct ints in ascending order iterate as given.
const smallIntSet = fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { maxLength: 5 }).map((a) => a.sort());

const { value } = fc.letrec<{ value: PyValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 5 }),
    fc.array(tie("value"), { maxLength: 5 }).map((items) => PyTuple.fromItems(items)),
    fc.array(fc.tuple(fc.string(), tie("value")), { maxLength: 5 }).map(nullProto),
    fc
      .array(fc.tuple(safeInt, tie("value")), { maxLength: 5 })
      .filter((e) => e.length > 0)
      .map((e) => new Map<PyValue, PyValue>(e)),
    fc.array(fc.tuple(fc.string(), tie("value")), { maxLength: 3 }).map((e) => new PyOrderedDict(e)),
    smallIntSet.map((items) => new Set<PyValue>(items)),
    smallIntSet.map((items) => new PyFrozenSet<PyValue>(items)),
  ),
}));

/** Values whose sharing is the point: one object referenced twice, shared singletons. */
function sharingCases(): PyValue[] {
  const b = Uint8Array.of(1, 2);
  const inner = [1];
  const d = new PyDatetime(2024, 1, 2, 3, 4, 5, 6);
  return [
    [b, b],
    [inner, inner],
    [d, d],
    [new Uint8Array(0), new Uint8Array(0)],
    [Uint8Array.of(0x61), "a", "a", Uint8Array.of(0x61)],
    [Uint8Array.of(0xe9), "é"],
    ["latin1", Uint8Array.of(1, 2), Uint8Array.of(3, 4), "latin1"],
    [{ k: 1 }, { k: 2 }, new Map<PyValue, PyValue>([["k", 3]])],
    new Set<PyValue>([0, 1]),
    [new Set<PyValue>(), new PyFrozenSet<PyValue>(), new PyBytearray(0), new PyTuple()],
  ];
}

/** Standard-library, numpy and pandas classes at their fixed forms. */
function classCases(): PyValue[] {
  const paris = new PyTzInfo("zoneinfo", null, "Europe/Paris", "zoneinfo.ZoneInfo");
  return [
    new PyUUID("12345678123456781234567812345678"),
    [new PyUUID("00000000000000000000000000000005"), new PyUUID("ffffffffffffffffffffffffffffffff")],
    [new PyEnum("http", "HTTPStatus", "OK", 200), new PyEnum("http", "HTTPStatus", "OK", 200)],
    new PyDatetime(2024, 7, 1, 12, 0, 0, 0, paris),
    new PyDatetime(2024, 1, 1, 0, 0, 0, 0, new PyTzInfo("utc", 0, "UTC", "pytz._UTC")),
    new PyDatetime(
      2024,
      7,
      1,
      12,
      0,
      0,
      0,
      new PyTzInfo("pytz", -14400, "America/New_York", "pytz._p", { dst: 3600, tzname: "EDT" }),
    ),
    new PyTzInfo("fixed", -5 * 3600, "EST", "datetime.timezone"),
    new PyTzInfo("fixed", 3600, null, "datetime.timezone", { microseconds: 5 }),
    new PyOrderedDict<PyValue, PyValue>([[1, 2]]),
    new PyDatetime64("datetime64", 5n, "s"),
    new PyDatetime64("timedelta64", -7n, "ns"),
    new PyDatetime64("Timestamp", 1_700_000_000_000_000_000n, "ns"),
    new PyDatetime64(
      "Timestamp",
      1_700_000_000_000_000_000n,
      "ns",
      new PyTzInfo("utc", 0, "UTC", "pytz._UTC"),
    ),
    PySentinel.NaT,
    [PySentinel.NA, PySentinel.NA],
  ];
}

describe("protocols 0 and 2 give CPython 3.11's bytes", () => {
  it("for random nested values (400 values, one Python batch)", () => {
    const values = fc.sample(value, { numRuns: 400, seed: 20260602 });
    expect(differences(values)).toEqual([]);
  });

  it("for shared objects and CPython's singletons", () => {
    expect(differences(sharingCases())).toEqual([]);
  });

  it("for standard-library, numpy and pandas classes", () => {
    expect(differences(classCases())).toEqual([]);
  });

  it("for long containers (no batching at 0; batches of 1000 at 2)", () => {
    const long = Array.from({ length: 2001 }, (_, i) => i);
    const dict = nullProto(long.map((i) => [`k${i}`, i]));
    expect(differences([long, dict, new Map(long.slice(0, 1000).map((i) => [i, i]))])).toEqual([]);
  });

  it("past 256 memo entries (LONG_BINPUT / LONG_BINGET at 2, PUT/GET text at 0)", () => {
    const strings = Array.from({ length: 300 }, (_, i) => `s${i}`);
    const shared = strings.map((s) => [s]);
    expect(differences([[...shared, ...shared]])).toEqual([]);
  });
});

describe("protocol 0 and 2 forms (expected bytes from CPython 3.11)", () => {
  it("nested class globals are getattr(Outer, 'Inner')", () => {
    const a = new PyEnum("nestmod", "Outer.Inner", "A", 1);
    expect(hex(dumps(a, { protocol: 2 }))).toBe(
      Buffer.from(
        "\x80\x02c__builtin__\ngetattr\nq\x00h\x00cnestmod\nOuter\nq\x01X\x05\x00\x00\x00Innerq\x02\x86q\x03Rq\x04X\x01\x00\x00\x00Aq\x05\x86q\x06Rq\x07.",
        "latin1",
      ).toString("hex"),
    );
    expect(Buffer.from(dumps([a, a], { protocol: 0 })).toString("latin1")).toBe(
      "(lp0\nc__builtin__\ngetattr\np1\n(g1\n(cnestmod\nOuter\np2\nVInner\np3\ntp4\nRp5\nVA\np6\ntp7\nRp8\nag8\na.",
    );
  });

  it("protocol 0 escapes \\, NUL, LF, CR, 0x1a and non-Latin-1 chars", () => {
    expect(Buffer.from(dumps("a\\b\n\r\x1a\0zé\u1234😀\udfff", { protocol: 0 })).toString("latin1")).toBe(
      "Va\\u005cb\\u000a\\u000d\\u001a\\u0000z\xe9\\u1234\\U0001f600\\udfff\np0\n.",
    );
  });
});

describe("protocol 0 and 2 refusals", () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      expect(err).toBeInstanceOf(PickleEncodeError);
      return `${(err as PickleEncodeError).code}: ${(err as PickleEncodeError).message}`;
    }
    return "no error";
  };

  it("an int past Python's 4300-digit limit at protocol 0 (protocol 2 writes it)", () => {
    const huge = 10n ** BigInt(PYTHON_INT_MAX_STR_DIGITS);
    expect(code(() => dumps(huge, { protocol: 0 }))).toMatch(/^PICKLE_ENCODE_BAD_VALUE: .*protocol 0/);
    expect(dumps(huge, { protocol: 2 }).length).toBeGreaterThan(1000);
  });

  it("protocols 1 and 3 are not offered", () => {
    expect(code(() => dumps(1, { protocol: 3 as never }))).toMatch(/^PICKLE_ENCODE_BAD_OPTION/);
    expect(code(() => dumps(1, { protocol: 1 as never }))).toMatch(/^PICKLE_ENCODE_BAD_OPTION/);
  });
});
