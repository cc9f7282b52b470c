/**
 * `LoadsOptions.ownsInput`: a misaligned bytes/bytearray payload is moved over its own opcode
 * header so numpy columns become zero-copy typed views. Values must equal those decoded without
 * the option at every payload offset 0–7, and no other value's bytes may change.
 * Pickles come from CPython + numpy/pandas (protocols 4 and 5).
 */
import { spawnSync } from "node:child_process";
import type { Table } from "apache-arrow";
import { beforeAll, describe, expect, it } from "vitest";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import { NdArray } from "#src/codecs/pickle/decode/globals/numpy-array.js";
import { dumps } from "#src/codecs/pickle/encode/encoder.js";
import { PyBytearray, PyTuple, type PyValue } from "#src/python/values.js";
import { debianPython } from "#test/helpers/python.js";

const PY = `
import json, pickle
import numpy as np
import pandas as pd
out = []
for protocol in (4, 5):
    for pad in range(8):
        head = b"h" * (3 + pad)
        f8 = np.arange(40, dtype=np.float64) * 1.5 - 7.25
        i8 = np.arange(40, dtype=np.int64) * -3
        f4 = np.arange(10, dtype=np.float32) / 3
        obj = (head, f8, bytearray(b"ba" * 9), i8, f4, b"tail" * 5)
        out.append({"protocol": protocol, "pad": pad, "tuple": pickle.dumps(obj, protocol=protocol).hex()})
        df = pd.DataFrame({"n" * (pad + 1): np.arange(64, dtype=np.int64), "x": np.linspace(0, 1, 64)})
        out.append({"protocol": protocol, "pad": pad, "frame": pickle.dumps(df, protocol=protocol).hex()})
print(json.dumps(out))
`;

interface Case {
  protocol: number;
  pad: number;
  tuple?: string;
  frame?: string;
}

/** `hex` in a fresh buffer that starts `shift` bytes into its ArrayBuffer (so every alignment is hit). */
function freshInput(hex: string, shift = 0): Uint8Array {
  const src = Buffer.from(hex, "hex");
  const out = new Uint8Array(new ArrayBuffer(src.length + shift), shift, src.length);
  out.set(src);
  return out;
}

function plain(v: PyValue): unknown {
  if (v instanceof NdArray)
    return {
      dtype: v.dtype?.kind,
      shape: v.shape,
      values: Array.from((v.typed() ?? []) as ArrayLike<number | bigint>),
    };
  if (v instanceof Uint8Array)
    return { bytes: Buffer.from(v).toString("hex"), array: v instanceof PyBytearray };
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

let cases: Case[] = [];

beforeAll(() => {
  const r = spawnSync(debianPython(), ["-c", PY], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  cases = JSON.parse(r.stdout) as Case[];
});

describe("loads with ownsInput", () => {
  it("decodes numpy arrays equal to the default at every offset, zero-copy when movable", () => {
    let zeroCopy = 0;
    for (const c of cases.filter((x) => x.tuple !== undefined)) {
      for (let shift = 0; shift < 8; shift++) {
        const want = loads(freshInput(c.tuple as string, shift)) as PyTuple;
        const input = freshInput(c.tuple as string, shift);
        const got = loads(input, { ownsInput: true }) as PyTuple;
        expect(got).toBeInstanceOf(PyTuple);
        expect(plain(got)).toEqual(plain(want));
        const f8 = (got[1] as NdArray).typed() as Float64Array;
        if (f8.buffer === input.buffer) zeroCopy++;
        // Every typed view is aligned (zero-copy or copied).
        expect(f8.byteOffset % 8).toBe(0);
      }
    }
    // Protocol 5's BYTEARRAY8 header (9 bytes) covers every misalignment.
    expect(zeroCopy).toBeGreaterThanOrEqual(64);
  });

  it("decodes DataFrames equal to the default at every offset", () => {
    for (const c of cases.filter((x) => x.frame !== undefined)) {
      for (let shift = 0; shift < 8; shift++) {
        const want = loads(freshInput(c.frame as string, shift)) as unknown as Table;
        const got = loads(freshInput(c.frame as string, shift), { ownsInput: true }) as unknown as Table;
        expect(got.schema.fields.map((f) => f.name)).toEqual(want.schema.fields.map((f) => f.name));
        expect(got.toArray().map((row) => row.toJSON())).toEqual(want.toArray().map((row) => row.toJSON()));
      }
    }
  });

  it("moves only the payload and its own header: earlier and later values keep their bytes", () => {
    for (let pad = 0; pad < 8; pad++) {
      const payload = new Uint8Array(64).map((_, i) => (i * 37 + pad) & 0xff);
      const value: PyValue = [
        new Uint8Array(pad + 1).fill(0x61),
        payload,
        new PyBytearray(payload.slice(0, 24)),
        new Uint8Array(9).fill(0x7a),
      ];
      const pickled = dumps(value, { protocol: 5 });
      for (let shift = 0; shift < 8; shift++) {
        const input = freshInput(Buffer.from(pickled).toString("hex"), shift);
        const got = loads(input, { ownsInput: true }) as Uint8Array[];
        expect(plain(got)).toEqual(plain(value));
        for (const v of got) expect(v.buffer).toBe(input.buffer);
      }
    }
  });

  it("leaves the input untouched without the option", () => {
    const pickled = dumps([new Uint8Array(3), new Uint8Array(64).fill(9)], { protocol: 5 });
    const input = freshInput(Buffer.from(pickled).toString("hex"), 1);
    const before = Buffer.from(input).toString("hex");
    loads(input);
    expect(Buffer.from(input).toString("hex")).toBe(before);
  });
});
