/**
 * A process whose ioredis has changed under the Redis fast paths: `Redis#sendCommand` and
 * `Redis#_connect` are wrapped before any backend is built, so the seam check (wire/seams.ts) no
 * longer finds the calls DirectSetCommand, DirectGetCommand and the framed connector rely on.
 * Sets and gets values through a RedisBackend and prints one JSON summary on stdout.
 *
 * usage: tsx broken-seams-worker.ts REDIS_URL
 */
import { subscribe } from "node:diagnostics_channel";
import { Redis } from "ioredis";
import { RedisBackend } from "#src/backends/redis/backend.js";
import {
  IOREDIS_SEAMS_CHANNEL_NAME,
  type IoredisSeamReport,
  ioredisSeams,
} from "#src/backends/redis/wire/seams.js";

const [url] = process.argv.slice(2) as [string];
const published: IoredisSeamReport[] = [];
subscribe(IOREDIS_SEAMS_CHANNEL_NAME, (report) => published.push(report as IoredisSeamReport));

const proto = Redis.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
for (const name of ["sendCommand", "_connect"]) {
  const original = proto[name]!;
  proto[name] = function (this: unknown, ...args: unknown[]) {
    return original.apply(this, args);
  };
}

const backends = [0, 1].map(() =>
  RedisBackend.fromConfig({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: url }),
);
const zeroCopy = RedisBackend.fromConfig(
  { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: url },
  { zeroCopyWrites: true },
);
const values = [Buffer.alloc(1000, 1), Buffer.alloc(100_000, 2)];
const roundTrips: boolean[] = [];
for (const backend of [...backends, zeroCopy]) {
  for (const [i, value] of values.entries()) {
    const key = `seams:${i}`;
    const stored = await backend.set(key, value, 60);
    const parts = await backend.setParts(`${key}:parts`, [value.subarray(0, 7), value.subarray(7)], 0);
    const [got, gotParts] = await Promise.all([backend.get(key), backend.get(`${key}:parts`)]);
    roundTrips.push(
      stored && parts && Buffer.from(got!).equals(value) && Buffer.from(gotParts!).equals(value),
    );
  }
}
const summary = {
  seams: ioredisSeams(),
  published,
  roundTrips,
  stats: backends[0]!.stats(),
};
for (const backend of [...backends, zeroCopy]) await backend.close();
process.stdout.write(`${JSON.stringify(summary)}\n`);
