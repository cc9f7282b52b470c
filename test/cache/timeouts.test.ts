/**
 * Non-integer timeouts are a caller bug: every write path refuses them with
 * `CacheArgumentError` `INVALID_TIMEOUT` before the backend is touched, under the fail-open
 * policy too, for every backend kind alike. Config timeouts must be whole seconds as well.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { BackendEntry, CacheBackend } from "#src/backends/backend.js";
import { Cache } from "#src/cache/cache.js";
import { CacheArgumentError } from "#src/cache/cache-errors.js";
import { PickleSerializer } from "#src/codecs/cachelib/pickle-serializer.js";
import { CacheConfigError } from "#src/core/errors.js";
import { createCache } from "#src/manager/create-cache.js";
import { FakeClock } from "#src/testing/index.js";

const dir = mkdtempSync(join(tmpdir(), "superset-cache-timeouts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BAD = [1.5, -0.25, Number.NaN, Number.POSITIVE_INFINITY, 1e-9];

const configs: [string, Record<string, unknown>][] = [
  ["NullCache", { CACHE_TYPE: "NullCache" }],
  ["SimpleCache", { CACHE_TYPE: "SimpleCache" }],
  ["FileSystemCache", { CACHE_TYPE: "FileSystemCache", CACHE_DIR: dir }],
];

/** Every write call that takes a timeout. */
const writes: [string, (c: Cache, t: number) => Promise<unknown>][] = [
  ["set", (c, t) => c.set("k", 1, t)],
  ["add", (c, t) => c.add("k", 1, t)],
  ["setMany", (c, t) => c.setMany({ k: 1 }, t)],
  ["setRaw", (c, t) => c.setRaw("k", new Uint8Array([1]), t)],
];

describe.each(configs)("%s (fail-open)", (_, config) => {
  const cache = createCache(config, { clock: new FakeClock() });

  it.each(writes)(
    "%s refuses fractional, NaN and infinite timeouts; nothing is written",
    async (_op, write) => {
      for (const t of BAD) {
        await expect(write(cache, t)).rejects.toMatchObject({ code: "INVALID_TIMEOUT" });
        await expect(write(cache, t)).rejects.toBeInstanceOf(CacheArgumentError);
      }
      expect(await cache.has("k")).toBe(false);
      expect(cache.errorCounts()).toEqual({});
    },
  );

  it("whole numbers (0, negative, large) and undefined/null are accepted", async () => {
    for (const t of [0, -1, 300, 2 ** 31, undefined, null]) {
      await expect(cache.set("ok", 1, t)).resolves.toBeTypeOf("boolean");
    }
  });
});

describe("the backend is never called with a bad timeout", () => {
  it("property: any non-integer number throws INVALID_TIMEOUT; integers reach the backend unchanged", async () => {
    const seen: number[] = [];
    const backend: CacheBackend = {
      kind: "recording",
      get: async () => undefined,
      getMany: async (keys) => keys.map(() => undefined),
      set: async (_k, _v, t) => {
        seen.push(t);
        return true;
      },
      add: async (_k, _v, t) => {
        seen.push(t);
        return true;
      },
      setMany: async (entries: readonly BackendEntry[]) =>
        entries.map((e) => {
          seen.push(e.timeout);
          return true;
        }),
      delete: async () => true,
      deleteMany: async (keys) => keys.map(() => true),
      has: async () => false,
      clear: async () => true,
      close: async () => {},
    };
    const cache = new Cache({ backend, serializer: new PickleSerializer() });
    await fc.assert(
      fc.asyncProperty(fc.double(), async (t) => {
        seen.length = 0;
        if (Number.isInteger(t)) {
          expect(await cache.set("k", 1, t)).toBe(true);
          expect(seen).toEqual([t]);
        } else {
          await expect(cache.set("k", 1, t)).rejects.toMatchObject({ code: "INVALID_TIMEOUT" });
          expect(seen).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("config timeouts are whole seconds", () => {
  it.each([
    [{ CACHE_TYPE: "SimpleCache", CACHE_DEFAULT_TIMEOUT: 1.5 }, "CACHE_CONFIG.CACHE_DEFAULT_TIMEOUT"],
    [
      { CACHE_TYPE: "SimpleCache", CACHE_OPTIONS: { default_timeout: 0.5 } },
      "CACHE_CONFIG.CACHE_OPTIONS.default_timeout",
    ],
  ])("%j → CONFIG_INVALID_VALUE at %s", (config, path) => {
    let error: unknown;
    try {
      createCache(config);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CacheConfigError);
    expect(error).toMatchObject({ code: "CONFIG_INVALID_VALUE", path });
  });
});

describe("a Cache built directly", () => {
  it("refuses a fractional defaultTimeout with INVALID_TIMEOUT", () => {
    const backend = {} as CacheBackend;
    expect(() => new Cache({ backend, serializer: new PickleSerializer(), defaultTimeout: 2.5 })).toThrow(
      expect.objectContaining({ code: "INVALID_TIMEOUT" }),
    );
    expect(new Cache({ backend, serializer: new PickleSerializer(), defaultTimeout: 0 }).defaultTimeout).toBe(
      0,
    );
  });
});
