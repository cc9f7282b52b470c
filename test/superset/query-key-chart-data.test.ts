/**
 * Chart-data logic without Redis: the timeout chain per version, the stored dict per version
 * (superset/common/query_context_processor.py, superset/common/utils/query_cache_manager.py),
 * and reads through a SimpleCache (the Python-backed proof is test/superset/chart-data.test.ts).
 */
import { Table, tableFromArrays } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { createCache } from "#src/manager/create-cache.js";
import {
  ChartDataError,
  chartDataCacheTimeout,
  QueryCacheManager,
  utcIsoSeconds,
} from "#src/superset/chart-data.js";

const DF = tableFromArrays({ n: Float64Array.from([1, 2, 3]) });
const NOW = Date.UTC(2024, 0, 15, 10, 30, 0, 999);
const clock = { now: () => NOW };

describe("chartDataCacheTimeout (SECONDS)", () => {
  it("first set of custom → chart → dataset → database, then DATA_CACHE_CONFIG, then CACHE_DEFAULT_TIMEOUT", () => {
    expect(chartDataCacheTimeout({})).toBe(86400);
    expect(chartDataCacheTimeout({ cacheDefault: 600 })).toBe(600);
    expect(chartDataCacheTimeout({ dataCacheDefault: 3600, cacheDefault: 600 })).toBe(3600);
    expect(chartDataCacheTimeout({ database: 50, dataset: 40, chart: 30, custom: 20 })).toBe(20);
    expect(chartDataCacheTimeout({ database: 50, dataset: null, chart: undefined })).toBe(50);
    expect(chartDataCacheTimeout({ chart: -1, dataCacheDefault: 3600 })).toBe(-1);
  });
  it("0 is skipped by truthiness up to 6.x and honoured on master", () => {
    expect(
      chartDataCacheTimeout({ chart: 0, dataset: 40, dataCacheDefault: 3600 }, { supersetVersion: "6.1" }),
    ).toBe(3600);
    expect(chartDataCacheTimeout({ chart: 0, dataCacheDefault: 3600 }, { supersetVersion: "4.0" })).toBe(
      3600,
    );
    expect(chartDataCacheTimeout({ chart: 0, dataCacheDefault: 3600 }, { supersetVersion: "master" })).toBe(
      0,
    );
  });
});

describe("stored dict per version", () => {
  const cache = createCache({ CACHE_TYPE: "SimpleCache" }, { path: "DATA_CACHE_CONFIG" });
  it("4.x: naive dttm, sql_rowcount, no queried_dttm; applied_filter_columns from filters", () => {
    const v = new QueryCacheManager(cache, { supersetVersion: "4.1", clock }).buildValue({
      df: DF,
      query: "q",
      filters: [
        { col: "a", op: "==", val: 1 },
        { col: "a", op: "!=", val: 2 },
        { col: { sqlExpression: "x" }, op: "==", val: 3 },
      ],
    });
    expect(Object.keys(v)).toEqual([
      "df",
      "query",
      "applied_template_filters",
      "applied_filter_columns",
      "rejected_filter_columns",
      "annotation_data",
      "sql_rowcount",
      "dttm",
    ]);
    expect(v.applied_filter_columns).toEqual(["a"]);
    expect(v.sql_rowcount).toBe(3);
    expect(v.dttm).toBe("2024-01-15T10:30:00");
  });
  it("6.1: queried_dttm with +00:00; master: dttm with +00:00", () => {
    const v61 = new QueryCacheManager(cache, { supersetVersion: "6.1", clock }).buildValue({
      df: DF,
      query: "q",
    });
    expect(v61.queried_dttm).toBe("2024-01-15T10:30:00+00:00");
    expect(v61.dttm).toBe("2024-01-15T10:30:00");
    const vm = new QueryCacheManager(cache, { supersetVersion: "master", clock }).buildValue({
      df: DF,
      query: "q",
      extra: { semantic_cache_hit: false },
    });
    expect(vm.dttm).toBe("2024-01-15T10:30:00+00:00");
    expect(vm.semantic_cache_hit).toBe(false);
  });
  it("forManager takes dataCache and CACHE_DEFAULT_TIMEOUT from a CacheManager", async () => {
    const { createInMemoryCacheManager } = await import("#src/testing/index.js");
    const manager = createInMemoryCacheManager({ CACHE_DEFAULT_TIMEOUT: 120 });
    const qcm = QueryCacheManager.forManager(manager, { supersetVersion: "4.1", clock });
    expect(qcm.cache).toBe(manager.dataCache);
    expect(await qcm.set("m", { df: DF, query: "q" })).toBe(true);
    expect((await qcm.get("m"))?.dttm).toBe("2024-01-15T10:30:00");
    await manager.close();
  });
  it("utcIsoSeconds drops milliseconds", () => {
    expect(utcIsoSeconds(NOW, false)).toBe("2024-01-15T10:30:00");
  });
  it("round trip through a SimpleCache; non-dict values are typed errors; empty dicts are misses", async () => {
    const qcm = new QueryCacheManager(cache, { supersetVersion: "6.1", clock });
    expect(await qcm.set("k", { df: DF, query: "SELECT 1" }, 60)).toBe(true);
    const e = await qcm.get("k");
    expect(e?.df).toBeInstanceOf(Table);
    expect(e?.df.getChild("n")?.toArray()).toEqual(Float64Array.from([1, 2, 3]));
    expect(e?.queried_dttm).toBe("2024-01-15T10:30:00+00:00");
    expect(await qcm.get("")).toBeUndefined();
    await cache.set("not-a-dict", [1, 2]);
    await expect(qcm.get("not-a-dict")).rejects.toMatchObject({ code: "CHART_DATA_MALFORMED" });
    await cache.set("df-not-frame", { df: "x", query: "q" });
    await expect(qcm.get("df-not-frame")).rejects.toBeInstanceOf(ChartDataError);
    await cache.set("empty", {});
    expect(await qcm.get("empty")).toBeUndefined();
  });
});
