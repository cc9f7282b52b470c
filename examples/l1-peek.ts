/**
 * An in-process L1 in front of a backend, read synchronously with `peek` and through `getOrSet`.
 * Run: npx tsx --conditions=superset-cache-source examples/l1-peek.ts
 * (no server: a SimpleBackend stands in for Redis here; in a service you would wrap
 * `RedisBackend.fromConfig(config)` and add pub/sub invalidation, see docs/stampede.md)
 */
import { Cache } from "superset-cache";
import { L1Backend, SimpleBackend } from "superset-cache/backends";
import { RedisSerializer } from "superset-cache/codecs";

const say = (line: string) => console.log(line);

async function main(): Promise<void> {
  const l1 = new L1Backend(new SimpleBackend(), { maxEntries: 1_000, ttlSeconds: 30 });
  const cache = new Cache({ backend: l1, serializer: new RedisSerializer(), keyPrefix: "superset_data_" });
  await cache.whenReady();

  say(`peek before anything is cached: ${String(cache.peek("chart:7"))} (peek never waits on the backend).`);

  let queries = 0;
  const runQuery = () => {
    queries++;
    return {
      rowcount: 2,
      rows: [
        ["France", 12],
        ["Japan", 9],
      ],
    };
  };
  // 50 concurrent requests for a cold key: the query runs once.
  await Promise.all(Array.from({ length: 50 }, () => cache.getOrSet("chart:7", runQuery, { timeout: 60 })));
  say(`50 concurrent getOrSet calls on a cold key ran the query ${queries} time(s).`);

  const hit = cache.peek("chart:7") as { rowcount: number } | undefined;
  say(`peek now answers synchronously from the L1: rowcount ${hit?.rowcount}.`);

  const mine = cache.peek("chart:7") as { rowcount: number };
  mine.rowcount = 999;
  say(
    `each peek decodes its own copy: after mutating mine, the cache still says ${(cache.peek("chart:7") as { rowcount: number }).rowcount}.`,
  );

  const stats = l1.stats();
  say(`L1 counters: ${stats.hits} hits, ${stats.misses} misses.`);
  await cache.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
