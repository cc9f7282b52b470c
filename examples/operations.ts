/**
 * Operations: per-cache statistics, diagnostics events, Prometheus text, and (with a Redis URL)
 * the doctor. Runs in memory; set SUPERSET_CACHE_REDIS_URL=redis://host:port to also run doctor().
 * Run: npx tsx --conditions=superset-cache-source examples/operations.ts
 */
import { subscribe } from "node:diagnostics_channel";
import { CacheConfigError, type CacheOperationEvent, OPERATION_CHANNEL_NAME } from "superset-cache";
import { doctor } from "superset-cache/ops";
import { createPrometheusExporter } from "superset-cache/prometheus";
import { createInMemoryCacheManager } from "superset-cache/testing";

const say = (line: string) => console.log(line);

async function main(): Promise<void> {
  const manager = createInMemoryCacheManager();
  let events = 0;
  subscribe(OPERATION_CHANNEL_NAME, (m) => {
    if ((m as CacheOperationEvent).outcome !== "ok") say(`event: ${JSON.stringify(m)}`);
    events++;
  });

  await manager.dataCache.set("chart:1", { rowcount: 3 });
  for (let i = 0; i < 9; i++) await manager.dataCache.get("chart:1");
  await manager.dataCache.get("chart:missing");

  const s = manager.stats().DATA_CACHE_CONFIG!;
  say(
    `DATA_CACHE_CONFIG: ${s.hits} hits, ${s.misses} misses (hit ratio ${(s.hitRatio * 100).toFixed(0)}%), ${s.sets} set, ${s.bytesWritten} bytes written`,
  );
  say(
    `get latency (ms, timed calls only): p50 ${s.latency.get?.p50.toFixed(3)}, p99 ${s.latency.get?.p99.toFixed(3)}`,
  );
  say(`${events} operation events seen on ${OPERATION_CHANNEL_NAME}`);

  try {
    const exporter = await createPrometheusExporter({ caches: manager });
    const hitsLine = (await exporter.metrics())
      .split("\n")
      .find((l) => l.startsWith('superset_cache_hits_total{cache="DATA_CACHE_CONFIG"}'));
    say(`Prometheus: ${hitsLine}`);
    exporter.close();
  } catch (error) {
    // prom-client is an optional peer dependency: an installed package may not have it.
    if (!(error instanceof CacheConfigError && error.code === "PROM_CLIENT_MISSING")) throw error;
    say("Prometheus: skipped (npm install prom-client to see the exposition text).");
  }

  const url = process.env.SUPERSET_CACHE_REDIS_URL;
  if (url) {
    const report = await doctor(url, { evictionWindowMs: 0 });
    say(`doctor ${report.url}: ${report.status}`);
    for (const f of report.findings) say(`  [${f.severity}] ${f.id}: ${f.title} — fix: ${f.fix}`);
  } else {
    say("Set SUPERSET_CACHE_REDIS_URL to run the Redis doctor too.");
  }
  await manager.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
