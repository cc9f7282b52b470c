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
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { createCache } from "superset-cache";

const VALUE_BYTES = 100 * 1024;
const TIMEOUT_SECONDS = 60;
const say = (line: string) => console.log(line);

/** A free loopback port (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** Start redis-server (no persistence) and wait until it answers PING. */
async function startRedis(): Promise<{ url: string; server: ChildProcess }> {
  const port = await freePort();
  const server = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: "ignore",
    },
  );
  const url = `redis://127.0.0.1:${port}/0`;
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 0 });
  probe.on("error", () => {}); // connection refused until the server listens
  for (let attempt = 0; attempt < 100; attempt++) {
    if ((await probe.ping().catch(() => "")) === "PONG") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  probe.disconnect();
  return { url, server };
}

async function main(): Promise<void> {
  const own = process.env.REDIS_URL ? undefined : await startRedis();
  const url = process.env.REDIS_URL ?? own!.url;
  const cache = createCache(
    { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: url, CACHE_KEY_PREFIX: "example_large_" },
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
    own?.server.kill();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
