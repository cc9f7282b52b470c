/**
 * The str-cell scan's buffers and its stricter checks (str-cells-run.ts, str-cells-scan.ts):
 * value-buffer growth past the first size guess, long BINGET copies, None cells at column
 * boundaries, and lists the general machine must decode instead (items left before a MARK,
 * a SHORT_BINUNICODE over maxStringBytes). Pickles and expected cells come from CPython + pandas.
 */
import { spawnSync } from "node:child_process";
import type { Table } from "apache-arrow";
import { beforeAll, describe, expect, it } from "vitest";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import { NdArray } from "#src/codecs/pickle/decode/globals/numpy-array.js";
import { debianPython } from "#test/helpers/python.js";

const PY = String.raw`
import json, pickle, sys
import numpy as np
import pandas as pd
rows = 2000
long = ["%03d" % i + "x" * 300 for i in range(50)]
# Equal strs are one object, so the pickle refers back to them (LONG_BINGET copies of 300+ bytes).
c0 = [long[i % 50] if i % 7 else "é%d" % i for i in range(rows)]
c0[-1] = None
c1 = [None] + ["y" * (i % 40) for i in range(1, rows)]
c1[9] = None
c2 = ["日本%d" % i for i in range(rows)]
df = pd.DataFrame({"c0": pd.Series(c0, dtype=object), "c1": pd.Series(c1, dtype=object), "c2": pd.Series(c2, dtype=object)})
frame = pickle.dumps(df, protocol=5)
back = pickle.loads(frame)
arr = pickle.dumps(np.array(["a", "b"], dtype=object), protocol=4)
body = b"]\x94(\x8c\x01a\x94\x8c\x01b\x94e"
assert body in arr
# "a" is pushed before the MARK, so APPENDS extends the str, not the list: Python raises.
mark_after_item = arr.replace(body, b"]\x94\x8c\x01a\x94(\x8c\x01b\x94e")
try:
    pickle.loads(mark_after_item)
    raise SystemExit("CPython loaded the MARK-after-item pickle")
except AttributeError:
    pass
wide = pickle.dumps(np.array(["a" * 20, "b"], dtype=object), protocol=4)
json.dump({
    "frame": frame.hex(),
    "columns": {c: [None if v is None else v for v in back[c]] for c in back.columns},
    "markAfterItem": mark_after_item.hex(),
    "wide": wide.hex(),
}, sys.stdout)
`;

interface PeerOutput {
  frame: string;
  columns: Record<string, (string | null)[]>;
  markAfterItem: string;
  wide: string;
}

const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, "hex"));

describe("str-cell scan buffers", () => {
  let peer: PeerOutput;
  beforeAll(() => {
    const r = spawnSync(debianPython(), ["-c", PY], { encoding: "utf8", maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
    peer = JSON.parse(r.stdout) as PeerOutput;
  }, 60_000);

  it("long and shared strs, multi-byte text and None at column edges decode to pandas' cells", () => {
    const table = loads(fromHex(peer.frame)) as unknown as Table;
    for (const [name, cells] of Object.entries(peer.columns)) {
      const column = table.getChild(name);
      expect(column, name).not.toBeNull();
      expect(column?.nullCount, name).toBe(cells.filter((c) => c === null).length);
      const ours = Array.from({ length: cells.length }, (_, i) => column?.get(i) ?? null);
      expect(ours, name).toEqual(cells);
      const data = column?.data[0];
      // Zero-based offsets over exactly this column's bytes.
      expect(data?.valueOffsets[0], name).toBe(0);
      expect(data?.values.length, name).toBe(data?.valueOffsets[cells.length]);
    }
  });

  it("items left on the list before a MARK go to the general machine, which fails as Python does", () => {
    expect(() => loads(fromHex(peer.markAfterItem))).toThrow(
      expect.objectContaining({ code: "PICKLE_BAD_TYPE" }),
    );
  });

  it("a SHORT_BINUNICODE cell longer than maxStringBytes is refused, not scanned", () => {
    const wide = fromHex(peer.wide);
    const arr = loads(wide) as unknown as NdArray;
    expect(arr).toBeInstanceOf(NdArray);
    expect(arr.objects).toEqual(["a".repeat(20), "b"]);
    expect(() => loads(wide, { limits: { maxStringBytes: 10 } })).toThrow(
      expect.objectContaining({ code: "PICKLE_LIMIT_EXCEEDED" }),
    );
  });
});
