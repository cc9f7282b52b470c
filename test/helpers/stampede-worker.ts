/**
 * One Node process of the stampede test: connects, prints `ready`, waits for a line on stdin
 * (the test sends it once every process is ready), then fires CALLS concurrent `getOrSet`
 * calls for one cold key through a RedisCache with a RedisLock. The factory counts its runs in
 * Redis (INCR, shared by all processes), so the count is real. Prints one JSON summary on stdout.
 *
 * usage: tsx stampede-worker.ts REDIS_URL CALLS KEY FACTORY_MS HARD_SECONDS
 */
import { Redis } from "ioredis";
import { RedisLock } from "#src/backends/redis/lock.js";
import { createCache } from "#src/manager/create-cache.js";

const [url, calls, key, factoryMs, hardSeconds] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const RUN_COUNTER = "stampede:factory-runs";

const cache = createCache({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: url, CACHE_KEY_PREFIX: "superset_" });
const lockClient = new Redis(url);
const counter = new Redis(url);
await cache.whenReady();
await cache.has("warm-up"); // connect before the start signal
await lockClient.ping();
await counter.ping();
process.stdout.write("ready\n");
const started = await new Promise<boolean>((resolve) => {
  process.stdin.once("data", () => resolve(true));
  process.stdin.once("end", () => resolve(false));
});
process.stdin.destroy();
if (!started) process.exit(1); // the test went away before the start signal

const factory = async () => {
  const run = await counter.incr(RUN_COUNTER);
  await new Promise((r) => setTimeout(r, Number(factoryMs)));
  return {
    chart: "sales",
    rows: [
      [1, "a"],
      [2, "b"],
    ],
    run,
    pid: process.pid,
  };
};
const elapsed: number[] = [];
const outcomes = await Promise.all(
  Array.from({ length: Number(calls) }, async () => {
    const t0 = Date.now();
    try {
      const v = await cache.getOrSet(key, factory, {
        timeout: 600,
        hardTimeoutSeconds: Number(hardSeconds),
        lock: new RedisLock(lockClient),
        lockPollMs: 25,
      });
      return JSON.stringify(v);
    } catch (err) {
      return `error: ${String(err)}`;
    } finally {
      elapsed.push(Date.now() - t0);
    }
  }),
);
process.stdout.write(
  `${JSON.stringify({ outcomes, maxElapsedMs: Math.max(...elapsed), stats: cache.getOrSetStats() })}\n`,
);
await cache.close();
lockClient.disconnect();
counter.disconnect();
