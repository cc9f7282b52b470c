/**
 * Differential test against real Python: random nested values (seeded, from the project's
 * Python peer) are pickled by CPython at every protocol 0–5; each pickle must decode to the
 * tagged description Python printed for the value.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loads } from "../../src/codecs/pickle/decoder.js";
import { normaliseExpected, toConvention } from "../helpers/manifest-expect.js";
import { debianPython } from "../helpers/python.js";

const PEER = join(import.meta.dirname, "../../python/peer/pickle_decode_peer.py");
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
