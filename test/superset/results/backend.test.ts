/**
 * SQL Lab results backend against the real Python stack: payloads built in Python as
 * superset/sql_lab.py does (msgpack 1.0.3 / simplejson 3.18 / zlib) and stored through
 * Flask-Caching's RedisCache into a redis-server started here are read by SqlLabResults; payloads
 * we write are read back by Python (zlib.decompress + msgpack.loads(raw=False) / json.loads) and
 * compared field by field. The Arrow IPC part is made by apache-arrow (pyarrow is not available).
 */
import { inflateSync } from "node:zlib";
import { Bool, Float64, Int64, Table, TimestampMicrosecond, Utf8, vectorFromArray } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cache } from "#src/cache/cache.js";
import { createCache } from "#src/manager/create-cache.js";
import { PyDatetime, PyDecimal, PyFloat, PyTimedelta, type PyValue } from "#src/python/values.js";
import { tableToIpcStream } from "#src/superset/results/arrow-ipc.js";
import { encodeResultsPayload } from "#src/superset/results/payload-codec.js";
import { SqlLabResults } from "#src/superset/results/sql-lab-results.js";
import { RedisServer } from "#test/helpers/redis-server.js";
import { hex, resultsPeer, unhex } from "#test/helpers/results-peer-client.js";
import { type Json, toTagged } from "#test/helpers/tagged.js";

const PREFIX = "superset_results";
const CACHE_DEFAULT_TIMEOUT = 3600;

function sampleTable(): Table {
  return new Table({
    id: vectorFromArray([1n, 2n, null, 9007199254740993n], new Int64()),
    name: vectorFromArray(["a", "é😀", null, ""], new Utf8()),
    score: vectorFromArray([1.5, Number.NaN, null, -0], new Float64()),
    ok: vectorFromArray([true, false, null, true], new Bool()),
    ts: vectorFromArray([0, 1_566_146_356_660, null, -1000], new TimestampMicrosecond()),
  });
}

/** simplejson decodes bytes itself as UTF-8 before any `default` hook, so JSON mode gets text bytes. */
function jsonQuery(): Record<string, PyValue> {
  return { ...sampleQuery(), blob: new TextEncoder().encode("ok") };
}

/** Query.to_dict()-like metadata with every json_iso_dttm_ser case. */
function sampleQuery(): Record<string, PyValue> {
  return {
    id: 42,
    sql: "SELECT * FROM t",
    dbId: 1,
    startDttm: new PyFloat(1_700_000_000_123),
    endDttm: 1_700_000_000_456.25,
    changedOn: new PyDatetime(2024, 5, 6, 7, 8, 9, 123_456),
    rows: 4,
    limit: 10_000_000_000,
    amount: new PyDecimal("12.50"),
    elapsed: new PyTimedelta(-1, 86_399, 0),
    tags: ["x", "y"],
    extra: { progress: null, nested: { big: -5_000_000_000 } },
    blob: new Uint8Array([0, 255]),
  };
}

const columnsOf = (t: Table) =>
  t.schema.fields.map((f) => ({ column_name: f.name, name: f.name, type: String(f.type), is_dttm: false }));

describe("results backend interop (real redis-server + Python msgpack/simplejson/cachelib)", () => {
  let server: RedisServer;
  let cache: Cache;
  let redis: Json;

  beforeAll(async () => {
    server = await RedisServer.start({ label: "results" });
    redis = { host: server.host, port: server.port, key_prefix: PREFIX };
    cache = createCache(
      {
        CACHE_TYPE: "RedisCache",
        CACHE_REDIS_HOST: server.host,
        CACHE_REDIS_PORT: server.port,
        CACHE_KEY_PREFIX: PREFIX,
      },
      { path: "RESULTS_BACKEND" },
    );
  }, 30_000);

  afterAll(async () => {
    await cache?.close();
    await server?.stop();
  });

  const results = (useMsgpack: boolean) =>
    new SqlLabResults({ backend: cache, useMsgpack, cacheDefaultTimeoutSeconds: CACHE_DEFAULT_TIMEOUT });

  it("reads a msgpack payload Python stored, and encodes the same payload to the same msgpack bytes", async () => {
    const table = sampleTable();
    const ipc = tableToIpcStream(table);
    const key = "0b7c3f8e-9c1a-4c1e-9a51-5e0c7d5f3a11";
    const columns = columnsOf(table);
    const stored = resultsPeer("store", {
      redis,
      key,
      mode: "msgpack",
      timeout: 600,
      shape: "classic",
      parts: {
        query_id: 42,
        data: { $bytes: hex(ipc) },
        columns,
        selected_columns: columns,
        expanded_columns: [],
        query: toTagged(sampleQuery()),
      },
    }) as { serialized_hex: string; ttl: number };

    const got = await results(true).read(key);
    expect(got.shape).toBe("classic");
    expect(got.queryId).toBe(42);
    expect(got.status).toBe("success");
    expect(got.query).toMatchObject({
      state: "success",
      resultsKey: key,
      sql: "SELECT * FROM t",
      startDttm: 1_700_000_000_123,
      endDttm: 1_700_000_000_456.25,
      changedOn: "2024-05-06T07:08:09.123456",
      amount: 12.5,
      elapsed: "-0:00:01",
      limit: 10_000_000_000,
      tags: ["x", "y"],
      extra: { progress: null, nested: { big: -5_000_000_000 } },
    });
    expect(new Uint8Array(got.query.blob as Uint8Array)).toEqual(new Uint8Array([0, 255]));
    expect(got.selectedColumns.map((c) => c.column_name)).toEqual(["id", "name", "score", "ok", "ts"]);
    expect(got.data).not.toBeNull();
    expect(tableToIpcStream(got.data as Table)).toEqual(ipc);
    expect(stored.ttl).toBeGreaterThan(590);

    // Our encoder, same payload in the same order → byte-identical msgpack.
    const query = { ...sampleQuery(), state: "success", resultsKey: key };
    const ours = encodeResultsPayload({
      query_id: 42,
      status: "success",
      data: ipc,
      columns,
      selected_columns: columns,
      expanded_columns: [],
      query,
    });
    expect(hex(inflateSync(ours))).toBe(stored.serialized_hex);
  });

  it("writes a msgpack payload Python reads field by field, with the database cache_timeout", async () => {
    const table = sampleTable();
    const written = await results(true).write({
      table,
      query: sampleQuery(),
      databaseCacheTimeoutSeconds: 900,
    });
    expect(written.resultsKey).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(written.timeoutSeconds).toBe(900);
    const loaded = resultsPeer("load", { redis, key: written.resultsKey, mode: "msgpack" }) as {
      found: boolean;
      blob_type: string;
      payload: Record<string, Json>;
      ttl: number;
    };
    expect(loaded.found).toBe(true);
    expect(loaded.blob_type).toBe("bytes");
    expect(loaded.ttl).toBeGreaterThan(890);
    const p = loaded.payload;
    expect(Object.keys(p)).toEqual([
      "query_id",
      "status",
      "data",
      "columns",
      "selected_columns",
      "expanded_columns",
      "query",
    ]);
    expect(p.query_id).toBe(42);
    expect(p.status).toBe("success");
    expect(p.data).toEqual({ $bytes: hex(tableToIpcStream(table)) });
    expect(p.columns).toEqual(p.selected_columns);
    expect(p.expanded_columns).toEqual([]);
    expect(p.query).toEqual({
      id: 42,
      sql: "SELECT * FROM t",
      dbId: 1,
      startDttm: { $float: "1700000000123.0" },
      endDttm: 1_700_000_000_456.25,
      changedOn: "2024-05-06T07:08:09.123456",
      rows: 4,
      limit: 10_000_000_000,
      amount: 12.5,
      elapsed: "-0:00:01",
      tags: ["x", "y"],
      extra: { progress: null, nested: { big: -5_000_000_000 } },
      blob: { $bytes: "00ff" },
      state: "success",
      resultsKey: written.resultsKey,
    });
  });

  it("uses CACHE_DEFAULT_TIMEOUT when the database has no cache_timeout, and 0 as never-expire", async () => {
    const a = await results(true).write({ table: sampleTable(), query: { id: 1 } });
    expect(a.timeoutSeconds).toBe(CACHE_DEFAULT_TIMEOUT);
    const ttlA = Number(server.cli(["TTL", `${PREFIX}${a.resultsKey}`]).out);
    expect(ttlA).toBeGreaterThan(CACHE_DEFAULT_TIMEOUT - 10);
    const b = await results(true).write({
      table: sampleTable(),
      query: { id: 1 },
      databaseCacheTimeoutSeconds: 0,
    });
    expect(server.cli(["TTL", `${PREFIX}${b.resultsKey}`]).out).toBe("-1");
  });

  it("JSON mode both ways: simplejson text with ignore_nan and iso datetimes", async () => {
    const key = "5a1f7a1e-0d2c-4f43-8b2a-3e9d1c2b4a55";
    const records = [
      { id: 1, name: "a", score: 1.5, when: { $datetime: "2019-08-18T16:39:16.660000" } },
      { id: 2, name: "é", score: { $float: "nan" }, when: null },
    ];
    const stored = resultsPeer("store", {
      redis,
      key,
      mode: "json",
      timeout: 600,
      shape: "classic",
      parts: {
        query_id: 7,
        data: records,
        columns: [{ name: "id", type: "BIGINT" }],
        selected_columns: [{ name: "id", type: "BIGINT" }],
        expanded_columns: [],
        query: toTagged(jsonQuery()),
      },
    });
    // Our encoder, same payload → the same simplejson text, byte for byte.
    const columns = [{ name: "id", type: "BIGINT" }];
    const ours = encodeResultsPayload(
      {
        query_id: 7,
        status: "success",
        data: [
          { id: 1, name: "a", score: 1.5, when: new PyDatetime(2019, 8, 18, 16, 39, 16, 660_000) },
          { id: 2, name: "é", score: Number.NaN, when: null },
        ],
        columns,
        selected_columns: columns,
        expanded_columns: [],
        query: { ...jsonQuery(), state: "success", resultsKey: key },
      },
      { useMsgpack: false },
    );
    expect(hex(inflateSync(ours))).toBe((stored as { serialized_hex: string }).serialized_hex);

    const got = await results(false).read(key);
    const table = got.data as Table;
    expect(table.schema.fields.map((f) => [f.name, String(f.type)])).toEqual([
      ["id", "Int64"],
      ["name", "Utf8"],
      ["score", "Float64"],
      ["when", "Utf8"],
    ]);
    expect(table.getChild("id")?.toArray()).toEqual(new BigInt64Array([1n, 2n]));
    expect(table.getChild("score")?.get(1)).toBeNull(); // NaN was written as null (ignore_nan)
    expect(table.getChild("when")?.get(0)).toBe("2019-08-18T16:39:16.660000");
    expect(got.query.changedOn).toBe("2024-05-06T07:08:09.123456");

    expect(got.query.blob).toBe("ok");
    const written = await results(false).write({ table: sampleTable(), query: jsonQuery() });
    const loaded = resultsPeer("load", { redis, key: written.resultsKey, mode: "json" }) as {
      payload: { data: Record<string, Json>[]; query: Record<string, Json> };
    };
    expect(loaded.payload.data).toEqual([
      { id: 1, name: "a", score: 1.5, ok: true, ts: "1970-01-01T00:00:00" },
      { id: 2, name: "é😀", score: null, ok: false, ts: "2019-08-18T16:39:16.660000" },
      { id: null, name: null, score: null, ok: null, ts: null },
      { id: "9007199254740993", name: "", score: { $float: "-0.0" }, ok: true, ts: "1969-12-31T23:59:59" },
    ]);
    expect(loaded.payload.query.changedOn).toBe("2024-05-06T07:08:09.123456");
    expect(loaded.payload.query.startDttm).toEqual({ $float: "1700000000123.0" });
    expect(loaded.payload.query.blob).toBe("ok");
  });

  it("statements shape both ways", async () => {
    const t1 = sampleTable();
    const key = "9d3a2b1c-1111-4222-8333-444455556666";
    const cols = columnsOf(t1);
    resultsPeer("store", {
      redis,
      key,
      mode: "msgpack",
      timeout: 600,
      shape: "statements",
      parts: {
        query_id: 5,
        statements: [
          {
            statement: "UPDATE t SET a = 1",
            data: null,
            columns: [],
            row_count: 3,
            execution_time_ms: { $float: "1.0" },
          },
          {
            statement: "SELECT * FROM t",
            data: { $bytes: hex(tableToIpcStream(t1)) },
            columns: cols,
            row_count: 4,
            execution_time_ms: 2.5,
          },
        ],
        total_execution_time_ms: 3.5,
        query: toTagged({ id: 5, sql: "UPDATE t SET a = 1; SELECT * FROM t" }),
      },
    });
    const got = await results(true).read(key);
    expect(got.shape).toBe("statements");
    expect(got.statements).toHaveLength(2);
    expect(got.statements[0]?.data).toBeNull();
    expect(got.statements[0]?.row_count).toBe(3);
    expect(tableToIpcStream(got.data as Table)).toEqual(tableToIpcStream(t1));
    expect(got.query).toMatchObject({ state: "success", resultsKey: key });

    const written = await results(true).writeStatements({
      query: { id: 6, sql: "SELECT 1" },
      statements: [
        {
          statement: "SELECT 1",
          data: t1,
          columns: cols,
          row_count: 4,
          execution_time_ms: new PyFloat(3) as unknown as number,
        },
      ],
    });
    const loaded = resultsPeer("load", { redis, key: written.resultsKey, mode: "msgpack" }) as {
      payload: Record<string, Json> & { statements: Record<string, Json>[] };
    };
    expect(Object.keys(loaded.payload)).toEqual([
      "query_id",
      "status",
      "statements",
      "total_execution_time_ms",
      "query",
    ]);
    expect(loaded.payload.statements[0]).toEqual({
      statement: "SELECT 1",
      data: { $bytes: hex(tableToIpcStream(t1)) },
      columns: cols,
      row_count: 4,
      execution_time_ms: { $float: "3.0" },
    });
  });

  it("errors as Superset gives them: not configured, 410 for a missing key, typed decode error leaving the entry", async () => {
    await expect(new SqlLabResults({ backend: undefined }).read("x")).rejects.toMatchObject({
      code: "RESULTS_BACKEND_NOT_CONFIGURED_ERROR",
    });
    await expect(results(true).read("no-such-key")).rejects.toMatchObject({
      code: "RESULTS_BACKEND_ERROR",
      httpStatus: 410,
    });
    await cache.set("corrupt", unhex("789c0000"));
    await expect(results(true).read("corrupt")).rejects.toMatchObject({ code: "RESULTS_ZLIB_INVALID" });
    expect(server.cli(["EXISTS", `${PREFIX}corrupt`]).out).toBe("1");
    // A JSON-mode entry read by a msgpack-mode reader: the flag is not in the blob.
    const json = await results(false).write({ table: sampleTable(), query: { id: 1 } });
    await expect(results(true).read(json.resultsKey)).rejects.toMatchObject({ name: "ResultsDecodeError" });
  });
});
