/**
 * `chartDataResult`: a cached chart-data entry written by Python (pandas DataFrame in a pickled
 * dict) becomes what Superset's chart-data API answers, compared with Superset's own pipeline
 * rebuilt in python/peer/chart_json_peer.py (df_to_records, extract_dataframe_dtypes,
 * json_int_dttm_ser / json_iso_dttm_ser, simplejson ignore_nan). Also `makeJsonIsoDttmSer` on
 * pandas Timestamps against `Timestamp.isoformat()`.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Int64, Table, Utf8, vectorFromArray } from "apache-arrow";
import { beforeAll, describe, expect, it } from "vitest";
import { loads } from "#src/codecs/pickle/index.js";
import { createCache } from "#src/manager/create-cache.js";
import { PyDatetime64, type PyValue } from "#src/python/values.js";
import { QueryCacheManager } from "#src/superset/chart-data.js";
import { chartDataResult } from "#src/superset/chart-data-json.js";
import { makeJsonIntDttmSer, makeJsonIsoDttmSer } from "#src/superset/json-hooks.js";
import { PYTHON_PEER_DIR } from "#test/helpers/paths.js";
import { debianPython } from "#test/helpers/python.js";

interface PeerOutput {
  pickle: string;
  epoch: string;
  iso: string;
  timestamps: [string, string][];
}

let peer: PeerOutput;

beforeAll(() => {
  const r = spawnSync(debianPython(), [join(PYTHON_PEER_DIR, "chart_json_peer.py")], {
    cwd: PYTHON_PEER_DIR,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(r.stderr);
  peer = JSON.parse(r.stdout) as PeerOutput;
}, 60_000);

/** An entry stored the way Superset stores it, read back through QueryCacheManager. */
async function cachedEntry() {
  const cache = createCache({ CACHE_TYPE: "SimpleCache" });
  await cache.set("superset_data_key", loads(Buffer.from(peer.pickle, "hex")) as PyValue);
  const entry = await new QueryCacheManager(cache).get("superset_data_key");
  await cache.close();
  if (!entry) throw new Error("entry not read back");
  return entry;
}

describe("chartDataResult", () => {
  it("answers as /api/v1/chart/data (json_int_dttm_ser): epoch ms, Int64 above 2^53 as text", async () => {
    const result = chartDataResult(await cachedEntry());
    const text = JSON.stringify(result);
    expect(JSON.parse(text)).toEqual(JSON.parse(peer.epoch));
    expect(Object.keys(result)).toEqual(["data", "colnames", "coltypes", "rowcount", "sql_rowcount"]);
    expect(result.data.map((r) => r.id)).toEqual([1, 2, "9007199254740993"]);
  });

  it("writes temporal cells as isoformat() with temporal: 'iso' (json_iso_dttm_ser)", async () => {
    const result = chartDataResult(await cachedEntry(), { temporal: "iso" });
    expect(JSON.parse(JSON.stringify(result))).toEqual(JSON.parse(peer.iso));
  });

  it("takes a bare DataFrame, and temporalColumns stand for the dataset's is_dttm", () => {
    const df = new Table({
      id: vectorFromArray([1n, 2n ** 60n], new Int64()),
      ds: vectorFromArray(["2024-01-01", null], new Utf8()),
    });
    const result = chartDataResult(df, { temporalColumns: ["ds"] });
    expect(result).toEqual({
      data: [
        { id: 1, ds: "2024-01-01" },
        { id: "1152921504606846976", ds: null },
      ],
      colnames: ["id", "ds"],
      coltypes: [0, 2],
      rowcount: 2,
      sql_rowcount: null,
    });
  });
});

describe("makeJsonIsoDttmSer on pandas Timestamps", () => {
  it("formats as Timestamp.isoformat(): nanoseconds only when present, offsets of named zones", () => {
    const iso = makeJsonIsoDttmSer();
    for (const [hex, expected] of peer.timestamps) {
      const ts = loads(Buffer.from(hex, "hex"));
      expect(ts).toBeInstanceOf(PyDatetime64);
      expect(iso(ts)).toBe(expected);
    }
  });

  it("json_int_dttm_ser 'replace' reads a named zone's wall clock with Node's zone data", () => {
    // 2024-07-02T03:04:05+02:00 (Europe/Paris): replace(tzinfo=UTC) keeps 03:04:05 as UTC.
    const paris = loads(Buffer.from(peer.timestamps[5]?.[0] ?? "", "hex"));
    const epoch = makeJsonIntDttmSer({ awareDatetime: "replace" })(paris) as { value: number };
    expect(epoch.value).toBe(Date.UTC(2024, 6, 2, 3, 4, 5));
  });
});
