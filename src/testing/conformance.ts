/**
 * A backend conformance suite (keyv test-suite style): the byte-level contract every
 * `CacheBackend` must honour, run inside the caller's vitest file.
 *
 *   import * as vitest from "vitest";
 *   import { runBackendConformance } from "superset-cache/testing";
 *   runBackendConformance("simple", ({ clock }) => new SimpleBackend({ clock }), { vitest });
 *
 * Time: backends that read the injected clock get expiry tests by default (the suite advances
 * the `FakeClock` it passes in). Backends on real time (Redis) pass `advance` (e.g. a real
 * sleep) or `advance: null` to skip those tests.
 */
import type { CacheBackend } from "../backends/backend.js";
import { FakeClock } from "./fake-clock.js";

/** What `makeBackend` receives. */
export interface ConformanceContext {
  /** The clock to build the backend with (a fresh one per test). */
  clock: FakeClock;
}

/**
 * The part of vitest the suite calls, written out so this package's types never name vitest
 * (a consumer type-checks them without vitest installed). The vitest module satisfies it.
 */
export interface ConformanceVitest {
  describe(name: string, body: () => void): void;
  it(name: string, body: (test: ConformanceTest) => Promise<void>): void;
  afterEach(hook: () => Promise<void>): void;
  expect(actual: unknown, message?: string): ConformanceAssertion;
}

/** The part of vitest's per-test context the suite calls. */
export interface ConformanceTest {
  /** Marks the running test skipped and stops it (throws). */
  skip(note?: string): void;
}

/** The matchers the suite uses. */
export interface ConformanceAssertion {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toBeUndefined(): void;
  toBeInstanceOf(expected: abstract new (...args: never[]) => unknown): void;
}

export interface ConformanceOptions {
  /** The vitest module (`import * as vitest from "vitest"`). */
  vitest: ConformanceVitest;
  /**
   * Move time forward by SECONDS. Default: advance the FakeClock from the context.
   * `null` skips the expiry tests.
   */
  advance?: ((seconds: number, ctx: ConformanceContext) => Promise<void> | void) | null;
  /**
   * What `delete` (and each `deleteMany` slot) of a missing key returns. Default false
   * (Simple, Redis); cachelib's FileSystemCache returns true.
   */
  deleteMissingReturns?: boolean;
  /** Prefix used for `clear(prefix)`; keys in the tests all start with it. Default `"conf:"`. */
  prefix?: string;
  /**
   * Which keys the backend can hold (default: every key). A key it cannot hold must read as a
   * miss and its `set` must return false (cachelib's Memcached key rule).
   */
  holdsKey?: (key: string) => boolean;
}

type Maker = (ctx: ConformanceContext) => CacheBackend | Promise<CacheBackend>;

const enc = new TextEncoder();

/** Register the conformance tests for one backend under `describe(name)`. */
export function runBackendConformance(name: string, makeBackend: Maker, options: ConformanceOptions): void {
  const { describe, it, expect, afterEach } = options.vitest;
  const p = options.prefix ?? "conf:";
  const advance =
    options.advance === undefined
      ? (s: number, ctx: ConformanceContext) => ctx.clock.advanceSeconds(s)
      : options.advance;
  const open: CacheBackend[] = [];
  const setup = async () => {
    const ctx = { clock: new FakeClock() };
    const backend = await makeBackend(ctx);
    open.push(backend);
    return { backend, ctx };
  };

  describe(`backend conformance: ${name}`, () => {
    afterEach(async () => {
      for (const b of open.splice(0)) await b.close();
    });

    it("misses an unknown key", async () => {
      const { backend } = await setup();
      expect(await backend.get(`${p}missing`)).toBeUndefined();
      expect(await backend.has(`${p}missing`)).toBe(false);
    });

    it("returns the exact bytes stored (empty, binary, 1 MiB)", async () => {
      const { backend } = await setup();
      const values = [
        new Uint8Array(0),
        Uint8Array.from([0, 255, 33, 128, 10]),
        new Uint8Array(1 << 20).fill(7),
      ];
      for (const [i, v] of values.entries()) {
        expect(await backend.set(`${p}bytes${i}`, v, 0)).toBe(true);
        const got = await backend.get(`${p}bytes${i}`);
        expect(got).toBeInstanceOf(Uint8Array);
        // Byte comparison via Buffer: deep equality over 1 MiB element by element takes seconds.
        expect(Buffer.compare(Buffer.from(got!), Buffer.from(v)), `value ${i} differs`).toBe(0);
      }
    });

    it("keeps keys exactly as given (unicode, spaces, slashes)", async () => {
      const { backend } = await setup();
      const keys = [`${p}héllo wörld`, `${p}a/b/../c`, `${p}日本🎉`, `${p}${"k".repeat(300)}`];
      const holds = options.holdsKey ?? (() => true);
      for (const [i, k] of keys.entries()) {
        const stored = await backend.set(k, enc.encode(String(i)), 0);
        if (!holds(k)) expect(stored).toBe(false);
      }
      for (const [i, k] of keys.entries())
        expect(await backend.get(k)).toEqual(holds(k) ? enc.encode(String(i)) : undefined);
    });

    it("overwrites on set", async () => {
      const { backend } = await setup();
      await backend.set(`${p}k`, enc.encode("one"), 0);
      await backend.set(`${p}k`, enc.encode("two"), 0);
      expect(await backend.get(`${p}k`)).toEqual(enc.encode("two"));
    });

    it("add stores only when absent", async () => {
      const { backend } = await setup();
      expect(await backend.add(`${p}a`, enc.encode("first"), 0)).toBe(true);
      expect(await backend.add(`${p}a`, enc.encode("second"), 0)).toBe(false);
      expect(await backend.get(`${p}a`)).toEqual(enc.encode("first"));
    });

    it("delete reports existing keys and removes them", async () => {
      const { backend } = await setup();
      await backend.set(`${p}d`, enc.encode("x"), 0);
      expect(await backend.delete(`${p}d`)).toBe(true);
      expect(await backend.get(`${p}d`)).toBeUndefined();
      expect(await backend.delete(`${p}d`)).toBe(options.deleteMissingReturns ?? false);
    });

    it("batch calls keep the caller's order", async () => {
      const { backend } = await setup();
      const stored = await backend.setMany([
        { key: `${p}m1`, value: enc.encode("1"), timeout: 0 },
        { key: `${p}m2`, value: enc.encode("2"), timeout: 0 },
      ]);
      expect(stored).toEqual([true, true]);
      expect(await backend.getMany([`${p}m2`, `${p}nope`, `${p}m1`])).toEqual([
        enc.encode("2"),
        undefined,
        enc.encode("1"),
      ]);
      expect(await backend.getMany([])).toEqual([]);
      expect(await backend.deleteMany([`${p}m1`, `${p}nope`, `${p}m2`])).toEqual([
        true,
        options.deleteMissingReturns ?? false,
        true,
      ]);
      expect(await backend.has(`${p}m1`)).toBe(false);
    });

    it("clear(prefix) removes the prefixed entries", async () => {
      const { backend } = await setup();
      await backend.set(`${p}c1`, enc.encode("1"), 0);
      await backend.set(`${p}c2`, enc.encode("2"), 0);
      await backend.clear(p);
      expect(await backend.getMany([`${p}c1`, `${p}c2`])).toEqual([undefined, undefined]);
    });

    it("incr, when offered, starts from 0 and adds", async (test) => {
      const { backend } = await setup();
      if (!backend.incr) return test.skip("this backend offers no incr");
      expect(Number(await backend.incr(`${p}n`, 5))).toBe(5);
      expect(Number(await backend.incr(`${p}n`, -2))).toBe(3);
    });

    it("close is idempotent", async () => {
      const { backend } = await setup();
      expect(await backend.close()).toBeUndefined();
      expect(await backend.close()).toBeUndefined();
    });

    if (advance !== null) {
      it("a positive timeout (seconds) expires; 0 never does", async () => {
        const { backend, ctx } = await setup();
        await backend.set(`${p}t2`, enc.encode("short"), 2);
        await backend.set(`${p}t0`, enc.encode("forever"), 0);
        await backend.add(`${p}ta`, enc.encode("added"), 2);
        expect(await backend.has(`${p}t2`)).toBe(true);
        await advance(3.5, ctx);
        expect(await backend.get(`${p}t2`)).toBeUndefined();
        expect(await backend.has(`${p}t2`)).toBe(false);
        expect(await backend.get(`${p}ta`)).toBeUndefined();
        expect(await backend.get(`${p}t0`)).toEqual(enc.encode("forever"));
      });

      it("setMany applies the timeout to every entry", async () => {
        const { backend, ctx } = await setup();
        await backend.setMany([
          { key: `${p}s1`, value: enc.encode("1"), timeout: 2 },
          { key: `${p}s2`, value: enc.encode("2"), timeout: 0 },
        ]);
        await advance(3.5, ctx);
        expect(await backend.getMany([`${p}s1`, `${p}s2`])).toEqual([undefined, enc.encode("2")]);
      });
    }
  });
}
