/**
 * Chart data end to end with the real Python stack and a redis-server started here:
 * - Python (keys_peer.py: simplejson + hashlib) computes the key of a query object and
 *   Flask-Caching's RedisCache (flask_peer.py) stores the pickled entry dict with a pandas
 *   DataFrame, as QueryCacheManager/set_and_log_cache would; we compute the same key and
 *   read the same table.
 * - The reverse: QueryCacheManager.set writes, Flask-Caching reads, and the dict's keys,
 *   the DataFrame's dtypes and values, `dttm` format and the TTL are checked per version.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cache } from "#src/cache/cache.js";
import { createCache } from "#src/manager/create-cache.js";
import { PyDatetime, type PyValue } from "#src/python/values.js";
import { ChartDataError, QueryCacheManager } from "#src/superset/chart-data.js";
import { type QueryObjectInput, queryObjectCacheKey } from "#src/superset/query-object-key.js";
import type { SupersetVersion } from "#src/superset/versions.js";
import { runKeysPeer, toPeer } from "#test/helpers/keys-peer.js";
import { FlaskPeer } from "#test/helpers/peer.js";
import { RedisServer } from "#test/helpers/redis-server.js";
import { fromTagged, type Json, toTagged } from "#test/helpers/tagged.js";

const PREFIX = "superset_data_";
const CHANGED_ON = new PyDatetime(2024, 1, 15, 10, 30, 0);
const QUERY: QueryObjectInput = {
  columns: ["gender"],
  metrics: ["count"],
  filters: [{ col: "gender", op: "IN", val: ["boy", "girl"] }],
  granularity: "ds",
  extras: { having: "", where: "" },
  orderby: [["count", false]],
  row_limit: 10000,
  time_range: "Last week",
};
const FRAME: Json = {
  $dataframe: {
    columns: ["gender", "count", "ratio", "ds"],
    index: [0, 1],
    dtypes: { gender: "object", count: "int64", ratio: "float64", ds: "datetime64[ns]" },
    data: [
      ["boy", 48133355, 0.5, { $timestamp: "2024-01-08T00:00:00" }],
      ["girl", 32546308, { $float: "1e+16" }, { $timestamp: "2024-01-09T00:00:00" }],
    ],
  },
};

let server: RedisServer;
let peer: FlaskPeer;
let cache: Cache;
let redis: Redis;

beforeAll(async () => {
  server = await RedisServer.start({ label: "chart-data" });
  peer = await FlaskPeer.start();
  await peer.open({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: server.url, CACHE_KEY_PREFIX: PREFIX });
  cache = createCache(
    { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: server.url, CACHE_KEY_PREFIX: PREFIX },
    { path: "DATA_CACHE_CONFIG" },
  );
  redis = new Redis(server.url);
}, 30_000);

afterAll(async () => {
  redis?.disconnect();
  await cache?.close();
  await peer?.close();
  await server?.stop();
});

function pythonKey(version: SupersetVersion, query: QueryObjectInput): string {
  const { results } = runKeysPeer<{
    results: { md5: string; sha256: string; default_algorithm: "md5" | "sha256" }[];
  }>("keys", {
    cases: [
      { version, query: toPeer(query), opts: toPeer({ datasource_uid: "3__table", changed_on: CHANGED_ON }) },
    ],
  });
  const r = results[0];
  if (!r) throw new Error("no key from keys_peer");
  return r.default_algorithm === "md5" ? r.md5 : r.sha256;
}

function tsKey(version: SupersetVersion, query: QueryObjectInput): string {
  return queryObjectCacheKey(query, {
    supersetVersion: version,
    datasourceUid: "3__table",
    changedOn: CHANGED_ON,
  });
}

describe.each(["4.1", "6.1"] as const)("Superset %s", (version) => {
  it("Python writes (Flask-Caching RedisCache), we compute the same key and read the same table", async () => {
    const key = pythonKey(version, QUERY);
    expect(tsKey(version, QUERY)).toBe(key);
    const value: Json = {
      df: FRAME,
      query: "SELECT gender, COUNT(*) AS count FROM names GROUP BY gender;\n\n",
      applied_template_filters: [],
      applied_filter_columns: ["gender"],
      rejected_filter_columns: [],
      annotation_data: {},
      sql_rowcount: 2,
      dttm: "2024-01-15T10:30:00",
    };
    if (version === "6.1") (value as Record<string, Json>).queried_dttm = "2024-01-15T10:30:00+00:00";
    expect(await peer.call("set", { key, value, timeout: 600 })).toBe(true);

    const qcm = new QueryCacheManager(cache, { supersetVersion: version });
    const entry = await qcm.get(key, { queryHasFilters: true });
    expect(entry).toBeDefined();
    if (!entry) return;
    expect(entry.query).toBe("SELECT gender, COUNT(*) AS count FROM names GROUP BY gender;\n\n");
    expect(entry.dttm).toBe("2024-01-15T10:30:00");
    expect(entry.queried_dttm).toBe(version === "6.1" ? "2024-01-15T10:30:00+00:00" : "2024-01-15T10:30:00");
    expect(entry.sql_rowcount).toBe(2);
    expect(entry.applied_filter_columns).toEqual(["gender"]);
    expect(entry.df.numRows).toBe(2);
    expect(entry.df.schema.fields.map((f) => f.name)).toEqual(["gender", "count", "ratio", "ds"]);
    expect(entry.df.getChild("gender")?.toArray()).toEqual(["boy", "girl"]);
    expect([...(entry.df.getChild("count")?.toArray() ?? [])].map(Number)).toEqual([48133355, 32546308]);
    expect([...(entry.df.getChild("ratio")?.toArray() ?? [])]).toEqual([0.5, 1e16]);
    const tagged = toTagged(entry.df) as { $dataframe: { data: Json[][] } };
    expect(tagged.$dataframe.data.map((r) => r[0])).toEqual(["boy", "girl"]);
  });

  it("we write, Flask-Caching reads the dict, dtypes, values, dttm and TTL", async () => {
    const key = tsKey(version, { ...QUERY, row_limit: 500 });
    expect(pythonKey(version, { ...QUERY, row_limit: 500 })).toBe(key);
    const clock = { now: () => Date.UTC(2024, 0, 15, 10, 30, 0, 250) };
    const qcm = new QueryCacheManager(cache, { supersetVersion: version, clock });
    const df = fromTagged(FRAME) as Extract<PyValue, { numRows: number }>;
    const stored = await qcm.set(
      key,
      { df, query: "SELECT 1;\n\n", filters: QUERY.filters as PyValue[] },
      3600,
    );
    expect(stored).toBe(true);

    const got = (await peer.call("get", { key })) as Record<string, Json>;
    const expectedKeys = [
      "df",
      "query",
      "applied_template_filters",
      "applied_filter_columns",
      "rejected_filter_columns",
      "annotation_data",
      "sql_rowcount",
      ...(version === "6.1" ? ["queried_dttm"] : []),
      "dttm",
    ];
    expect(Object.keys(got)).toEqual(expectedKeys);
    expect(got.applied_filter_columns).toEqual(["gender"]);
    expect(got.sql_rowcount).toBe(2);
    expect(got.dttm).toBe("2024-01-15T10:30:00");
    if (version === "6.1") expect(got.queried_dttm).toBe("2024-01-15T10:30:00+00:00");
    const frame = (
      got.df as { $dataframe: { dtypes: Record<string, string>; data: Json[][]; columns: Json[] } }
    ).$dataframe;
    expect(frame.columns).toEqual(["gender", "count", "ratio", "ds"]);
    expect(frame.dtypes).toEqual({
      gender: "object",
      count: "int64",
      ratio: "float64",
      ds: "datetime64[ns]",
    });
    expect(frame.data).toEqual((FRAME as { $dataframe: { data: Json[][] } }).$dataframe.data);
    const ttl = await redis.ttl(PREFIX + key);
    expect(ttl).toBeGreaterThan(3590);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it("timeout -1: stored without expiry up to 5.x, skipped from 6.0", async () => {
    const key = tsKey(version, { ...QUERY, row_limit: 7 });
    const qcm = new QueryCacheManager(cache, { supersetVersion: version });
    const df = fromTagged(FRAME) as Extract<PyValue, { numRows: number }>;
    const stored = await qcm.set(key, { df, query: "q" }, -1);
    if (version === "4.1") {
      expect(stored).toBe(true);
      expect(await redis.ttl(PREFIX + key)).toBe(-1);
      expect(await peer.call("has", { key })).toBe(true);
    } else {
      expect(stored).toBe(false);
      expect(await redis.exists(PREFIX + key)).toBe(0);
    }
  });

  it("a missing df or query is a miss; force_cached turns a miss into CacheLoadError", async () => {
    const key = "incomplete-entry";
    await peer.call("set", { key, value: { query: "SELECT 1", dttm: "2024-01-15T10:30:00" } });
    const qcm = new QueryCacheManager(cache, { supersetVersion: version });
    expect(await qcm.get(key)).toBeUndefined();
    await expect(qcm.get(key, { forceCached: true })).rejects.toThrow(ChartDataError);
    await expect(qcm.get("never-written", { forceCached: true })).rejects.toMatchObject({
      code: "CHART_DATA_CACHE_LOAD",
    });
    expect(await qcm.get("never-written", { forceQuery: true })).toBeUndefined();
  });
});

describe("version-specific reads and NullCache", () => {
  it("6.x treats an entry without applied_filter_columns as a miss when the query has filters", async () => {
    const key = "no-applied-filter-columns";
    await peer.call("set", {
      key,
      value: { df: FRAME, query: "q", applied_filter_columns: [], dttm: "2024-01-15T10:30:00" },
    });
    expect(
      await new QueryCacheManager(cache, { supersetVersion: "4.1" }).get(key, { queryHasFilters: true }),
    ).toBeDefined();
    expect(
      await new QueryCacheManager(cache, { supersetVersion: "6.0" }).get(key, { queryHasFilters: true }),
    ).toBeUndefined();
    expect(await new QueryCacheManager(cache, { supersetVersion: "6.0" }).get(key)).toBeDefined();
  });
  it("master writes dttm with +00:00", async () => {
    const clock = { now: () => Date.UTC(2024, 0, 15, 10, 30, 0) };
    const qcm = new QueryCacheManager(cache, { supersetVersion: "master", clock });
    await qcm.set("master-entry", {
      df: fromTagged(FRAME) as Extract<PyValue, { numRows: number }>,
      query: "q",
    });
    const got = (await peer.call("get", { key: "master-entry" })) as Record<string, Json>;
    expect(got.dttm).toBe("2024-01-15T10:30:00+00:00");
    expect(await redis.ttl(`${PREFIX}master-entry`)).toBeGreaterThan(86000); // CACHE_DEFAULT_TIMEOUT
  });
  it("corrupt bytes under a chart key read as a miss (fail-open), never a crash", async () => {
    await redis.set(`${PREFIX}garbage`, Buffer.from([0x21, 0x80, 0x05, 0x95, 0xff, 0xff, 0xff, 0x7f, 0x00]));
    await redis.set(
      `${PREFIX}truncated`,
      Buffer.concat([Buffer.from("!"), Buffer.from("80059510000000000000007d94288c02646694", "hex")]),
    );
    const qcm = new QueryCacheManager(cache, { supersetVersion: "6.1" });
    expect(await qcm.get("garbage")).toBeUndefined();
    expect(await qcm.get("truncated")).toBeUndefined();
  });
  it("NullCache: no write", async () => {
    const nullCache = createCache({ CACHE_TYPE: "NullCache" }, { path: "DATA_CACHE_CONFIG" });
    const qcm = new QueryCacheManager(nullCache);
    expect(
      await qcm.set("k", { df: fromTagged(FRAME) as Extract<PyValue, { numRows: number }>, query: "q" }),
    ).toBe(false);
    await nullCache.close();
  });
});
