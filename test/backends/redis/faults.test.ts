/**
 * Faults on a real redis-server: 50 concurrent callers doing mixed get/set through `Cache`
 * (fail-open policy) over a circuit-broken RedisBackend while the test kills redis-server.
 * Every call settles within the command timeout + 50 ms (plus the event-loop lag of a loaded
 * machine), the breaker opens, no promise rejection goes unhandled, and traffic succeeds again
 * within 2 s after the restart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CircuitBreakerBackend } from "#src/backends/circuit-breaker.js";
import { RedisBackend } from "#src/backends/redis/backend.js";
import { Cache } from "#src/cache/cache.js";
import type { Serializer } from "#src/codecs/serializer.js";
import type { PyValue } from "#src/python/values.js";
import { watchEventLoopLag } from "#test/helpers/event-loop-lag.js";
import { trackUnhandledRejections } from "#test/helpers/redis-peer.js";
import { RedisServer } from "#test/helpers/redis-server.js";
import { waitUntil } from "#test/helpers/wait-until.js";

const CALLERS = 50;
const COMMAND_TIMEOUT_MS = 500;
const SETTLE_MARGIN_MS = 50;
const RECOVERY_LIMIT_MS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bytes pass through unchanged: this test is about the backend, not value encoding. */
const bytesSerializer: Serializer = {
  name: "bytes",
  dumps: (v: PyValue) => v as Uint8Array,
  loads: (b: Uint8Array) => b,
};

let server: RedisServer;
const unhandled = trackUnhandledRejections();
const lag = watchEventLoopLag();
/** A call's bound: its timer fires late by however much the event loop lagged (a loaded CPU). */
const settleBoundMs = () => COMMAND_TIMEOUT_MS + SETTLE_MARGIN_MS + lag.maxMs();

beforeAll(async () => {
  server = await RedisServer.start();
});

afterAll(async () => {
  lag.stop();
  await server?.stop();
  unhandled.stop();
  expect(unhandled.count()).toBe(0);
});

interface Phase {
  calls: number;
  ok: number;
  maxMs: number;
}

describe("Redis faults under 50 concurrent callers", () => {
  it("kill → fast failures, breaker opens, bounded latency; restart → recovery within 2 s", async () => {
    const backend = RedisBackend.fromConfig(
      { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${server.url}/0` },
      {
        commandTimeoutMs: COMMAND_TIMEOUT_MS,
        connectTimeoutMs: 300,
        reconnectMaxDelayMs: 100,
        maxOfflineQueue: 200,
      },
    );
    const breaker = new CircuitBreakerBackend(backend, { failureThreshold: 5, coolDownMs: 200 });
    const cache = new Cache({
      backend: breaker,
      serializer: bytesSerializer,
      keyPrefix: "f:",
      name: "faults",
    });
    const value = new Uint8Array(512).fill(7);
    let phase: Phase = { calls: 0, ok: 0, maxMs: 0 };
    let running = true;
    let lastOkAt = 0;

    const caller = async (id: number) => {
      let i = 0;
      while (running) {
        const key = `k${(id * 7 + i++) % 100}`;
        const t0 = performance.now();
        // Fail-open: never throws; a failed read is a miss, a failed write is false.
        const write = i % 2 === 1;
        let stored = false;
        if (write) stored = await cache.set(key, value, 60);
        else await cache.get(key);
        const now = performance.now();
        const elapsed = now - t0;
        const p = phase;
        p.calls++;
        p.maxMs = Math.max(p.maxMs, elapsed);
        if (stored) {
          p.ok++;
          lastOkAt = now;
        }
        // Keep the event loop breathing while everything fails fast.
        if (elapsed < 1) await sleep(1);
      }
    };
    const workers = Array.from({ length: CALLERS }, (_, id) => caller(id));

    await waitUntil("100 writes while healthy", () => phase.ok > 100);
    const healthy = phase;
    expect(healthy.ok).toBeGreaterThan(100);

    phase = { calls: 0, ok: 0, maxMs: 0 };
    await server.kill();
    const killedAt = performance.now();
    const down = phase;
    await waitUntil(
      "every caller to fail and the breaker to open and reject",
      () => down.calls > CALLERS && breaker.stats().opened >= 1 && breaker.stats().rejected > 0,
    );
    expect(down.calls).toBeGreaterThan(CALLERS);
    expect(down.maxMs).toBeLessThanOrEqual(settleBoundMs());
    expect(breaker.stats().opened).toBeGreaterThanOrEqual(1);
    expect(breaker.stats().rejected).toBeGreaterThan(0);
    // Writes that reached nothing after the kill report false (only the first instants may succeed).
    expect(down.ok).toBeLessThan(down.calls);
    expect(lastOkAt - killedAt).toBeLessThan(COMMAND_TIMEOUT_MS);
    const counted = cache.errorCounts();
    expect(Object.keys(counted).length).toBeGreaterThan(0);
    for (const code of Object.keys(counted)) expect(code).toMatch(/^(REDIS_|CIRCUIT_OPEN)/);

    phase = { calls: 0, ok: 0, maxMs: 0 };
    await server.restart();
    const restartedAt = performance.now();
    await waitUntil("a write after the restart", () => phase.ok > 0, { intervalMs: 10 });
    const recoveryMs = lastOkAt - restartedAt;
    expect(phase.ok).toBeGreaterThan(0);
    expect(recoveryMs).toBeLessThan(RECOVERY_LIMIT_MS);
    await waitUntil("the breaker to close", () => breaker.state === "closed");
    expect(breaker.state).toBe("closed");
    expect(phase.maxMs).toBeLessThanOrEqual(settleBoundMs());

    running = false;
    await Promise.all(workers);
    await cache.close();
    console.log(
      `faults: healthy ${healthy.calls} calls; down ${down.calls} calls, max ${down.maxMs.toFixed(1)} ms, ` +
        `breaker ${JSON.stringify(breaker.stats())}; recovered ${recoveryMs.toFixed(0)} ms after restart; ` +
        `errors ${JSON.stringify(counted)}`,
    );
  }, 180_000); // state waits inside, each up to STATE_DEADLINE_MS

  it("without the breaker every call still settles within the command timeout + 50 ms; offline queue is bounded", async () => {
    const backend = RedisBackend.fromConfig(
      { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${server.url}/0` },
      {
        commandTimeoutMs: COMMAND_TIMEOUT_MS,
        connectTimeoutMs: 300,
        reconnectMaxDelayMs: 100,
        maxOfflineQueue: 20,
      },
    );
    expect(await backend.set("warm", new Uint8Array([1]), 0)).toBe(true);
    await server.kill();
    const settled = await Promise.all(
      Array.from({ length: CALLERS }, async () => {
        const t0 = performance.now();
        const code = await backend.get("warm").then(
          () => "ok",
          (e: { code?: string }) => e.code ?? "none",
        );
        return { code, ms: performance.now() - t0 };
      }),
    );
    for (const s of settled) expect(s.ms).toBeLessThanOrEqual(settleBoundMs());
    const codes = new Set(settled.map((s) => s.code));
    for (const c of codes) expect(c).toMatch(/^REDIS_(CONNECTION|COMMAND_TIMEOUT|OFFLINE_QUEUE_FULL)$/);
    expect(backend.stats().connectionErrors).toBeGreaterThan(0);
    await server.restart();
    // Until the client has reconnected a write fails; that is the state waited for.
    await waitUntil(
      "a write after the restart",
      () => backend.set("warm", new Uint8Array([2]), 0).catch(() => false),
      { intervalMs: 20 },
    );
    expect(await backend.get("warm")).toEqual(new Uint8Array([2]));
    await backend.close();
    await expect(backend.get("warm")).rejects.toMatchObject({ code: "REDIS_CLOSED" });
  }, 180_000); // state waits inside, each up to STATE_DEADLINE_MS
});
