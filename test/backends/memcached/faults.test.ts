/**
 * A killed memcached under load: 32 concurrent callers doing mixed get/set through `Cache`
 * (fail-open) over two servers. After one server is killed, keys on the other keep working,
 * keys on the dead one fail fast (counted, never thrown), a circuit breaker over the backend
 * opens, and everything recovers after the restart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CircuitBreakerBackend } from "#src/backends/circuit-breaker.js";
import { MemcachedBackend } from "#src/backends/memcached/backend.js";
import { MemcachedValueSerializer } from "#src/backends/memcached/value-flags.js";
import { Cache } from "#src/cache/cache.js";
import { MemcachedServer } from "#test/helpers/memcached-server.js";
import { trackUnhandledRejections } from "#test/helpers/redis-peer.js";
import { waitUntil } from "#test/helpers/wait-until.js";

const CALLERS = 32;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let servers: MemcachedServer[] = [];
const unhandled = trackUnhandledRejections();

beforeAll(async () => {
  servers = await Promise.all([MemcachedServer.start(), MemcachedServer.start()]);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  unhandled.stop();
  expect(unhandled.count()).toBe(0);
});

interface Tally {
  [server: number]: { calls: number; ok: number };
}

describe("a killed memcached under load", () => {
  it("fails open per server, opens the breaker, recovers after restart", async () => {
    const backend = new MemcachedBackend({
      kind: "memcached",
      servers,
      commandTimeoutMs: 500,
      connectTimeoutMs: 300,
      retryTimeoutSeconds: 0.2,
    });
    const breakerBackend = new MemcachedBackend({
      kind: "memcached",
      servers,
      commandTimeoutMs: 500,
      retryTimeoutSeconds: 0.2,
    });
    const breaker = new CircuitBreakerBackend(breakerBackend, { failureThreshold: 5, coolDownMs: 200 });
    const serializer = new MemcachedValueSerializer();
    const cache = new Cache({ backend, serializer, keyPrefix: "f:", name: "faults" });
    const broken = new Cache({ backend: breaker, serializer, keyPrefix: "b:", name: "breaker" });
    let tally: Tally = { 0: { calls: 0, ok: 0 }, 1: { calls: 0, ok: 0 } };
    let running = true;
    const caller = async (id: number) => {
      let i = 0;
      while (running) {
        const key = `k${(id * 7 + i++) % 100}`;
        const where = backend.serverFor(`f:${key}`);
        const ok =
          i % 2 === 1 ? await cache.set(key, "x".repeat(1000), 60) : (await cache.get(key)) !== undefined;
        const t = tally[where] as { calls: number; ok: number };
        t.calls++;
        if (ok) t.ok++;
        await broken.set(key, 1, 60);
        await sleep(1);
      }
    };
    const workers = Array.from({ length: CALLERS }, (_, id) => caller(id));
    await waitUntil("writes on both servers", () => (tally[0]?.ok ?? 0) > 50 && (tally[1]?.ok ?? 0) > 50);

    await servers[1]?.kill();
    tally = { 0: { calls: 0, ok: 0 }, 1: { calls: 0, ok: 0 } };
    await waitUntil(
      "server 0 to keep serving, server 1 to fail, the breaker to open",
      () => (tally[0]?.ok ?? 0) > 100 && (tally[1]?.calls ?? 0) > 100 && breaker.stats().opened >= 1,
    );
    expect(tally[1]?.ok).toBe(0);
    const counted = cache.errorCounts();
    expect(counted.MEMCACHED_CONNECTION ?? 0).toBeGreaterThan(0);
    for (const code of Object.keys(counted)) expect(code).toMatch(/^MEMCACHED_/);
    expect(breaker.stats().rejected).toBeGreaterThan(0);

    await servers[1]?.restart();
    tally = { 0: { calls: 0, ok: 0 }, 1: { calls: 0, ok: 0 } };
    await waitUntil("server 1 to serve again", () => (tally[1]?.ok ?? 0) > 20);
    await waitUntil("the breaker to close", () => breaker.state === "closed");
    expect(breaker.state).toBe("closed");
    running = false;
    await Promise.all(workers);
    await cache.close();
    await broken.close();
  });
});
