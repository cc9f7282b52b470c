/**
 * SqlLabResults logic over an in-memory store (interop with Python and Redis is in
 * test/interop/results-backend.test.ts): timeout rule, payload contents, read-time steps, errors.
 */
import { Int64, Table, Utf8, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { CacheManager } from "#src/manager/cache-manager.js";
import type { PyValue } from "#src/python/values.js";
import { decodeResultsPayload, encodeResultsPayload } from "#src/superset/results/payload-codec.js";
import { type ResultsStore, SqlLabResults } from "#src/superset/results/sql-lab-results.js";
import type { ClassicResultsPayload } from "#src/superset/results/types.js";

class MemoryStore implements ResultsStore {
  readonly values = new Map<string, PyValue>();
  readonly timeouts = new Map<string, number | null | undefined>();
  refuse = false;
  async get(key: string) {
    return this.values.get(key);
  }
  async set(key: string, value: PyValue, timeout?: number | null) {
    if (this.refuse) return false;
    this.values.set(key, value);
    this.timeouts.set(key, timeout);
    return true;
  }
}

const table = () =>
  new Table({
    id: vectorFromArray([1n, 2n, 3n], new Int64()),
    name: vectorFromArray(["a", "b", "c"], new Utf8()),
  });

describe("SqlLabResults.write", () => {
  it("uses the database cache_timeout, else CACHE_DEFAULT_TIMEOUT; 0 stays 0", async () => {
    const store = new MemoryStore();
    const results = new SqlLabResults({ backend: store, cacheDefaultTimeoutSeconds: 500 });
    const a = await results.write({ table: table(), query: { id: 1 } });
    const b = await results.write({ table: table(), query: { id: 1 }, databaseCacheTimeoutSeconds: 60 });
    const c = await results.write({ table: table(), query: { id: 1 }, databaseCacheTimeoutSeconds: 0 });
    expect([a, b, c].map((w) => store.timeouts.get(w.resultsKey))).toEqual([500, 60, 0]);
    expect(a.resultsKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("stores the classic payload: columns from the schema, expanded [], query state and resultsKey", async () => {
    const store = new MemoryStore();
    const results = new SqlLabResults({ backend: store, newKey: () => "fixed-key" });
    await results.write({ table: table(), query: { id: 9, sql: "SELECT 1" } });
    const stored = decodeResultsPayload(store.values.get("fixed-key") as Uint8Array, {
      dataAs: "raw",
    }) as ClassicResultsPayload<unknown>;
    expect(Object.keys(stored)).toEqual([
      "query_id",
      "status",
      "data",
      "columns",
      "selected_columns",
      "expanded_columns",
      "query",
    ]);
    expect(stored.query_id).toBe(9);
    expect(stored.columns).toEqual([
      { column_name: "id", name: "id", type: "int64", type_generic: 0, is_dttm: false },
      { column_name: "name", name: "name", type: "string", type_generic: 1, is_dttm: false },
    ]);
    expect(stored.selected_columns).toEqual(stored.columns);
    expect(stored.expanded_columns).toEqual([]);
    expect(stored.query).toEqual({ id: 9, sql: "SELECT 1", state: "success", resultsKey: "fixed-key" });

    await results.write({ table: table(), query: { id: 9 }, resultsKey: "k2", includeResultsKey: false });
    const k2 = decodeResultsPayload(store.values.get("k2") as Uint8Array) as ClassicResultsPayload<Table>;
    expect(k2.query).toEqual({ id: 9, state: "success" });
  });

  it("a refused write is RESULTS_BACKEND_ERROR; no backend is RESULTS_BACKEND_NOT_CONFIGURED_ERROR", async () => {
    const store = new MemoryStore();
    store.refuse = true;
    await expect(
      new SqlLabResults({ backend: store }).write({ table: table(), query: {} }),
    ).rejects.toMatchObject({
      code: "RESULTS_BACKEND_ERROR",
    });
    await expect(
      new SqlLabResults({ backend: undefined }).write({ table: table(), query: {} }),
    ).rejects.toMatchObject({
      code: "RESULTS_BACKEND_NOT_CONFIGURED_ERROR",
    });
  });
});

describe("SqlLabResults.read", () => {
  it("cuts to `rows` for successful queries only, and sets column_name from name", async () => {
    const store = new MemoryStore();
    const results = new SqlLabResults({ backend: store });
    const columns = [{ name: "id", column_name: "old" }, { name: "name" }];
    const payload = (status: string): ClassicResultsPayload => ({
      query_id: 1,
      status,
      data: table(),
      columns,
      selected_columns: columns,
      expanded_columns: [],
      query: { state: status },
    });
    store.values.set("ok", encodeResultsPayload(payload("success")));
    store.values.set("failed", encodeResultsPayload(payload("failed")));
    const ok = await results.read("ok", { rows: 2 });
    expect(ok.data?.numRows).toBe(2);
    expect(ok.displayLimitReached).toBe(true);
    expect(ok.selectedColumns.map((c) => c.column_name)).toEqual(["id", "name"]);
    expect((await results.read("ok", { rows: 3 })).displayLimitReached).toBe(false);
    const failed = await results.read("failed", { rows: 1 });
    expect(failed.data?.numRows).toBe(3);
    expect(failed.displayLimitReached).toBe(false);
  });

  it("falsy or non-bytes entries: 410 for None/empty, RESULTS_PAYLOAD_INVALID for other values; entry kept", async () => {
    const store = new MemoryStore();
    const results = new SqlLabResults({ backend: store });
    store.values.set("none", null);
    store.values.set("empty", new Uint8Array());
    store.values.set("dict", { a: 1 });
    await expect(results.read("none")).rejects.toMatchObject({ httpStatus: 410 });
    await expect(results.read("empty")).rejects.toMatchObject({ httpStatus: 410 });
    await expect(results.read("dict")).rejects.toMatchObject({
      code: "RESULTS_PAYLOAD_INVALID",
      httpStatus: 404,
    });
    expect(store.values.has("dict")).toBe(true);
  });
});

describe("SqlLabResults.fromManager", () => {
  it("takes resultsBackend, RESULTS_BACKEND_USE_MSGPACK and CACHE_DEFAULT_TIMEOUT from the manager", async () => {
    const manager = new CacheManager({
      RESULTS_BACKEND: { CACHE_TYPE: "SimpleCache" },
      RESULTS_BACKEND_USE_MSGPACK: false,
      CACHE_DEFAULT_TIMEOUT: 120,
      FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      EXPLORE_FORM_DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
    });
    try {
      const results = SqlLabResults.fromManager(manager);
      expect(results.useMsgpack).toBe(false);
      expect(results.cacheDefaultTimeoutSeconds).toBe(120);
      const written = await results.write({ table: table(), query: { id: 1 } });
      expect(written.timeoutSeconds).toBe(120);
      const raw = await manager.resultsBackend.get(written.resultsKey);
      expect(raw).toBeInstanceOf(Uint8Array);
      // JSON mode: simplejson text inside the zlib blob.
      const text = new TextDecoder().decode((await import("node:zlib")).inflateSync(raw as Uint8Array));
      expect(text.startsWith('{"query_id": 1, "status": "success", "data": [{"id": 1, "name": "a"}')).toBe(
        true,
      );
      const got = await results.read(written.resultsKey);
      expect(got.data?.getChild("name")?.toArray()).toEqual(["a", "b", "c"]);

      const none = new CacheManager({
        FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
        EXPLORE_FORM_DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      });
      await expect(SqlLabResults.fromManager(none).read("k")).rejects.toMatchObject({
        code: "RESULTS_BACKEND_NOT_CONFIGURED_ERROR",
      });
      await none.close();
    } finally {
      await manager.close();
    }
  });
});
