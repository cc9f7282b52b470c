/**
 * JSON-mode results payloads (RESULTS_BACKEND_USE_MSGPACK = False) as simplejson writes them:
 * one int beyond 2^53 keeps its column an int column (only that value is a bigint, or text as
 * `df_to_records` wrote it), and reading a payload with the wrong mode says which mode wrote it.
 */
import { spawnSync } from "node:child_process";
import type { Table } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { tableToRecords } from "#src/superset/results/arrow-records.js";
import { decodeResultsPayload, encodeResultsPayload } from "#src/superset/results/payload-codec.js";
import type { ClassicResultsPayload, ResultsPayload } from "#src/superset/results/types.js";
import { debianPython } from "#test/helpers/python.js";

/** `zlib.compress(simplejson.dumps(payload, ignore_nan=True).encode())` of a classic payload whose `data` is `rows` (Python literal). */
function simplejsonPayload(rows: string): Uint8Array {
  const code = [
    "import simplejson, sys, zlib",
    "cols = [{'column_name': 'id', 'name': 'id', 'type': 'BIGINT', 'is_dttm': False}]",
    `payload = {'query_id': 1, 'status': 'success', 'data': ${rows}, 'columns': cols,`,
    "           'selected_columns': cols, 'expanded_columns': [], 'query': {'state': 'success'}}",
    "sys.stdout.write(zlib.compress(simplejson.dumps(payload, ignore_nan=True).encode('utf-8')).hex())",
  ].join("\n");
  const r = spawnSync(debianPython(), ["-c", code], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return new Uint8Array(Buffer.from(r.stdout, "hex"));
}

const ids = (bytes: Uint8Array) => {
  const decoded = decodeResultsPayload(bytes, { useMsgpack: false }) as ClassicResultsPayload<Table>;
  return tableToRecords(decoded.data).map((r) => r.id);
};

describe("JSON mode: ints beyond 2^53", () => {
  it("an int simplejson wrote as a number stays exact; the column stays numbers", () => {
    const bytes = simplejsonPayload("[{'id': 1}, {'id': 2}, {'id': 2**53 + 1}]");
    expect(ids(bytes)).toEqual([1, 2, "9007199254740993"]);
    const raw = decodeResultsPayload(bytes, { useMsgpack: false, dataAs: "raw" }) as ClassicResultsPayload<
      { id: unknown }[]
    >;
    expect(raw.data.map((r) => r.id)).toEqual([1, 2, 9007199254740993n]);
  });

  it("an int df_to_records wrote as text does not turn the column into strings", () => {
    const bytes = simplejsonPayload("[{'id': 1}, {'id': 2}, {'id': str(2**53 + 1)}, {'id': None}]");
    const decoded = decodeResultsPayload(bytes, { useMsgpack: false }) as ClassicResultsPayload<Table>;
    expect(String(decoded.data.schema.fields[0]?.type)).toBe("Int64");
    expect(tableToRecords(decoded.data).map((r) => r.id)).toEqual([1, 2, "9007199254740993", null]);
  });

  it("text that is not an int, or a str column, stays text", () => {
    expect(ids(simplejsonPayload("[{'id': 1}, {'id': 'abc'}]"))).toEqual(["1", "abc"]);
    expect(ids(simplejsonPayload("[{'id': '12345678901234567'}]"))).toEqual([12345678901234567n].map(String));
  });
});

describe("decode errors name the RESULTS_BACKEND_USE_MSGPACK mismatch", () => {
  const payload: ResultsPayload = {
    query_id: 1,
    status: "success",
    data: [{ a: 1 }],
    columns: [{ column_name: "a", name: "a", type: "INT", is_dttm: false }],
    selected_columns: [{ column_name: "a", name: "a", type: "INT", is_dttm: false }],
    expanded_columns: [],
    query: { state: "success" },
  };

  it("msgpack bytes read as JSON", () => {
    const bytes = encodeResultsPayload(payload, { useMsgpack: true });
    expect(() => decodeResultsPayload(bytes, { useMsgpack: false })).toThrow(
      /looks like msgpack: it was written with RESULTS_BACKEND_USE_MSGPACK = True, read it with useMsgpack: true/,
    );
  });

  it("JSON bytes read as msgpack", () => {
    const bytes = encodeResultsPayload(payload, { useMsgpack: false });
    expect(() => decodeResultsPayload(bytes, { useMsgpack: true })).toThrow(
      /looks like JSON text: it was written with RESULTS_BACKEND_USE_MSGPACK = False, read it with useMsgpack: false/,
    );
  });
});
