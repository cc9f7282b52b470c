/**
 * Superset's global async queries (up to 6.1) from Node: publish job events as a worker does,
 * read them as the polling endpoint does, and load the chart-data entry a `done` event points to.
 * Run: npx tsx --conditions=superset-cache-source examples/celery-async-events.ts
 *
 * Starts a throwaway redis-server (or uses REDIS_URL, databases 14 and 15). The `qc-` entry is
 * written here through a Cache, byte for byte what Superset's `set_and_log_cache` stores.
 */
import { createCache } from "superset-cache";
import { AsyncQueryEvents, incrementStreamId, loadAsyncResult } from "superset-cache/celery";
import { throwawayRedis } from "./support/throwaway-redis.js";

const say = (line: string) => console.log(line);

async function main(): Promise<void> {
  const redis = await throwawayRedis();
  // GLOBAL_ASYNC_QUERIES_CACHE_BACKEND and CACHE_CONFIG (where qc- entries live).
  const events = new AsyncQueryEvents({ redisUrl: `${redis.url}/14`, supersetVersion: "6.1" });
  const cache = createCache({
    CACHE_TYPE: "RedisCache",
    CACHE_REDIS_URL: `${redis.url}/15`,
    CACHE_KEY_PREFIX: "superset_",
  });
  try {
    const job = events.initJob("channel-1", 1);
    await events.updateJob(job, "running");
    await cache.set(
      "qc-0123abcd",
      {
        data: {
          form_data: { slice_id: 7, viz_type: "table" },
          datasource: { id: 3, type: "table" },
          queries: [{ columns: ["gender"], metrics: ["count"] }],
          result_type: "full",
          result_format: "json",
        },
        dttm: "2026-01-01T00:00:00",
      },
      600,
    );
    await events.updateJob(job, "done", { result_url: "/api/v1/chart/data/qc-0123abcd" });

    const seen = await events.readEvents("channel-1");
    for (const e of seen)
      say(
        `event ${e.id}: job ${e.job_id.slice(0, 8)} ${e.status}${e.result_url ? ` -> ${e.result_url}` : ""}`,
      );
    const after = await events.readEvents("channel-1", seen[0]!.id);
    say(`after ${seen[0]!.id}: ${after.length} event(s)`);

    const result = await loadAsyncResult(seen.at(-1)!, cache);
    say(
      `loaded ${result?.kind} ${result?.key}: form_data ${JSON.stringify(result?.formData)}, dttm ${result?.dttm}`,
    );

    // Superset's REST poll adds 1 to the last character of the id; the websocket server does it right.
    say(
      `next id after 1607477697866-19: superset ${incrementStreamId("1607477697866-19")}, websocket ${incrementStreamId("1607477697866-19", "websocket")}`,
    );
  } finally {
    await events.close();
    await cache.close();
    redis.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
