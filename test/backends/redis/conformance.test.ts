/**
 * The backend conformance suite (superset-cache/testing) on RedisBackend against real
 * redis-server processes: standalone, a 3-master cluster, and standalone behind the circuit
 * breaker. Expiry tests run on real time (Redis owns the clock).
 */
import { Redis } from "ioredis";
import * as vitest from "vitest";
import { CircuitBreakerBackend } from "#src/backends/circuit-breaker.js";
import { RedisBackend } from "#src/backends/redis/backend.js";
import { runBackendConformance } from "#src/testing/index.js";
import { type RedisClusterSet, RedisServer, startCluster } from "#test/helpers/redis-server.js";

const { afterAll, beforeAll } = vitest;
const realSleep = (seconds: number) => new Promise<void>((r) => setTimeout(r, seconds * 1000));

let server: RedisServer;
let cluster: RedisClusterSet;

beforeAll(async () => {
  server = await RedisServer.start();
  cluster = await startCluster(3);
});

afterAll(async () => {
  await server?.stop();
  await cluster?.stop();
});

async function freshStandalone(): Promise<RedisBackend> {
  const admin = new Redis({ host: server.host, port: server.port });
  await admin.flushdb();
  admin.disconnect();
  return RedisBackend.fromConfig({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${server.url}/0` });
}

runBackendConformance("redis (standalone)", freshStandalone, { vitest, advance: realSleep });

runBackendConformance(
  "redis (cluster, 3 masters)",
  async () => {
    await Promise.all(
      cluster.nodes.map(async (n) => {
        const admin = new Redis({ host: n.host, port: n.port });
        await admin.flushdb();
        admin.disconnect();
      }),
    );
    const nodes = cluster.nodes.map((n) => `127.0.0.1:${n.port}`).join(",");
    return RedisBackend.fromConfig({ CACHE_TYPE: "RedisClusterCache", CACHE_REDIS_CLUSTER: nodes });
  },
  { vitest, advance: realSleep },
);

runBackendConformance(
  "redis behind the circuit breaker",
  async () => new CircuitBreakerBackend(await freshStandalone()),
  {
    vitest,
    advance: null,
  },
);
