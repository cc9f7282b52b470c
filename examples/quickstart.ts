/**
 * Quickstart: a Superset-shaped CacheManager entirely in memory (no Redis, no database).
 * Run: npm run example
 *
 * In a real service you would write the same config your superset_config.py has, e.g.
 *   new CacheManager({ DATA_CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: "redis://…" }, … })
 */
import { PyTuple } from "superset-cache";
import { createInMemoryCacheManager, FakeClock } from "superset-cache/testing";

const say = (line: string) => console.log(line);

async function main(): Promise<void> {
  // A fake clock: time moves only when we say so, so the timeout demo below is instant.
  const clock = new FakeClock();
  const manager = createInMemoryCacheManager({ CACHE_DEFAULT_TIMEOUT: 3600 }, { clock });

  say("Built a cache manager with Superset's six named caches, all kept in memory.");

  await manager.cache.set("greeting", "hello from Node");
  say(`cache (CACHE_CONFIG): stored a string and read back "${await manager.cache.get("greeting")}".`);

  await manager.dataCache.set("chart:42", { rows: [PyTuple.fromItems(["2024-01-01", 17])], rowcount: 1 }, 60);
  const chart = (await manager.dataCache.get("chart:42")) as { rowcount: number };
  say(`dataCache (DATA_CACHE_CONFIG): stored chart data for 60 seconds; it has ${chart.rowcount} row.`);

  await manager.thumbnailCache.set("thumb:1", new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
  const thumb = (await manager.thumbnailCache.get("thumb:1")) as Uint8Array;
  say(
    `thumbnailCache: stored ${thumb.length} bytes of a PNG header; default timeout ${manager.thumbnailCache.defaultTimeout} seconds (7 days).`,
  );

  await manager.filterStateCache.set("dash:1:state", { owner: 1, value: '{"NATIVE_FILTER-abc": {}}' });
  say(
    `filterStateCache: saved a dashboard filter state; it lives ${manager.filterStateCache.defaultTimeout / 86400} days by default.`,
  );

  await manager.exploreFormDataCache.set("explore:1", {
    datasource_id: 5,
    form_data: '{"viz_type": "table"}',
  });
  say(
    `exploreFormDataCache: saved explore form data; has it? ${await manager.exploreFormDataCache.has("explore:1")}.`,
  );

  await manager.resultsBackend.set("query-uuid-1", new Uint8Array([1, 2, 3]));
  say(
    `resultsBackend (SQL Lab): stored a results payload; msgpack encoding is ${manager.resultsBackendUseMsgpack ? "on" : "off"}.`,
  );

  await manager.cache.set("nothing", null);
  say(
    `A key that was never written reads as ${String(await manager.cache.get("never-written"))}; a stored None reads as ${String(await manager.cache.get("nothing"))}.`,
  );
  say(
    `Counting: inc("visits") gives ${await manager.cache.inc("visits")}, then ${await manager.cache.inc("visits", 4)}.`,
  );

  say("Now moving the clock forward 61 seconds...");
  clock.advanceSeconds(61);
  say(
    `The chart data (timeout 60 s) is ${(await manager.dataCache.get("chart:42")) === undefined ? "gone" : "still there"}.`,
  );
  say(
    `The greeting (default timeout 3600 s) is ${(await manager.cache.get("greeting")) === undefined ? "gone" : "still there"}.`,
  );

  await manager.close();
  say("Closed every cache. Done.");
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
