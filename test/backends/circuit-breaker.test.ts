import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BackendEntry, CacheBackend } from "#src/backends/backend.js";
import { CIRCUIT_OPEN, CircuitBreakerBackend, type CircuitState } from "#src/backends/circuit-breaker.js";
import { RedisBackendError } from "#src/backends/redis/errors.js";
import { CacheConfigError } from "#src/core/errors.js";

class FakeClock {
  t = 1_000_000;
  now() {
    return this.t;
  }
}

/** A backend whose health the test flips; counts the calls that reach it. */
class FlakyBackend implements CacheBackend {
  readonly kind = "flaky";
  healthy = true;
  calls = 0;
  error: unknown = new RedisBackendError("REDIS_CONNECTION", "down", true);
  private run<T>(value: T): Promise<T> {
    this.calls++;
    return this.healthy ? Promise.resolve(value) : Promise.reject(this.error);
  }
  get(_k: string) {
    return this.run<Uint8Array | undefined>(undefined);
  }
  getMany(keys: readonly string[]) {
    return this.run(keys.map(() => undefined));
  }
  set(_k: string, _v: Uint8Array, _t: number) {
    return this.run(true);
  }
  setMany(entries: readonly BackendEntry[]) {
    return this.run(entries.map(() => true));
  }
  add() {
    return this.run(true);
  }
  delete() {
    return this.run(true);
  }
  deleteMany(keys: readonly string[]) {
    return this.run(keys.map(() => true));
  }
  has() {
    return this.run(false);
  }
  clear() {
    return this.run(true);
  }
  close() {
    return Promise.resolve();
  }
}

function setup(threshold = 3, coolDownMs = 1000) {
  const clock = new FakeClock();
  const inner = new FlakyBackend();
  const changes: [CircuitState, CircuitState][] = [];
  const breaker = new CircuitBreakerBackend(inner, {
    failureThreshold: threshold,
    coolDownMs,
    clock,
    onStateChange: (a, b) => changes.push([a, b]),
  });
  return { clock, inner, breaker, changes };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: { code?: string }) => e.code ?? "none",
  );

describe("CircuitBreakerBackend", () => {
  it("opens after N consecutive transient failures and then fails fast without calling the backend", async () => {
    const { inner, breaker, changes } = setup(3);
    inner.healthy = false;
    for (let i = 0; i < 3; i++) expect(await codeOf(breaker.get("k"))).toBe("REDIS_CONNECTION");
    expect(breaker.state).toBe("open");
    const before = inner.calls;
    expect(await codeOf(breaker.set("k", new Uint8Array(), 0))).toBe(CIRCUIT_OPEN);
    expect(await codeOf(breaker.getMany(["a"]))).toBe(CIRCUIT_OPEN);
    expect(inner.calls).toBe(before);
    expect(breaker.stats()).toMatchObject({ opened: 1, rejected: 2, failures: 3 });
    expect(changes).toEqual([["closed", "open"]]);
  });

  it("a success resets the consecutive count", async () => {
    const { inner, breaker } = setup(3);
    inner.healthy = false;
    await codeOf(breaker.get("k"));
    await codeOf(breaker.get("k"));
    inner.healthy = true;
    await breaker.get("k");
    inner.healthy = false;
    await codeOf(breaker.get("k"));
    await codeOf(breaker.get("k"));
    expect(breaker.state).toBe("closed");
  });

  it("half-open after the cool-down: one probe; success closes, failure re-opens for a new cool-down", async () => {
    const { clock, inner, breaker, changes } = setup(2, 500);
    inner.healthy = false;
    await codeOf(breaker.get("k"));
    await codeOf(breaker.get("k"));
    clock.t += 499;
    expect(await codeOf(breaker.get("k"))).toBe(CIRCUIT_OPEN);
    clock.t += 1;
    expect(breaker.state).toBe("half-open");
    // Probe fails: open again, cool-down restarts.
    expect(await codeOf(breaker.get("k"))).toBe("REDIS_CONNECTION");
    expect(breaker.state).toBe("open");
    clock.t += 400;
    expect(await codeOf(breaker.get("k"))).toBe(CIRCUIT_OPEN);
    clock.t += 100;
    inner.healthy = true;
    // While the probe is in flight, other callers still fail fast.
    const probe = breaker.get("k");
    expect(await codeOf(breaker.get("k2"))).toBe(CIRCUIT_OPEN);
    await probe;
    expect(breaker.state).toBe("closed");
    expect(await codeOf(breaker.get("k"))).toBe("ok");
    expect(changes).toEqual([
      ["closed", "open"],
      ["open", "half-open"],
      ["half-open", "open"],
      ["open", "half-open"],
      ["half-open", "closed"],
    ]);
    expect(breaker.stats().probes).toBe(2);
  });

  it("errors marked non-transient and config errors pass through without counting", async () => {
    const { inner, breaker } = setup(1);
    inner.healthy = false;
    inner.error = new RedisBackendError("REDIS_REPLY_ERROR", "WRONGTYPE", false);
    expect(await codeOf(breaker.get("k"))).toBe("REDIS_REPLY_ERROR");
    inner.error = new CacheConfigError("REDIS_CLEAR_REFUSED", "CACHE_CONFIG.CACHE_KEY_PREFIX", "no");
    expect(await codeOf(breaker.clear(""))).toBe("REDIS_CLEAR_REFUSED");
    expect(breaker.state).toBe("closed");
    expect(breaker.stats().failures).toBe(0);
  });

  it("offers incr only when the inner backend has it; a throwing observer is ignored", async () => {
    const inner = new FlakyBackend();
    const plain = new CircuitBreakerBackend(inner);
    expect(plain.incr).toBeUndefined();
    const withIncr = Object.assign(new FlakyBackend(), { incr: async (_k: string, d: number) => d });
    const b = new CircuitBreakerBackend(withIncr, {
      failureThreshold: 1,
      onStateChange: () => {
        throw new Error("observer bug");
      },
    });
    expect(await b.incr?.("k", 4)).toBe(4);
    withIncr.healthy = false;
    expect(await codeOf(b.get("k"))).toBe("REDIS_CONNECTION");
    expect(b.state).toBe("open");
  });

  it("offers setParts only when the inner backend has it, under the breaker like set", async () => {
    expect(new CircuitBreakerBackend(new FlakyBackend()).setParts).toBeUndefined();
    const written: Uint8Array[][] = [];
    const inner = Object.assign(new FlakyBackend(), {
      setParts(_k: string, parts: readonly Uint8Array[], _t: number) {
        written.push([...parts]);
        return inner.set(_k, parts[0]!, _t);
      },
    });
    const b = new CircuitBreakerBackend(inner, { failureThreshold: 1 });
    const parts = [Uint8Array.of(1), Uint8Array.of(2, 3)];
    expect(await b.setParts?.("k", parts, 0)).toBe(true);
    expect(written).toEqual([parts]);
    inner.healthy = false;
    expect(await codeOf(b.setParts!("k", parts, 0))).toBe("REDIS_CONNECTION");
    expect(b.state).toBe("open");
    expect(await codeOf(b.setParts!("k", parts, 0))).toBe("CIRCUIT_OPEN");
  });

  it("property: the backend is never called while open and inside the cool-down", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ healthy: fc.boolean(), advance: fc.integer({ min: 0, max: 400 }) }), {
          maxLength: 60,
        }),
        async (steps) => {
          const { clock, inner, breaker } = setup(3, 1000);
          for (const step of steps) {
            clock.t += step.advance;
            inner.healthy = step.healthy;
            const wasOpen = breaker.state === "open";
            const before = inner.calls;
            await codeOf(breaker.get("k"));
            if (wasOpen) expect(inner.calls).toBe(before);
            const s = breaker.stats();
            expect(s.consecutiveFailures).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
