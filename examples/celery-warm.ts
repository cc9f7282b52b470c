/**
 * Warming Superset's charts by enqueuing its own `fetch_url` tasks, with progress and a summary.
 * Run: npx tsx --conditions=superset-cache-source examples/celery-warm.ts
 *
 * The charts here are a fixed list; `chartsToWarm(db, { name: "top_n_dashboards" })` (or the
 * `superset-cache warm` command) reads them from Superset's metadata database instead. Starts a
 * throwaway redis-server as the broker (or uses REDIS_URL, database 13); no worker runs, so the
 * tasks are reported `queued`.
 */
import { CeleryClient, fetchUrlWarmTarget } from "superset-cache/celery";
import { runWarmup, type WarmTask } from "superset-cache/ops";
import { throwawayRedis } from "./support/throwaway-redis.js";

async function main(): Promise<void> {
  const redis = await throwawayRedis();
  const celery = new CeleryClient({ brokerUrl: `${redis.url}/13` });
  try {
    const charts: WarmTask[] = [
      { chartId: 1, dashboardId: null },
      { chartId: 2, dashboardId: 5 },
      { chartId: 3, dashboardId: 5 },
    ];
    // Superset's cache-warmup task sends the warm-up user's session cookie with each fetch_url.
    const target = fetchUrlWarmTarget(celery, {
      headers: { Cookie: "session=example", "Content-Type": "application/json" },
    });
    const summary = await runWarmup(charts, target, {
      concurrency: 2,
      onProgress: (e) => {
        if (e.outcome)
          console.log(
            `${e.done}/${e.total} chart ${e.outcome.task.chartId}: ${e.outcome.status} (task ${e.outcome.taskId?.slice(0, 8)})`,
          );
      },
    });
    console.log(
      `${summary.total} charts: ${summary.warmed} warmed, ${summary.queued} queued, ${summary.failed} failed, ${summary.skipped} skipped`,
    );
    console.log(`queue depth now ${(await celery.queueDepth()).ready}`);
  } finally {
    await celery.close();
    redis.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
