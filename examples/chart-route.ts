/**
 * A plain node:http route serving chart data through `getOrSet`: the first requests for a
 * cold chart share one "warehouse query" (single flight, and across processes the RedisLock),
 * later ones are cache hits; with grace on, a failing warehouse is answered with the last good
 * data. Run: npx tsx --conditions=superset-cache-source examples/chart-route.ts
 * (then curl http://127.0.0.1:PORT/api/chart/7)
 *
 * With SUPERSET_DATA_REDIS_URL set it uses that Redis (prefix `superset_data_`, Superset's
 * DATA_CACHE_CONFIG shape) and a RedisLock on it; without it, an in-memory SimpleCache.
 * EXAMPLE_SELF_TEST=1 starts the server, fires 50 concurrent requests, prints, and exits.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { createCache, type GetOrSetOptions } from "superset-cache";
import { RedisLock } from "superset-cache/backends/redis";

const CHART_TIMEOUT_SECONDS = 300;
let warehouseQueries = 0;

/** Stands in for the slow SQL query a chart runs. */
async function queryWarehouse(
  chartId: number,
  signal: AbortSignal,
): Promise<{ chartId: number; rows: number[][] }> {
  warehouseQueries++;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, 200);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
  return {
    chartId,
    rows: [
      [chartId, 1],
      [chartId, 2],
    ],
  };
}

async function main(): Promise<void> {
  const url = process.env.SUPERSET_DATA_REDIS_URL;
  const cache = url
    ? createCache({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: url, CACHE_KEY_PREFIX: "superset_data_" })
    : createCache({ CACHE_TYPE: "SimpleCache" });
  const lockClient = url ? new Redis(url) : undefined;
  // One frozen options object: resolved once, reused by every request.
  const options: GetOrSetOptions = Object.freeze({
    timeout: CHART_TIMEOUT_SECONDS,
    graceSeconds: 3600,
    softTimeoutSeconds: 2,
    hardTimeoutSeconds: 20,
    lock: lockClient ? new RedisLock(lockClient) : undefined,
  });

  const server = createServer(async (req, res) => {
    const match = /^\/api\/chart\/(\d+)$/.exec(req.url ?? "");
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const chartId = Number(match[1]);
    try {
      const data = await cache.getOrSet(
        `chart:${chartId}`,
        ({ signal }) => queryWarehouse(chartId, signal),
        options,
      );
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(data));
    } catch (err) {
      // No cached or stale copy and the query failed or timed out.
      const code = (err as { code?: string }).code ?? "CHART_QUERY_FAILED";
      res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ error: code }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  console.log(`serving http://127.0.0.1:${port}/api/chart/:id`);

  if (process.env.EXAMPLE_SELF_TEST) {
    const bodies = await Promise.all(
      Array.from({ length: 50 }, () => fetch(`http://127.0.0.1:${port}/api/chart/7`).then((r) => r.text())),
    );
    console.log(
      `50 concurrent requests, ${new Set(bodies).size} distinct body, ${warehouseQueries} warehouse query`,
    );
    console.log("getOrSet stats:", JSON.stringify(cache.getOrSetStats()));
    server.close();
    await cache.close();
    lockClient?.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
