/**
 * Superset's Celery tasks from Node: enqueue them as `send_task` does, then look at the queue
 * without consuming it. Run: npx tsx --conditions=superset-cache-source examples/celery-tasks.ts
 *
 * Starts a throwaway redis-server as the broker (or uses REDIS_URL, database 15, keys under the
 * kombu global prefix `example:`); no worker runs, so the tasks stay queued for `peek`.
 */
import { deflateSync } from "node:zlib";
import {
  CeleryClient,
  decodeTaskMessage,
  sendCacheWarmup,
  sendFetchUrl,
  sendReportExecute,
} from "superset-cache/celery";
import { throwawayRedis } from "./support/throwaway-redis.js";

const say = (line: string) => console.log(line);

async function main(): Promise<void> {
  const redis = await throwawayRedis();
  const celery = new CeleryClient({
    brokerUrl: `${redis.url}/15`,
    transportOptions: { globalKeyPrefix: "example:" }, // Celery's broker_transport_options
  });
  try {
    // What Superset's beat schedule, the alerts scheduler and cache-warmup enqueue.
    await sendCacheWarmup(celery, { strategy_name: "top_n_dashboards", top_n: 5, since: "7 days ago" });
    await sendReportExecute(celery, 42, { priority: 9, eta: new Date(Date.now() + 60_000) });
    await sendFetchUrl(
      celery,
      { chart_id: 7, dashboard_id: 3 },
      {
        Cookie: "session=eyJfZnJlc2giOmZhbHNlfQ.example",
        "Content-Type": "application/json",
      },
    );

    for (const entry of await celery.peek()) {
      if (!entry.ok) {
        say(`undecodable message in ${JSON.stringify(entry.key)}: ${entry.error.code}`);
        continue;
      }
      const m = entry.message;
      say(
        `${m.task} id=${m.id.slice(0, 8)} priority=${m.priority} args=${JSON.stringify(m.args)} ` +
          `kwargs=${JSON.stringify(m.kwargs)}${m.eta ? ` eta=${m.eta}` : ""}` +
          (m.carriesSessionCookie ? "  <- session cookie readable by anyone with broker access" : ""),
      );
    }
    // A message from a producer with compression="zlib" (Celery's task_compression), as kombu
    // stores it: the header names the codec, the body is the base64 of the compressed JSON.
    const compressed = JSON.stringify({
      body: deflateSync(JSON.stringify([[42], {}, {}])).toString("base64"),
      "content-encoding": "utf-8",
      "content-type": "application/json",
      headers: { task: "reports.execute", id: "c0ffee", compression: "application/x-gzip" },
      properties: { body_encoding: "base64" },
    });
    const read = decodeTaskMessage(compressed);
    say(`compressed: ${read.task} args=${JSON.stringify(read.args)} (${read.headers.compression})`);
    const depth = await celery.queueDepth();
    say(
      `queue ${depth.queue}: ${depth.ready} waiting (by priority step ${JSON.stringify(depth.byStep)}), ${depth.unacked} unacked`,
    );
  } finally {
    await celery.close();
    redis.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
