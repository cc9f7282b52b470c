/**
 * The str-cell fast path (str-cells-scan.ts / utf8-cells.ts): object ndarrays of strs decode
 * to the same values CPython loads, whether the cells went straight from the pickle's UTF-8
 * into Arrow or through the general machine (lone surrogates, non-str cells, protocol 2).
 * Pickles and expected values come from CPython (python/peer/str_cells_peer.py); hand-made
 * pickles read the list, its strs and its state tuple back from the memo afterwards.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Table } from "apache-arrow";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import { NdArray } from "#src/codecs/pickle/decode/globals/numpy-array.js";
import { PickleDecodeError } from "#src/codecs/pickle/errors.js";
import { PyTuple, type PyValue } from "#src/python/values.js";
import { PYTHON_PEER_DIR } from "#test/helpers/paths.js";
import { debianPython } from "#test/helpers/python.js";

const PEER = join(PYTHON_PEER_DIR, "str_cells_peer.py");
const SEED = 20261122;
const FRAMES = 40;
const PROTOCOLS = [2, 4, 5];

type Cell = string | null;
interface PeerOutput {
  frames: { protocol: number; hex: string; columns: Record<string, Cell[]> }[];
  escapes: { name: string; hex: string; expect: PyValue[] }[];
  bare: { name: string; hex: string; expect: PyValue[]; fast: boolean }[];
}

const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, "hex"));

/** Cells that exercise SHORT_BINUNICODE/BINUNICODE, multi-byte UTF-8, surrogates and repeats. */
const cellArb: fc.Arbitrary<Cell> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("France", "Brazil", "", "é", "日本", "😀") },
  { weight: 4, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 256, maxLength: 400 }) },
  { weight: 1, arbitrary: fc.constant(null) },
);

function runPeer(frames: Cell[][][]): PeerOutput {
  const r = spawnSync(debianPython(), [PEER], {
    input: JSON.stringify({ frames, protocols: PROTOCOLS }),
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`str_cells_peer failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as PeerOutput;
}

describe("str cells of object ndarrays", () => {
  let peer: PeerOutput;
  beforeAll(() => {
    const frames = fc.sample(
      fc
        .integer({ min: 0, max: 60 })
        .chain((rows) =>
          fc.array(fc.array(cellArb, { minLength: rows, maxLength: rows }), { minLength: 1, maxLength: 3 }),
        ),
      { seed: SEED, numRuns: FRAMES },
    );
    peer = runPeer(frames);
  }, 60_000);

  it("DataFrames of str/None object columns decode to the cells pandas loads (protocols 2, 4, 5)", () => {
    expect(peer.frames.length).toBe(FRAMES * PROTOCOLS.length);
    for (const frame of peer.frames) {
      const table = loads(fromHex(frame.hex)) as unknown as Table;
      for (const [name, cells] of Object.entries(frame.columns)) {
        const column = table.getChild(name);
        expect(column, name).not.toBeNull();
        const ours = Array.from({ length: cells.length }, (_, i) => column?.get(i) ?? null);
        expect(ours).toEqual(cells);
        expect(table.schema.fields.find((f) => f.name === name)?.metadata.get("pandas_object_encoding")).toBe(
          "str",
        );
      }
    }
  });

  it("bare object arrays keep UTF-8 references only when every cell is strict-UTF-8 str or None", () => {
    expect(peer.bare.length).toBeGreaterThan(0);
    for (const c of peer.bare) {
      const arr = loads(fromHex(c.hex));
      expect(arr, c.name).toBeInstanceOf(NdArray);
      const nd = arr as unknown as NdArray;
      expect(nd.cells !== null, c.name).toBe(c.fast);
      expect(nd.objects, c.name).toEqual(c.expect);
      // Reading the cells twice returns the same list (one identity, as in Python).
      expect(nd.objects).toBe(nd.objects);
    }
  });

  it("the list, its strs and its state tuple read back from the memo or wrapped elsewhere are plain values", () => {
    const byName = new Map(peer.escapes.map((e) => [e.name, e]));
    const listAfter = byName.get("list-after");
    const stateAfter = byName.get("state-after");
    const nested = byName.get("nested-tuple");
    if (!listAfter || !stateAfter || !nested) throw new Error("peer did not write the escape cases");

    const a = loads(fromHex(listAfter.hex)) as PyValue[];
    expect((a[0] as unknown as NdArray).objects).toEqual(listAfter.expect[0]);
    expect(Array.isArray(a[1]) && !(a[1] instanceof PyTuple)).toBe(true);
    expect(a[1]).toEqual(listAfter.expect[1]);
    expect(a[1]).toBe((a[0] as unknown as NdArray).objects);
    expect(a[2]).toBe(listAfter.expect[2]);

    const b = loads(fromHex(stateAfter.hex)) as PyValue[];
    const state = b[1] as PyValue[];
    expect(state).toBeInstanceOf(PyTuple);
    expect(Array.isArray(state[4])).toBe(true);
    expect(state[4]).toEqual(stateAfter.expect[1]);

    // A PUT over a scanned str's slot wins; the memo index after the list still finds the state.
    const putOver = byName.get("put-over");
    if (!putOver) throw new Error("peer did not write the put-over case");
    const d = loads(fromHex(putOver.hex)) as PyValue[];
    expect(d[1]).toBe(putOver.expect[1]);
    expect((d[2] as PyValue[])[4]).toEqual(putOver.expect[2]);

    // The state tuple wrapped in tuples instead of reaching BUILD: a plain list inside.
    const c = loads(fromHex(nested.hex)) as PyValue[];
    const inner = ((c[1] as PyValue[])[0] as PyValue[])[0] as PyValue[];
    expect(Array.isArray(inner[4]) && !(inner[4] instanceof PyTuple)).toBe(true);
    expect(inner[4]).toEqual(nested.expect[0]);
  });

  it("a truncated str list falls back and reports truncation like the general machine", () => {
    const c = peer.bare.find((x) => x.name === "ascii");
    if (!c) throw new Error("peer did not write the ascii case");
    const bytes = fromHex(c.hex);
    for (let cut = 1; cut < bytes.length; cut++) {
      const read = () => loads(bytes.subarray(0, cut));
      expect(read, `cut at ${cut}`).toThrow(PickleDecodeError);
      // A cut inside a frame is a frame longer than the input; elsewhere the read runs out.
      expect(read, `cut at ${cut}`).toThrow(
        expect.objectContaining({ code: expect.stringMatching(/^PICKLE_(TRUNCATED|BAD_FRAME)$/) }),
      );
    }
  });
});
