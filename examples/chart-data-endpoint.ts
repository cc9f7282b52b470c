/**
 * A node:http endpoint serving a Superset chart's cached data in the chart-data API's shape
 * (`{ result: [{ data, colnames, coltypes, rowcount, sql_rowcount }] }`), read from
 * DATA_CACHE_CONFIG. Run: npx tsx --conditions=superset-cache-source examples/chart-data-endpoint.ts
 *
 * With SUPERSET_DATA_REDIS_URL (e.g. redis://127.0.0.1:6379/0) it reads that Redis with the
 * `superset_data_` prefix and serves the key given as CHART_CACHE_KEY (then keeps serving);
 * without it, an in-memory cache holding a chart-data entry Superset wrote (captured from
 * Flask-Caching, test/fixtures/pickle/superset_query_cache.redis): it answers one request,
 * prints it and exits.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createCache, type PyValue, pickle } from "superset-cache";
import { chartDataResult, QueryCacheManager } from "superset-cache/superset";

const DEMO_KEY = "captured-chart";

async function main(): Promise<void> {
  const url = process.env.SUPERSET_DATA_REDIS_URL;
  const dataCache = url
    ? createCache({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: url, CACHE_KEY_PREFIX: "superset_data_" })
    : createCache({ CACHE_TYPE: "SimpleCache" });
  const charts = new QueryCacheManager(dataCache, { supersetVersion: "6.0" });
  if (!url) {
    // cachelib's Redis value is "!" + pickle; the in-memory cache takes the decoded dict.
    const captured = readFileSync(
      new URL("../test/fixtures/pickle/superset_query_cache.redis", import.meta.url),
    );
    await dataCache.set(DEMO_KEY, pickle.loads(captured.subarray(1)) as PyValue);
  }

  const server = createServer(async (req, res) => {
    const cacheKey = new URL(req.url ?? "/", "http://localhost").searchParams.get("cache_key");
    try {
      const entry = cacheKey ? await charts.get(cacheKey) : undefined;
      if (!entry) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"message":"not cached"}');
        return;
      }
      // temporal: "iso" would give isoformat() text instead of epoch milliseconds.
      const body = JSON.stringify({ result: [chartDataResult(entry)] });
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(body);
    } catch (err) {
      res
        .writeHead(500, { "content-type": "application/json" })
        .end(JSON.stringify({ message: String(err) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const key = url ? (process.env.CHART_CACHE_KEY ?? "") : DEMO_KEY;
  console.log(`serving http://127.0.0.1:${port}/chart-data?cache_key=${key}`);

  const response = await fetch(`http://127.0.0.1:${port}/chart-data?cache_key=${encodeURIComponent(key)}`);
  console.log(response.status, await response.text());
  if (!url) {
    server.close();
    await dataCache.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
