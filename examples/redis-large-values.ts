/**
 * Large `bytes` values (a rendered thumbnail, an Arrow IPC blob) in Superset's Redis, from Node.
 * Run: npx tsx --conditions=superset-cache-source examples/redis-large-values.ts
 *
 * With REDIS_URL set it uses that Redis (keys under the prefix `example_large_`, deleted at the
 * end); without it, it starts a throwaway `redis-server` on a free loopback port and stops it.
 * The entry is exactly what Flask-Caching writes for `cache.set(key, some_bytes)`: `!` + a
 * protocol-5 pickle. The value goes to Redis without being copied into the pickle, and the
 * reply is read straight into the buffer the returned value is a view of (docs/redis.md,
 * "Read and write paths").
 */
import { createCache } from "superset-cache";
import { throwawayRedis } from "./support/throwaway-redis.js";

const VALUE_BYTES = 100 * 1024;
const TIMEOUT_SECONDS = 60;
const say = (line: string) => console.log(line);

async function main(): Promise<void> {
  const redis = await throwawayRedis();
  const cache = createCache(
    { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: redis.url, CACHE_KEY_PREFIX: "example_large_" },
    // framedReads is on by default for plain TCP/Unix standalone clients; shown here to name it.
    { backendOptions: { redis: { framedReads: true, commandTimeoutMs: 1000 } } },
  );
  try {
    const png = new Uint8Array(VALUE_BYTES).map((_, i) => (i * 31) & 0xff);
    say(`set 100 KB for ${TIMEOUT_SECONDS} s -> ${await cache.set("thumb:7", png, TIMEOUT_SECONDS)}`);

    const back = (await cache.get("thumb:7")) as Uint8Array;
    const equal = back.length === png.length && back.every((b, i) => b === png[i]);
    say(`get -> ${back.constructor.name} of ${back.length} bytes, equal: ${equal}`);

    // The stored entry, as redis-cli would show it: "!" then pickle protocol 5 (0x80 0x05).
    const raw = (await cache.getRaw("thumb:7"))!;
    say(
      `stored ${raw.length} bytes under ${cache.storageKey("thumb:7")}, starting ${Buffer.from(raw.subarray(0, 3)).toString("hex")}`,
    );

    const stats = cache.stats();
    if (stats)
      say(
        `stats: ${stats.hits} hits, ${stats.sets} set, ${stats.bytesRead} bytes read, errors ${JSON.stringify(stats.errors)}`,
      );
    await cache.delete("thumb:7");
  } finally {
    await cache.close();
    redis.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
