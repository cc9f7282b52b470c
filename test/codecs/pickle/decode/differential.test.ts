/**
 * Differential test against real Python: random nested values (seeded, from the project's
 * Python peer) are pickled by CPython at every protocol 0–5; each pickle must decode to the
 * tagged description Python printed for the value.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Table } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import { PickleSecurityError } from "#src/codecs/pickle/errors.js";
import { PyObject } from "#src/python/values.js";
import { normaliseExpected, toConvention } from "#test/helpers/manifest-expect.js";
import { PYTHON_PEER_DIR } from "#test/helpers/paths.js";
import { debianPython } from "#test/helpers/python.js";

const PEER = join(PYTHON_PEER_DIR, "pickle_decode_peer.py");
const SEED = Number(process.env.PICKLE_DIFF_SEED ?? 4242);
const COUNT = 1000;

interface Line {
  pickles?: Record<string, string>;
  expect?: unknown;
  skip?: string;
}

describe("decoding CPython pickles of random values, protocols 0-5", () => {
  it(`${COUNT} random values (seed ${SEED}) decode to Python's description at every protocol`, () => {
    const run = spawnSync(debianPython(), [PEER, String(SEED), String(COUNT)], {
      encoding: "utf8",
      maxBuffer: 512 * 1024 * 1024,
    });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Line);
    const skipped = lines.filter((l) => l.skip).length;
    expect(skipped).toBeLessThan(COUNT / 20);
    let checked = 0;
    const failures: string[] = [];
    for (const line of lines) {
      if (!line.pickles) continue;
      const expected = normaliseExpected(line.expect as never);
      for (const [proto, hex] of Object.entries(line.pickles)) {
        let got: unknown;
        try {
          got = toConvention(
            loads(Buffer.from(hex, "hex"), { exactNumbers: true, dicts: "map" }),
            "flask-caching",
          );
        } catch (e) {
          got = `threw ${String(e)}`;
        }
        checked++;
        try {
          expect(got).toEqual(expected);
        } catch {
          if (failures.length < 5)
            failures.push(
              `protocol ${proto} ${hex.slice(0, 200)}\n got ${JSON.stringify(got)?.slice(0, 300)}\n want ${JSON.stringify(expected).slice(0, 300)}`,
            );
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual((COUNT - skipped) * 6);
  }, 120_000);
});

const UNSUPPORTED_SCRIPT = `
import pickle, sys, pandas as pd
per = pd.period_range("2024-01", periods=3, freq="M")
out = {
  "period_column": pickle.dumps(pd.DataFrame({"p": per, "x": [1, 2, 3]}), 5).hex(),
  "period_index": pickle.dumps(pd.DataFrame({"v": [1.5, 2.5, 3.5]}, index=per), 5).hex(),
  "series": pickle.dumps(pd.Series([1, None, 3], dtype="Int64", name="n"), 5).hex(),
  "empty_float_series": pickle.dumps(pd.Series([], dtype="float64", name="e"), 5).hex(),
  "empty_object_series": pickle.dumps(pd.Series([], dtype="object", name="e"), 5).hex(),
}
import json; print(json.dumps(out))
`;

describe("pandas content outside the model (pickled by pandas 1.5.3)", () => {
  const run = spawnSync(debianPython(), ["-c", UNSUPPORTED_SCRIPT], { encoding: "utf8" });
  const pickles = JSON.parse(run.stdout) as Record<string, string>;
  for (const name of ["period_column", "period_index"]) {
    it(`${name}: the DataFrame stays an inert placeholder (lenient) and is refused in strict mode`, () => {
      const bytes = Buffer.from(pickles[name] as string, "hex");
      const v = loads(bytes) as PyObject;
      expect(v).toBeInstanceOf(PyObject);
      expect(v.qualifiedName).toBe("pandas.core.frame.DataFrame");
      expect(v.state).toBeDefined();
      expect(() => loads(bytes, { unknownGlobals: "error" })).toThrow(PickleSecurityError);
    });
  }
  it("a pandas Series decodes to a one-column Table", () => {
    const t = loads(Buffer.from(pickles.series as string, "hex")) as Table;
    expect(t.schema.metadata.get("pandas_kind")).toBe("Series");
    expect(t.schema.fields.map((f) => [f.name, f.metadata.get("pandas_dtype")])).toEqual([["n", "Int64"]]);
    expect(t.getChildAt(0)?.nullCount).toBe(1);
  });
  it("an empty Series (its block placed by an empty array) decodes to an empty one-column Table", () => {
    for (const name of ["empty_float_series", "empty_object_series"]) {
      const t = loads(Buffer.from(pickles[name] as string, "hex")) as Table;
      expect(t.schema.metadata.get("pandas_kind")).toBe("Series");
      expect(t.numRows).toBe(0);
      expect(t.schema.fields.map((f) => f.name)).toEqual(["e"]);
    }
  });
});
