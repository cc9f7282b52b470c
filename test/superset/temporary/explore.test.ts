/** Superset's explore form-data commands (superset/commands/explore/form_data/), step by step, over a recording cache. */
import { beforeEach, describe, expect, it } from "vitest";
import { PyEnum, PyObject } from "#src/python/values.js";
import {
  type ExploreFormDataInput,
  ExploreFormDataStore,
  fixLegacyExploreValue,
  type RequestIdentity,
  TemporaryCacheAccessDeniedError,
  TemporaryCacheInvalidDatasourceTypeError,
  TemporaryCacheInvalidJsonError,
} from "#src/superset/temporary/index.js";
import { keySequence, pyDict, RecordingCache } from "#test/helpers/temporary-fake-cache.js";

const SID = "s".repeat(128);
const alice: RequestIdentity = { userId: 1, sessionId: SID };
const FD = '{"viz_type": "table"}';
const input = (extra: Partial<ExploreFormDataInput> = {}): ExploreFormDataInput => ({
  datasourceId: 5,
  datasourceType: "table",
  chartId: null,
  tabId: null,
  formData: FD,
  ...extra,
});
/** Superset stores `DatasourceType.TABLE`, not the string. */
const TABLE = new PyEnum("superset.utils.core", "DatasourceType", "TABLE", "table");
const state = (owner: number | null, extra: Record<string, unknown> = {}) =>
  pyDict({
    owner,
    datasource_id: 5,
    datasource_type: "table",
    chart_id: null,
    form_data: FD,
    ...(extra as object),
  });

describe("ExploreFormDataStore", () => {
  let cache: RecordingCache;
  let store: ExploreFormDataStore;
  let checks: unknown[];
  beforeEach(() => {
    cache = new RecordingCache();
    checks = [];
    store = new ExploreFormDataStore({
      cache,
      randomKey: keySequence("K1", "K2", "K3"),
      checkAccess: (target) => {
        checks.push(target);
      },
    });
  });

  describe("create", () => {
    it("writes the state under the bare key, then the contextual key; returns the key", async () => {
      expect(await store.create(alice, input())).toBe("K1");
      expect(cache.trace()).toEqual([
        `get ${SID};None;5;None;table`,
        "set K1",
        `set ${SID};None;5;None;table`,
      ]);
      const s = cache.data.get("K1") as Record<string, unknown>;
      expect(Object.keys(s)).toEqual(["owner", "datasource_id", "datasource_type", "chart_id", "form_data"]);
      expect(s).toEqual(state(1, { datasource_type: TABLE }));
      expect(checks).toEqual([{ datasourceId: 5, chartId: null, datasourceType: "table" }]);
    });

    it('datasourceTypeEncoding "string" stores the plain value', async () => {
      const s = new ExploreFormDataStore({
        cache,
        datasourceTypeEncoding: "string",
        randomKey: keySequence("S1"),
      });
      expect(await s.create(alice, input({ datasourceType: "saved_query" }))).toBe("S1");
      expect((cache.data.get("S1") as Record<string, unknown>).datasource_type).toBe("saved_query");
    });

    it("reuses the tab's key when tab id is truthy", async () => {
      cache.data.set(`${SID};7;5;12;table`, "TAB");
      expect(await store.create(alice, input({ tabId: "7", chartId: 12 }))).toBe("TAB");
    });

    it("empty form_data: returns a new key and writes nothing", async () => {
      expect(await store.create(alice, input({ formData: "" }))).toBe("K1");
      expect(cache.trace()).toEqual([`get ${SID};None;5;None;table`]);
    });

    it("invalid JSON → TemporaryCacheInvalidJsonError (400) before any cache access; NaN is refused", async () => {
      await expect(store.create(alice, input({ formData: "{nope" }))).rejects.toBeInstanceOf(
        TemporaryCacheInvalidJsonError,
      );
      await expect(store.create(alice, input({ formData: "NaN" }))).rejects.toMatchObject({
        httpStatus: 400,
      });
      expect(cache.calls).toEqual([]);
    });

    it("unknown datasource type → typed error", async () => {
      await expect(store.create(alice, input({ datasourceType: "cube" }))).rejects.toBeInstanceOf(
        TemporaryCacheInvalidDatasourceTypeError,
      );
    });
  });

  describe("get", () => {
    it("checks access on the STORED ids, refreshes, returns form_data", async () => {
      cache.data.set("K", state(2, { datasource_id: 9, chart_id: 3, datasource_type: "query" }));
      expect(await store.get(alice, "K")).toBe(FD);
      expect(checks).toEqual([{ datasourceId: 9, chartId: 3, datasourceType: "query" }]);
      expect(cache.trace()).toEqual(["get K", "set K"]);
    });

    it("applies the legacy fix-up and writes the fixed state back on refresh", async () => {
      cache.data.set("OLD", pyDict({ owner: 1, dataset_id: 5, chart_id: null, form_data: FD }));
      expect(await store.get(alice, "OLD")).toBe(FD);
      const written = cache.data.get("OLD") as Record<string, unknown>;
      expect(Object.keys(written)).toEqual([
        "owner",
        "datasource_id",
        "chart_id",
        "form_data",
        "datasource_type",
      ]);
      expect(written.datasource_type).toEqual(TABLE);
    });

    it("accepts datasource_type as a pickled enum (placeholder or PyEnum)", async () => {
      cache.data.set(
        "A",
        state(1, { datasource_type: new PyObject("superset.utils.core", "DatasourceType", ["table"]) }),
      );
      cache.data.set(
        "B",
        state(1, { datasource_type: new PyEnum("superset.utils.core", "DatasourceType", "VIEW", "view") }),
      );
      const s = new ExploreFormDataStore({
        cache,
        refreshTimeoutOnRetrieval: false,
        checkAccess: (t) => void checks.push(t),
      });
      expect(await s.get(alice, "A")).toBe(FD);
      expect(await s.get(alice, "B")).toBe(FD);
      expect(checks.map((c) => (c as { datasourceType: string }).datasourceType)).toEqual(["table", "view"]);
    });

    it("missing → undefined", async () => {
      expect(await store.get(alice, "none")).toBeUndefined();
      expect(checks).toEqual([]);
    });
  });

  describe("update", () => {
    it("checks access on the REQUEST's ids; missing state → original key, nothing written", async () => {
      expect(await store.update(alice, "GONE", input({ datasourceId: 8 }))).toBe("GONE");
      expect(checks).toEqual([{ datasourceId: 8, chartId: null, datasourceType: "table" }]);
      expect(cache.trace()).toEqual(["get GONE"]);
    });

    it("empty form_data → original key even when the state exists", async () => {
      cache.data.set("K", state(1));
      expect(await store.update(alice, "K", input({ formData: "" }))).toBe("K");
      expect(cache.trace()).toEqual(["get K"]);
    });

    it("other owner → 403", async () => {
      cache.data.set("K", state(2));
      await expect(store.update(alice, "K", input())).rejects.toBeInstanceOf(TemporaryCacheAccessDeniedError);
    });

    it("no tab: new key + contextual set, then the new state; old state left", async () => {
      cache.data.set("K", state(1));
      expect(await store.update(alice, "K", input({ formData: '{"a": 1}' }))).toBe("K1");
      expect(cache.trace()).toEqual([
        "get K",
        `get ${SID};None;5;None;table`,
        `set ${SID};None;5;None;table`,
        "set K1",
      ]);
      expect(cache.data.get("K1")).toEqual(state(1, { form_data: '{"a": 1}', datasource_type: TABLE }));
      expect(cache.data.get("K")).toEqual(state(1));
    });

    it("tab with a contextual key: writes under it without touching the contextual key", async () => {
      cache.data.set("K", state(1));
      cache.data.set(`${SID};4;5;None;table`, "TAB");
      expect(await store.update(alice, "K", input({ tabId: "4" }))).toBe("TAB");
      expect(cache.trace()).toEqual(["get K", `get ${SID};4;5;None;table`, "set TAB"]);
    });
  });

  describe("delete", () => {
    it("stored ids for access and the tab-None contextual key; owner check; deletes the state", async () => {
      cache.data.set("K", state(1, { datasource_id: 9, chart_id: 3 }));
      expect(await store.delete(alice, "K")).toBe(true);
      expect(checks).toEqual([{ datasourceId: 9, chartId: 3, datasourceType: "table" }]);
      expect(cache.trace()).toEqual(["get K", `delete ${SID};None;9;3;table`, "delete K"]);
    });

    it("Python 3.10 str(DatasourceType) style targets DatasourceType.TABLE", async () => {
      const s = new ExploreFormDataStore({ cache, enumStrStyle: "qualified" });
      cache.data.set("K", state(1));
      expect(await s.delete(alice, "K")).toBe(true);
      expect(cache.trace()).toContain(`delete ${SID};None;5;None;DatasourceType.TABLE`);
    });

    it("missing → false; other owner → 403 and nothing deleted", async () => {
      expect(await store.delete(alice, "none")).toBe(false);
      cache.data.set("K", state(2));
      await expect(store.delete(alice, "K")).rejects.toBeInstanceOf(TemporaryCacheAccessDeniedError);
      expect(cache.data.has("K")).toBe(true);
    });
  });

  describe("ExploreFormDataCache.get fix-up", () => {
    it("renames dataset_id in place, appends datasource_type, passes strings through, falsy → undefined", () => {
      const fixed = fixLegacyExploreValue(
        pyDict({ owner: 1, dataset_id: 3, chart_id: 2, form_data: "{}" }),
        true,
      );
      expect(Object.entries(fixed as object)).toEqual([
        ["owner", 1],
        ["datasource_id", 3],
        ["chart_id", 2],
        ["form_data", "{}"],
        ["datasource_type", TABLE],
      ]);
      const asString = fixLegacyExploreValue(pyDict({ owner: 1, dataset_id: 3 }), true, "string") as Record<
        string,
        unknown
      >;
      expect(asString.datasource_type).toBe("table");
      expect(fixLegacyExploreValue("KEY", true)).toBe("KEY");
      expect(fixLegacyExploreValue("", false)).toBeUndefined();
      const kept = fixLegacyExploreValue(state(1, { datasource_type: "query" }), true) as Record<
        string,
        unknown
      >;
      expect(kept.datasource_type).toBe("query");
    });

    it("read() applies it to contextual-key reads too", async () => {
      cache.data.set("ctx", "VALUE");
      cache.data.set("empty", pyDict({}));
      expect(await store.read("ctx")).toBe("VALUE");
      expect(await store.read("empty")).toBeUndefined();
    });
  });
});
