/**
 * Filter state and explore form data through a Redis-backed cache, both ways with
 * Flask-Caching (RedisCache, cachelib's "!" + pickle): entries we write have Superset's exact
 * structure and bytes for Python, and entries Python writes as Superset does work with our stores.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cache } from "#src/cache/cache.js";
import { createCache } from "#src/manager/create-cache.js";
import {
  ExploreFormDataStore,
  FilterStateStore,
  flaskLoginSessionId,
  type RequestIdentity,
  TemporaryCacheAccessDeniedError,
} from "#src/superset/temporary/index.js";
import { peer } from "#test/helpers/metastore-databases.js";
import { RedisServer } from "#test/helpers/redis-server.js";

const SID = flaskLoginSessionId({ remoteAddr: "10.1.2.3", userAgent: "Mozilla/5.0 (X11)" });
const alice: RequestIdentity = { userId: 1, sessionId: SID };
const bob: RequestIdentity = { userId: 2, sessionId: null };
const VALUE = '{"NATIVE_FILTER-abc": {"id": "NATIVE_FILTER-abc", "filterState": {"value": ["é"]}}}';
const FD = '{"viz_type": "table", "datasource": "5__table"}';

const SLOW_MACHINE = { socket_timeout: 30, socket_connect_timeout: 30 };

type PyRead = { values: { found: boolean; json: string; types: unknown }[] };

describe("temporary caches over Redis, with Flask-Caching", () => {
  let server: RedisServer;
  let filterCache: Cache;
  let exploreCache: Cache;
  const FS_PREFIX = "superset_filter_state_";
  const EX_PREFIX = "superset_explore_";
  const pyGet = (prefix: string, keys: string[]) =>
    peer<PyRead>({ op: "redis_get", port: server.port, prefix, keys }).values;

  beforeAll(async () => {
    server = await RedisServer.start({ label: "meta-temporary" });
    filterCache = createCache(
      {
        CACHE_TYPE: "RedisCache",
        CACHE_REDIS_URL: server.url,
        CACHE_KEY_PREFIX: FS_PREFIX,
        // Generous timeouts (SECONDS): this suite shares 2 cores with database and process tests.
        CACHE_OPTIONS: SLOW_MACHINE,
        CACHE_DEFAULT_TIMEOUT: 600,
      },
      { path: "FILTER_STATE_CACHE_CONFIG", onBackendError: "throw" },
    );
    exploreCache = createCache(
      {
        CACHE_TYPE: "RedisCache",
        CACHE_REDIS_URL: server.url,
        CACHE_KEY_PREFIX: EX_PREFIX,
        CACHE_OPTIONS: SLOW_MACHINE,
        REFRESH_TIMEOUT_ON_RETRIEVAL: true,
        CACHE_DEFAULT_TIMEOUT: 600,
      },
      { path: "EXPLORE_FORM_DATA_CACHE_CONFIG", onBackendError: "throw" },
    );
  });
  afterAll(async () => {
    await filterCache?.close();
    await exploreCache?.close();
    await server?.stop();
  });

  it("filter state we create is Superset's {owner, value} dict, byte-identical to Flask-Caching's", async () => {
    const store = new FilterStateStore({ cache: filterCache });
    const key = await store.create(alice, 42, "3", VALUE);
    expect(key).toMatch(/^[A-Za-z0-9_-]{11}$/);
    const [entry, contextual] = pyGet(FS_PREFIX, [`42;${key}`, `${SID};3;42`]);
    expect(JSON.parse(entry!.json)).toEqual({ owner: 1, value: VALUE });
    expect(entry!.types).toEqual({
      dict: [
        ["owner", "builtins.int"],
        ["value", "builtins.str"],
      ],
    });
    expect(JSON.parse(contextual!.json)).toBe(key);
    // Python stores the same logical entry under another key: the stored bytes are identical.
    peer({
      op: "redis_set",
      port: server.port,
      prefix: FS_PREFIX,
      items: [{ key: "py-copy", value_json: JSON.stringify({ owner: 1, value: VALUE }) }],
    });
    const ours = await filterCache.getRaw(`42;${key}`);
    const theirs = await filterCache.getRaw("py-copy");
    expect(Buffer.from(ours!).toString("hex")).toBe(Buffer.from(theirs!).toString("hex"));
  });

  it("explore state we create has DatasourceType.TABLE and Superset's key order and bytes", async () => {
    const store = new ExploreFormDataStore({ cache: exploreCache });
    const key = await store.create(alice, {
      datasourceId: 5,
      datasourceType: "table",
      chartId: 12,
      tabId: "9",
      formData: FD,
    });
    const [state, contextual] = pyGet(EX_PREFIX, [key, `${SID};9;5;12;table`]);
    expect(state!.types).toEqual({
      dict: [
        ["owner", "builtins.int"],
        ["datasource_id", "builtins.int"],
        ["datasource_type", "superset.utils.core.DatasourceType"],
        ["chart_id", "builtins.int"],
        ["form_data", "builtins.str"],
      ],
    });
    expect(JSON.parse(state!.json)).toEqual({
      owner: 1,
      datasource_id: 5,
      datasource_type: "table",
      chart_id: 12,
      form_data: FD,
    });
    expect(JSON.parse(contextual!.json)).toBe(key);
    peer({
      op: "redis_set",
      port: server.port,
      prefix: EX_PREFIX,
      items: [
        {
          key: "py-copy",
          value_json: JSON.stringify({
            owner: 1,
            datasource_id: 5,
            datasource_type: "table",
            chart_id: 12,
            form_data: FD,
          }),
          enum_datasource_type: true,
        },
      ],
    });
    expect(Buffer.from((await exploreCache.getRaw(key))!).toString("hex")).toBe(
      Buffer.from((await exploreCache.getRaw("py-copy"))!).toString("hex"),
    );
  });

  it("entries Python writes as Superset does are read, updated and deleted by our stores", async () => {
    peer({
      op: "redis_set",
      port: server.port,
      prefix: FS_PREFIX,
      items: [
        { key: "7;PYKEY", value_json: JSON.stringify({ owner: 2, value: VALUE }) },
        { key: "7;ANON", value_json: JSON.stringify({ owner: null, value: "{}" }) },
      ],
    });
    const fs = new FilterStateStore({ cache: filterCache });
    expect(await fs.get(alice, 7, "PYKEY")).toBe(VALUE);
    await expect(fs.update(alice, 7, "PYKEY", null, "{}")).rejects.toBeInstanceOf(
      TemporaryCacheAccessDeniedError,
    );
    const next = await fs.update(bob, 7, "PYKEY", null, '{"x": 1}');
    expect(next).not.toBe("PYKEY");
    expect(JSON.parse(pyGet(FS_PREFIX, [`7;${next}`])[0]!.json)).toEqual({ owner: 2, value: '{"x": 1}' });
    expect(await fs.delete(bob, 7, "PYKEY")).toBe(true);
    expect(pyGet(FS_PREFIX, ["7;PYKEY"])[0]!.found).toBe(false);
    expect(await fs.delete({ userId: null, sessionId: null }, 7, "ANON")).toBe(true);

    peer({
      op: "redis_set",
      port: server.port,
      prefix: EX_PREFIX,
      items: [
        {
          key: "PYSTATE",
          value_json: JSON.stringify({
            owner: 1,
            datasource_id: 8,
            datasource_type: "query",
            chart_id: null,
            form_data: FD,
          }),
          enum_datasource_type: true,
        },
        // 1.5-era state: dataset_id and no datasource_type.
        {
          key: "LEGACY",
          value_json: JSON.stringify({ owner: 1, dataset_id: 3, chart_id: null, form_data: FD }),
        },
      ],
    });
    const checks: unknown[] = [];
    const ex = new ExploreFormDataStore({ cache: exploreCache, checkAccess: (t) => void checks.push(t) });
    expect(await ex.get(alice, "PYSTATE")).toBe(FD);
    expect(await ex.get(alice, "LEGACY")).toBe(FD);
    expect(checks).toEqual([
      { datasourceId: 8, chartId: null, datasourceType: "query" },
      { datasourceId: 3, chartId: null, datasourceType: "table" },
    ]);
    // The refresh wrote the fixed-up legacy state back: Python now sees datasource_id.
    expect(JSON.parse(pyGet(EX_PREFIX, ["LEGACY"])[0]!.json)).toEqual({
      owner: 1,
      datasource_id: 3,
      chart_id: null,
      form_data: FD,
      datasource_type: "table",
    });
    expect(pyGet(EX_PREFIX, ["LEGACY"])[0]!.types).toMatchObject({
      dict: expect.arrayContaining([["datasource_type", "superset.utils.core.DatasourceType"]]),
    });
    expect(await ex.delete(alice, "PYSTATE")).toBe(true);
    expect(pyGet(EX_PREFIX, ["PYSTATE"])[0]!.found).toBe(false);
  });
});
