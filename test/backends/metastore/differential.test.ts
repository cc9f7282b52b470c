/**
 * Differential tests: the same random inputs through our code and through Python's stdlib
 * (json, uuid, hashlib, and Flask-Login's / Superset's formulas), batched into one peer call each.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { metastoreUuid } from "#src/backends/metastore/uuid.js";
import { stdlibJsonLoads } from "#src/codecs/json/stdlib-decode.js";
import { stdlibJsonDumps } from "#src/codecs/json/stdlib-encode.js";
import type { PyValue } from "#src/python/values.js";
import {
  DatasourceTypeMember,
  flaskLoginIdentifierBase,
  flaskLoginSessionId,
  type KeyPart,
  temporaryCacheKey,
} from "#src/superset/temporary/index.js";
import { peer } from "#test/helpers/metastore-databases.js";

const SAMPLES = 300;
const text = fc.string({ unit: "binary", maxLength: 24 });
const jsonish: fc.Arbitrary<PyValue> = fc.letrec<{ v: PyValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
    fc.double({ noNaN: true, noDefaultInfinity: false }),
    text,
    fc.array(tie("v"), { maxLength: 4 }),
    fc
      .dictionary(text, tie("v"), { maxKeys: 4 })
      .map((o) => Object.assign(Object.create(null), o) as { [key: string]: PyValue }),
  ),
})).v;

describe("differential vs CPython", () => {
  it("stdlib json: our dumps text is exactly json.dumps(json.loads(ours)), and we read it back", () => {
    const values = fc.sample(jsonish, { numRuns: SAMPLES, seed: 42 });
    const ours = values.map((v) => stdlibJsonDumps(v));
    const py = peer<{ texts: string[] }>({ op: "json_roundtrip", texts: ours });
    expect(py.texts).toEqual(ours);
    for (const [i, t] of ours.entries()) {
      expect(stdlibJsonDumps(stdlibJsonLoads(new TextEncoder().encode(t), { exactNumbers: true }))).toBe(t);
      expect(t).toMatch(/^[\x20-\x7e]*$/); // ensure_ascii
      void i;
    }
  });

  it("json.loads accepts exactly what we accept (random JSON-ish bytes), with the same value", () => {
    const alphabet = '{}[]":,0123456789.eE+-tfnulNIaxy\\/ \n\t'.split("");
    const inputs = fc.sample(
      fc.array(fc.constantFrom(...alphabet), { maxLength: 24 }).map((cs) => cs.join("")),
      { numRuns: 1500, seed: 5 },
    );
    const py = peer<{ results: (string | null)[] }>({
      op: "json_parse",
      hex: inputs.map((t) => Buffer.from(t, "latin1").toString("hex")),
    });
    let accepted = 0;
    for (const [i, t] of inputs.entries()) {
      let ours: string | null;
      try {
        ours = stdlibJsonDumps(stdlibJsonLoads(Buffer.from(t, "latin1"), { exactNumbers: true }));
      } catch {
        ours = null;
      }
      expect({ input: t, accepted: ours !== null }).toEqual({ input: t, accepted: py.results[i] !== null });
      // Objects may reorder integer-like keys in JS; compare values only for the others.
      if (ours !== null && !t.includes("{")) expect(ours).toBe(py.results[i]);
      if (ours !== null) accepted++;
    }
    expect(accepted).toBeGreaterThan(50);
  });

  it("metastoreUuid equals uuid3(get_uuid_namespace(prefix), key) for random keys and prefixes", () => {
    const keys = fc.sample(text, { numRuns: 100, seed: 7 });
    for (const prefix of ["", "FILTER_STATE_CACHE_CONFIG", "ünï ;prefix", "😀"]) {
      for (const algorithm of ["md5", "sha256"] as const) {
        const py = peer<{ uuids: string[] }>({ op: "uuid", keys, prefix, algorithm });
        expect(keys.map((k) => metastoreUuid(k, { keyPrefix: prefix, algorithm }))).toEqual(py.uuids);
      }
    }
  });

  it("Flask-Login _id for random addresses and user agents (incl. quotes, backslashes, non-ASCII)", () => {
    const header = fc.option(
      fc.string({ unit: "grapheme-ascii", maxLength: 30 }).map((s) => s),
      { nil: undefined },
    );
    const latin = fc.option(
      fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
      {
        nil: undefined,
      },
    );
    const requests = fc.sample(fc.record({ remote: header, forwarded: latin, ua: fc.oneof(header, latin) }), {
      numRuns: SAMPLES,
      seed: 3,
    });
    const py = peer<{ bases: string[]; ids: string[] }>({
      op: "session_ids",
      requests: requests.map((r) => ({
        remote: r.remote ?? null,
        forwarded: r.forwarded ?? null,
        ua: r.ua ?? null,
      })),
    });
    const input = (r: (typeof requests)[number]) => ({
      remoteAddr: r.remote ?? null,
      forwardedFor: r.forwarded ?? null,
      userAgent: r.ua ?? null,
    });
    expect(requests.map((r) => flaskLoginIdentifierBase(input(r)))).toEqual(py.bases);
    expect(requests.map((r) => flaskLoginSessionId(input(r)))).toEqual(py.ids);
  });

  it("cache_key joiner for random parts (None, bools, ints, floats, strings, DatasourceType)", () => {
    const part = fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
      text,
      fc.constantFrom("table", "query", "saved_query").map((v) => ({ enum: v })),
    );
    const lists = fc.sample(fc.array(part, { maxLength: 5 }), { numRuns: SAMPLES, seed: 11 });
    const py = peer<{ keys: string[] }>({ op: "cache_keys", parts: lists });
    const ours = lists.map((parts) =>
      temporaryCacheKey(
        ...parts.map(
          (p): KeyPart => (p !== null && typeof p === "object" ? new DatasourceTypeMember(p.enum) : p),
        ),
      ),
    );
    expect(ours).toEqual(py.keys);
  });
});
