/**
 * The backend conformance suite (superset-cache/testing) on MemcachedBackend against a real
 * memcached: one server, two servers, the spread kind, and one server behind the circuit
 * breaker. Expiry tests run on real time (memcached owns the clock).
 */
import * as vitest from "vitest";
import { CircuitBreakerBackend } from "#src/backends/circuit-breaker.js";
import { MemcachedBackend, type MemcachedKind, memcachedKeyBytes } from "#src/backends/memcached/backend.js";
import { runBackendConformance } from "#src/testing/index.js";
import { MemcachedServer } from "#test/helpers/memcached-server.js";

const { afterAll, beforeAll } = vitest;
const realSleep = (seconds: number) => new Promise<void>((r) => setTimeout(r, seconds * 1000));

let servers: MemcachedServer[] = [];
/** cachelib's Memcached key rule (the spread kind checks `key.0`, which holds the same keys here). */
const holdsKey = (key: string) => memcachedKeyBytes(key) !== undefined;

beforeAll(async () => {
  // The suite stores a 1 MiB value: above memcached's default item limit, so raise it (-I).
  const maxItemBytes = 2 * 1024 * 1024;
  servers = await Promise.all([
    MemcachedServer.start({ maxItemBytes }),
    MemcachedServer.start({ maxItemBytes }),
  ]);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

async function fresh(count: number, kind: MemcachedKind = "memcached"): Promise<MemcachedBackend> {
  const backend = new MemcachedBackend({
    kind,
    servers: servers.slice(0, count).map((s) => ({ host: s.host, port: s.port })),
  });
  await backend.clear("");
  return backend;
}

runBackendConformance("memcached (one server)", () => fresh(1), { vitest, advance: realSleep, holdsKey });
runBackendConformance("memcached (two servers)", () => fresh(2), { vitest, advance: realSleep, holdsKey });
runBackendConformance("spread-sasl-memcached", () => fresh(1, "spread-sasl-memcached"), {
  vitest,
  advance: realSleep,
  holdsKey,
});
runBackendConformance(
  "memcached behind the circuit breaker",
  async () => new CircuitBreakerBackend(await fresh(1)),
  {
    vitest,
    advance: null,
    holdsKey,
  },
);
