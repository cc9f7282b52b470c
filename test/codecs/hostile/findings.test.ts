/**
 * The decode findings of the hostile-input review, in process: each failed before its fix
 * (untyped errors, wrong answers or a decode reported as a backend failure). The inputs that
 * exhaust memory are in hostile-inputs.test.ts, which runs them under a small heap.
 */
import { spawnSync } from "node:child_process";
import { deflateSync } from "node:zlib";
import type { Table } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { SimpleBackend } from "#src/backends/simple.js";
import { Cache } from "#src/cache/cache.js";
import { parsePythonInt } from "#src/codecs/cachelib/python-int.js";
import { DecodeBudget, DecodeLimitError } from "#src/codecs/decode-budget.js";
import { stdlibJsonLoads } from "#src/codecs/json/stdlib-decode.js";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import type { Serializer } from "#src/codecs/serializer.js";
import { CacheDecodeError } from "#src/core/errors.js";
import { decodeResultsPayload } from "#src/superset/results/index.js";
import { debianPython } from "#test/helpers/python.js";

function python(code: string): Buffer {
  const r = spawnSync(debianPython(), ["-c", code]);
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return r.stdout;
}

const json = (v: unknown): Uint8Array => deflateSync(Buffer.from(JSON.stringify(v)));

describe("decode findings", () => {
  it("a numpy str of 125,000 characters decodes (no RangeError from spreading code points)", () => {
    const bytes = python(
      'import pickle, sys, numpy as np; sys.stdout.buffer.write(pickle.dumps(np.str_("A" * 125_000)))',
    );
    expect(loads(bytes)).toBe("A".repeat(125_000));
  });

  it("ASCII integers: the digit count is checked before anything is built", () => {
    expect(parsePythonInt(Buffer.from("9".repeat(4300)))).toBe(BigInt("9".repeat(4300)));
    expect(parsePythonInt(Buffer.from("9".repeat(4301)))).toBeNull();
    expect(parsePythonInt(Buffer.from(" -1_000_000\n"))).toBe(-1_000_000);
    const started = performance.now();
    expect(parsePythonInt(Buffer.alloc(60_000_000, 0x39))).toBeNull();
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("metastore JSON refuses integers of more than 4,300 digits before building them, as Python does", () => {
    expect(stdlibJsonLoads(Buffer.from(`[-${"9".repeat(4300)}]`))).toEqual([-BigInt("9".repeat(4300))]);
    const started = performance.now();
    expect(() => stdlibJsonLoads(Buffer.from("9".repeat(1_000_000)))).toThrow(
      expect.objectContaining({ code: "METASTORE_JSON_INVALID" }),
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("JSON-mode results with null rows or columns are typed payload errors, not TypeErrors", () => {
    const bad = [
      { data: [null], columns: [] },
      { data: [{ a: 1 }], columns: [null] },
      { data: [{ a: 1 }], selected_columns: 5 },
      { data: [[1, 2]], columns: [] },
    ];
    for (const payload of bad) {
      expect(() => decodeResultsPayload(json(payload), { useMsgpack: false })).toThrow(
        expect.objectContaining({ code: "RESULTS_PAYLOAD_INVALID" }),
      );
    }
  });

  it("JSON-mode results with thousands of distinct keys meet the element budget, not a quadratic build", () => {
    const rows = Array.from({ length: 2000 }, (_, r) =>
      Object.fromEntries(Array.from({ length: 30 }, (_, k) => [`k${r}_${k}`, 0])),
    );
    const started = performance.now();
    expect(() => decodeResultsPayload(json({ data: rows, columns: [] }), { useMsgpack: false })).toThrow(
      DecodeLimitError,
    );
    expect(performance.now() - started).toBeLessThan(2000);
    // The same payload within a raised budget decodes.
    const decoded = decodeResultsPayload(json({ data: rows.slice(0, 50), columns: [] }), {
      useMsgpack: false,
      limits: { maxTotalElements: 10_000_000 },
    });
    expect((decoded.data as Table).numCols).toBe(50 * 30);
  });

  it("the budget is shared and configurable through loads' limits, and names the stage", () => {
    const bytes = python(
      "import pickle, sys, pandas as pd; sys.stdout.buffer.write(pickle.dumps(pd.DataFrame({'a': list(range(1000))})))",
    );
    expect(() => loads(bytes, { limits: { maxTotalElements: 500 } })).toThrow(
      expect.objectContaining({ code: "DECODE_ELEMENT_LIMIT", stage: "arrow" }),
    );
    expect(loads(bytes, { limits: { maxTotalElements: 5000 } })).toBeDefined();
  });

  it("maxMillis bounds wall-clock time", () => {
    const budget = new DecodeBudget(10, { maxMillis: 1 });
    const started = performance.now();
    while (performance.now() - started < 5) {
      // spin past the deadline
    }
    expect(() => budget.checkTime("pickle")).toThrow(expect.objectContaining({ code: "DECODE_TIME_LIMIT" }));
  });

  it("a serializer failing with an untyped error is a decode failure for the Cache, not a backend one", async () => {
    const serializer: Serializer = {
      name: "broken",
      dumps: () => Uint8Array.of(1),
      loads: () => {
        throw new RangeError("Invalid string length");
      },
    };
    const open = new Cache({ backend: new SimpleBackend(), serializer, name: "X", logger: false });
    await open.setRaw("k", Uint8Array.of(1));
    expect(await open.get("k")).toBeUndefined();
    expect(open.errorCounts()).toEqual({ DECODE_FAILED: 1 });
    const strict = new Cache({
      backend: new SimpleBackend(),
      serializer,
      name: "Y",
      onBackendError: "throw",
    });
    await strict.setRaw("k", Uint8Array.of(1));
    const err = await strict.get("k").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CacheDecodeError);
    expect(err).toMatchObject({ code: "DECODE_FAILED" });
  });
});
