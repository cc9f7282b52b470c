/**
 * Write a SQL Lab result that Superset's `/api/v1/sqllab/results/?q=(key:'…')` will serve, then read
 * it back as Superset does, with the data as an Arrow Table.
 * Run: npx tsx --conditions=superset-cache-source examples/sql-lab-results.ts
 *
 * With SUPERSET_RESULTS_REDIS_URL set (e.g. redis://127.0.0.1:6380/0, the Redis your Superset's
 * RESULTS_BACKEND = RedisCache(..., key_prefix="superset_results") points at), the entry goes there
 * and Superset can serve it. Without it, an in-process SimpleCache stands in.
 */
import { Float64, Int64, Table, Utf8, vectorFromArray } from "apache-arrow";
import { CacheManager, type FlaskCacheConfig } from "superset-cache";
import { ResultsExpiredError, SqlLabResults } from "superset-cache/superset";

const redisUrl = process.env.SUPERSET_RESULTS_REDIS_URL;
const resultsBackend: FlaskCacheConfig = redisUrl
  ? { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: redisUrl, CACHE_KEY_PREFIX: "superset_results" }
  : { CACHE_TYPE: "SimpleCache" };

const manager = new CacheManager({
  RESULTS_BACKEND: resultsBackend,
  RESULTS_BACKEND_USE_MSGPACK: true, // Superset's default: msgpack + Arrow IPC
  CACHE_DEFAULT_TIMEOUT: 86_400, // seconds; used when the database has no cache_timeout
  // The two required temporary caches default to the metastore; keep this example self-contained.
  FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
  EXPLORE_FORM_DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
});

try {
  const results = SqlLabResults.fromManager(manager);
  const table = new Table({
    country: vectorFromArray(["France", "Japan", "Brazil"], new Utf8()),
    orders: vectorFromArray([1200n, 950n, 430n], new Int64()),
    revenue: vectorFromArray([18_250.5, 14_002.25, 6_120], new Float64()),
  });

  const written = await results.write({
    table,
    // Query.to_dict() fields Superset's frontend reads; `state` and `resultsKey` are filled in.
    query: { id: 7, dbId: 1, sql: "SELECT country, orders, revenue FROM sales", rows: table.numRows },
    databaseCacheTimeoutSeconds: null, // → CACHE_DEFAULT_TIMEOUT
  });
  console.log(
    `stored ${written.storedBytes} bytes under ${written.resultsKey} for ${written.timeoutSeconds} s`,
  );

  const result = await results.read(written.resultsKey, { rows: 2 });
  console.log(result.status, result.query.state, `displayLimitReached=${result.displayLimitReached}`);
  console.log(result.selectedColumns.map((c) => `${c.column_name}:${c.type}`).join(", "));
  for (const row of result.data?.toArray() ?? []) console.log(row.toJSON());

  try {
    await results.read("00000000-0000-4000-8000-000000000000");
  } catch (err) {
    if (err instanceof ResultsExpiredError)
      console.log(`missing key → HTTP ${err.httpStatus}: ${err.message}`);
    else throw err;
  }
} finally {
  await manager.close();
}
