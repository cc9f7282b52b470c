/**
 * The str-cell scan checks UTF-8 a run of cells at a time (run-utf8.ts): cells whose bytes
 * are valid only together (a character split across two strs) must still be refused, and
 * decode as CPython does (an error). Pickles come from CPython + numpy, patched in place.
 */
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import type { NdArray } from "#src/codecs/pickle/decode/globals/numpy-array.js";
import { debianPython } from "#test/helpers/python.js";

const PY = String.raw`
import json, pickle, sys
import numpy as np
good = pickle.dumps(np.array(["a", "éx", "b"], dtype=object), protocol=4)
body = b"\x8c\x03\xc3\xa9x\x94\x8c\x01b\x94"
assert body in good
# The last two cells, "éx" and "b", become b"\xc3" and b"\xa9xb": the same bytes in all, "é" split.
split = good.replace(body, b"\x8c\x01\xc3\x94\x8c\x03\xa9xb\x94")
assert len(split) == len(good)
try:
    pickle.loads(split)
    raise SystemExit("CPython loaded the split-character pickle")
except UnicodeDecodeError:
    pass
json.dump({"good": good.hex(), "split": split.hex()}, sys.stdout)
`;

const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, "hex"));

describe("str-cell scan UTF-8 per run", () => {
  let peer: { good: string; split: string };
  beforeAll(() => {
    const r = spawnSync(debianPython(), ["-c", PY], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
    peer = JSON.parse(r.stdout) as { good: string; split: string };
  }, 60_000);

  it("multi-byte cells in one run decode to their strs", () => {
    expect((loads(fromHex(peer.good)) as unknown as NdArray).objects).toEqual(["a", "éx", "b"]);
  });

  it("a character split across two cells is refused, as CPython refuses it", () => {
    expect(() => loads(fromHex(peer.split))).toThrow(expect.objectContaining({ code: "PICKLE_BAD_UTF8" }));
  });
});
