/**
 * A cache warmer computing Superset's chart-data key for a query and reading/writing the
 * entry under it. Run: npx tsx --conditions=superset-cache-source examples/chart-data.ts
 *
 * With SUPERSET_DATA_REDIS_URL set (e.g. redis://127.0.0.1:6379/0, DATA_CACHE_CONFIG's Redis)
 * it talks to that Redis with the `superset_data_` prefix; without it, an in-memory cache.
 * Pin SUPERSET_VERSION (default 4.1 here) to the version your Superset runs.
 */
import { Int64, Table, Utf8, vectorFromArray } from "apache-arrow";
import { CacheManager, PyDatetime } from "superset-cache";
import {
  chartDataCacheTimeout,
  hashInputJson,
  makeJsonIntDttmSer,
  QueryCacheManager,
  queryObjectCacheDict,
  queryObjectCacheKey,
  type SupersetVersion,
  versionProfile,
} from "superset-cache/superset";
import { createInMemoryCacheManager } from "superset-cache/testing";

const say = (line: string) => console.log(line);

async function main(): Promise<void> {
  const version = (process.env.SUPERSET_VERSION ?? "4.1") as SupersetVersion;
  const url = process.env.SUPERSET_DATA_REDIS_URL;
  const manager = url
    ? new CacheManager({
        DATA_CACHE_CONFIG: {
          CACHE_TYPE: "RedisCache",
          CACHE_REDIS_URL: url,
          CACHE_KEY_PREFIX: "superset_data_",
        },
      })
    : createInMemoryCacheManager({});

  // The query object of a bar chart, as the chart-data API receives it.
  const query = {
    columns: ["gender"],
    metrics: ["count"],
    filters: [{ col: "gender", op: "IN", val: ["boy", "girl"] }],
    granularity: "ds",
    extras: { having: "", where: "" },
    orderby: [["count", false]],
    row_limit: 10000,
    time_range: "Last week",
  };
  const keyOptions = {
    supersetVersion: version,
    datasourceUid: "3__table", // dataset 3, a table
    changedOn: new PyDatetime(2024, 1, 15, 10, 30, 0), // the dataset's changed_on (naive UTC)
  };
  const key = queryObjectCacheKey(query, keyOptions);
  say(`Superset ${version} key: ${key} (Redis key ${manager.dataCache.keyPrefix}${key})`);
  const hashed = hashInputJson(queryObjectCacheDict(query, keyOptions), {
    default: makeJsonIntDttmSer(versionProfile(version)),
  });
  say(`hashed JSON: ${hashed.slice(0, 100)}…`);

  const charts = new QueryCacheManager(manager.dataCache, { supersetVersion: version });
  let entry = await charts.get(key, { queryHasFilters: true });
  if (!entry) {
    say("miss: writing an entry Superset will serve");
    const df = new Table({
      gender: vectorFromArray(["boy", "girl"], new Utf8()),
      count: vectorFromArray([48133355n, 32546308n], new Int64()),
    });
    const timeout = chartDataCacheTimeout({ chart: null, dataset: 3600 }, { supersetVersion: version });
    await charts.set(
      key,
      { df, query: "SELECT gender, COUNT(*) AS count FROM names GROUP BY gender", filters: query.filters },
      timeout,
    );
    entry = await charts.get(key, { queryHasFilters: true });
  }
  say(
    `cached at ${entry?.dttm}: ${entry?.df.numRows} rows, columns ${entry?.df.schema.fields.map((f) => f.name).join(", ")}`,
  );
  await manager.close();
}

await main();
