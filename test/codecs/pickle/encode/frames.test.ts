/**
 * "Decode back identically": every DataFrame fixture decoded to an Arrow Table, encoded by
 * `pickle.dumps` and decoded again gives the same Table — column names and types, cell values,
 * field metadata (pandas dtype, object encoding) and schema metadata (dtypes, index).
 * The Python side of the same round trip is test/interop/pickle-roundtrip.test.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { Table, type Vector } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import { dumps } from "#src/codecs/pickle/encode/encoder.js";
import { PICKLE_FIXTURES_DIR } from "#test/helpers/paths.js";

const DIR = new URL(`file://${PICKLE_FIXTURES_DIR}/`);
const frames = readdirSync(DIR).filter((f) => /^(df_|hand_df)/.test(f) && f.endsWith(".pkl"));

function describeTable(t: Table): unknown {
  return {
    schema: [...t.schema.metadata].sort(),
    fields: t.schema.fields.map((f) => ({
      name: f.name,
      type: String(f.type),
      meta: [...f.metadata].sort(),
    })),
    cells: t.schema.fields.map((f) => [...(t.getChild(f.name) as Vector)].map(String)),
  };
}

describe("DataFrame fixtures: loads → dumps → loads gives the same Arrow Table", () => {
  it("covers every DataFrame fixture", () => expect(frames.length).toBeGreaterThanOrEqual(17));
  for (const f of frames) {
    it(f, () => {
      const first = loads(readFileSync(new URL(f, DIR)));
      expect(first).toBeInstanceOf(Table);
      const again = loads(dumps(first));
      expect(describeTable(again as Table)).toEqual(describeTable(first as Table));
    });
  }
});
