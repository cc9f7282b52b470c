/**
 * Round trips through real Python (Debian python3 3.11, pandas 1.5.3): Python pickles values,
 * we decode (exactNumbers) and re-encode, Python loads our bytes and compares them with its
 * original using a strict equality (types, float bits, dict order, tz, Decimal text) — the
 * comparison happens in Python. Mismatches are reported with Python's repr.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePythonInt } from "#src/codecs/cachelib/python-int.js";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import { dumps } from "#src/codecs/pickle/encode/encoder.js";
import { FLASK_CACHING_FIXTURES_DIR, PICKLE_FIXTURES_DIR } from "#test/helpers/paths.js";
import { PicklePeer, toHex } from "#test/helpers/pickle-peer.js";

const SEED = Number(process.env.PICKLE_ROUNDTRIP_SEED ?? 20261122);
const COUNT = 1200;
const FIXTURES = new URL(`file://${PICKLE_FIXTURES_DIR}/`);

interface CheckResult {
  name: string;
  ok: boolean;
  identical: boolean;
  detail: string;
}

let peer: PicklePeer;
beforeAll(() => {
  peer = new PicklePeer();
});
afterAll(() => peer.close());

function reencode(pickleHex: string): string {
  return toHex(dumps(loads(Buffer.from(pickleHex, "hex"), { exactNumbers: true })));
}

async function check(items: { name: string; orig: string; ours: string }[]): Promise<CheckResult[]> {
  return (await peer.request<{ results: CheckResult[] }>({ op: "check", items })).results;
}

describe("pickle round trip through Python", () => {
  it(`${COUNT} random nested values generated in Python (seed ${SEED}) come back equal`, async () => {
    const gen = await peer.request<{ items: { repr: string; pickle: string }[] }>({
      op: "gen",
      seed: SEED,
      count: COUNT,
    });
    expect(gen.items).toHaveLength(COUNT);
    const items = gen.items.map((g, i) => ({
      name: `#${i} ${g.repr}`,
      orig: g.pickle,
      ours: reencode(g.pickle),
    }));
    const results = await check(items);
    const equal = results.filter((r) => r.ok);
    const identicalEqual = equal.filter((r) => r.identical).length;
    console.log(
      `random values: ${equal.length}/${COUNT} equal in Python; ${identicalEqual} of those byte-identical to CPython's pickle`,
    );
    if (process.env.PICKLE_SHOW_DIFFERENT)
      for (const r of equal.filter((x) => !x.identical)) console.log(r.name.slice(0, 300));
    const failures = results.filter((r) => !r.ok).map((r) => `${r.name}\n    → ${r.detail}`);
    expect(failures, failures.slice(0, 10).join("\n")).toEqual([]);
    // Bytes differ only where Python shared one object in two places, or where a value maps
    // lossily (a numpy scalar decodes to a plain number): docs/pickle.md. The generator emits
    // numpy scalars too, so a few percent of values legitimately differ in bytes.
    expect(identicalEqual / equal.length).toBeGreaterThanOrEqual(0.95);
  }, 120_000);

  const fixtureFiles = readdirSync(FIXTURES).filter((f) => f.endsWith(".pkl") || f.endsWith(".redis"));
  const isFrame = (f: string) => /^(df_|hand_df|hand_superset|superset_query)/.test(f);
  it.each([
    ["non-DataFrame", fixtureFiles.filter((f) => !isFrame(f))],
    ["DataFrame", fixtureFiles.filter(isFrame)],
  ])(
    "every %s pickle fixture (test/fixtures/pickle) comes back equal",
    async (_kind, files) => {
      const items = files.map((f) => {
        let bytes = readFileSync(new URL(f, FIXTURES));
        if (f.endsWith(".redis")) bytes = bytes.subarray(1);
        const orig = toHex(bytes);
        let ours: string;
        try {
          ours = reencode(orig);
        } catch (err) {
          ours = "";
          console.log(`${f}: ${String(err)}`);
        }
        return { name: f, orig, ours };
      });
      const results = await check(items);
      const failures = results.filter((r) => !r.ok).map((r) => `${r.name} → ${r.detail}`);
      expect(failures, failures.join("\n")).toEqual([]);
    },
    120_000,
  );

  it("values crossing the 64 KiB frame boundary re-encode byte for byte as CPython wrote them", async () => {
    const large = await peer.request<{ items: { name: string; pickle: string }[] }>({ op: "large" });
    const items = large.items.map((g) => ({ name: g.name, orig: g.pickle, ours: reencode(g.pickle) }));
    const results = await check(items);
    const failures = results
      .filter((r) => !r.ok || !r.identical)
      .map((r) => `${r.name} → ${r.detail || "bytes differ"}`);
    expect(failures, failures.join("\n")).toEqual([]);
  }, 120_000);

  it("numpy/pandas scalars, Series, MultiIndex/tz/int-label frames, timedelta columns come back equal", async () => {
    const extras = await peer.request<{ items: { name: string; pickle: string }[] }>({ op: "extras" });
    const items = extras.items.map((g) => ({ name: g.name, orig: g.pickle, ours: reencode(g.pickle) }));
    const results = await check(items);
    const failures = results.filter((r) => !r.ok).map((r) => `${r.name} → ${r.detail}`);
    expect(failures, failures.join("\n")).toEqual([]);
    // Scalars and stdlib values are byte-identical too (frames and numpy scalars are not: numpy
    // scalars decode to plain numbers, frames are rebuilt through the public constructors).
    const scalarNames = [
      "uuid",
      "fraction",
      "range",
      "np_dt64",
      "ts_utc",
      "ts_ny",
      "nat",
      "na",
      "timedelta",
      "tuple_keys",
    ];
    expect(results.filter((r) => scalarNames.includes(r.name) && !r.identical).map((r) => r.name)).toEqual(
      [],
    );
  }, 120_000);

  it("every Flask-Caching golden pickle comes back equal", async () => {
    const golden = JSON.parse(
      readFileSync(join(FLASK_CACHING_FIXTURES_DIR, "redis_fc2.0.2_cachelib0.9.0.json"), "utf8"),
    ) as { cases: { name: string; pickle_hex: string | null }[] };
    const items = golden.cases
      .filter((c) => c.pickle_hex !== null)
      .map((c) => ({ name: c.name, orig: c.pickle_hex as string, ours: reencode(c.pickle_hex as string) }));
    const results = await check(items);
    const failures = results.filter((r) => !r.ok).map((r) => `${r.name} → ${r.detail}`);
    expect(failures, failures.join("\n")).toEqual([]);
  }, 120_000);
});

describe("RedisSerializer's int fallback follows Python's int(bytes)", () => {
  it("for 3000 random byte strings over whitespace, signs, digits and underscores", async () => {
    const alphabet = [..." \t\n\v\f\r+-_0123456789a.\u00e9\u0000"].map((c) => c.charCodeAt(0));
    const samples = fc.sample(
      fc.array(fc.constantFrom(...alphabet), { maxLength: 12 }).map((codes) => Uint8Array.from(codes)),
      { numRuns: 3000, seed: 99 },
    );
    const { results } = await peer.request<{ results: (string | null)[] }>({
      op: "int_parse",
      items: samples.map(toHex),
    });
    const mismatches = samples
      .map((b, i) => {
        const ours = parsePythonInt(b);
        const theirs = results[i] ?? null;
        return (ours === null ? null : String(ours)) === theirs
          ? null
          : `${JSON.stringify(Buffer.from(b).toString("latin1"))}: ours ${String(ours)}, Python ${theirs}`;
      })
      .filter((m) => m !== null);
    expect(mismatches.slice(0, 10)).toEqual([]);
  }, 60_000);
});
