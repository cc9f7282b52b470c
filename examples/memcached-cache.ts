/**
 * Superset's cache on Memcached (Flask-Caching's MemcachedCache), from Node.
 * Run: npx tsx --conditions=superset-cache-source examples/memcached-cache.ts
 *
 * With MEMCACHED_SERVERS set it uses those servers (keys under the prefix `example_mc_`);
 * without it, it starts a throwaway `memcached` on a free loopback port and stops it. Values
 * carry pylibmc's flags (str 16, int 4, bytes 0, anything else a pickle with flag 1), so a
 * Superset worker using Flask-Caching with pylibmc reads them as its own.
 */
import { createCache } from "superset-cache";
import type { MemcachedBackend } from "superset-cache/backends/memcached";
import { throwawayMemcached } from "./support/throwaway-memcached.js";

const say = (line: string) => console.log(line);

async function main(): Promise<void> {
  const memcached = await throwawayMemcached();
  const cache = createCache({
    CACHE_TYPE: "MemcachedCache",
    CACHE_MEMCACHED_SERVERS: memcached.servers,
    CACHE_KEY_PREFIX: "example_mc_",
  });
  try {
    await cache.set("chart:42", { rowcount: 2, data: [{ name: "a" }, { name: "b" }] }, 60);
    const chart = (await cache.get("chart:42")) as { rowcount: number };
    say(`stored chart:42 for 60 seconds (sent to memcached as now + 60); rowcount ${chart.rowcount}`);

    await cache.set("visits", 41, 0);
    say(`inc("visits") -> ${String(await cache.inc("visits"))} (stored as the ASCII int with flag 4)`);

    // cachelib's key rule: control characters, spaces and keys over 250 characters never reach memcached.
    say(
      `set("has space") -> ${String(await cache.set("has space", 1))}; get -> ${String(await cache.get("has space"))}`,
    );

    const backend = (await cache.backend()) as MemcachedBackend;
    say(`servers: ${backend.servers.join(", ")}; has("chart:42") -> ${String(await cache.has("chart:42"))}`);
    await cache.delete("chart:42");
    await cache.delete("visits");
  } finally {
    await cache.close();
    memcached.stop();
  }
}

await main();
