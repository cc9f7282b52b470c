/**
 * The example test from docs/testing.md, kept runnable so the documented usage stays true.
 */
import { describe, expect, it } from "vitest";
import type { CacheManager } from "#src/manager/cache-manager.js";
import { createInMemoryCacheManager } from "#src/testing/index.js";

/** Stand-in for the user's code under test (docs: `warmChart` from ../src/warm.js). */
async function warmChart(
  manager: CacheManager,
  o: { chartId: number; timeoutSeconds: number },
): Promise<void> {
  await manager.dataCache.set(`chart:${o.chartId}`, { rows: [[1, 2]] }, o.timeoutSeconds);
}

describe("docs/testing.md example", () => {
  it("stores chart data for the chart's timeout and lets it expire", async () => {
    const manager = createInMemoryCacheManager();
    await warmChart(manager, { chartId: 42, timeoutSeconds: 600 });
    expect(await manager.dataCache.has("chart:42")).toBe(true);

    manager.clock.advanceSeconds(601);
    expect(await manager.dataCache.get("chart:42")).toBeUndefined();
    await manager.close();
  });

  it("config entries replace the in-memory defaults, validated like CacheManager", () => {
    const m = createInMemoryCacheManager({ DATA_CACHE_CONFIG: { CACHE_TYPE: "NullCache" } });
    expect(m.dataCache.config?.CACHE_TYPE).toBe("NullCache");
    expect(m.filterStateCache.config).toMatchObject({
      CACHE_TYPE: "SimpleCache",
      CACHE_DEFAULT_TIMEOUT: 7_776_000,
    });
    expect(() => createInMemoryCacheManager({ DATA_CACHE_CONFIG: { CACHE_TYPE: "Nope" } })).toThrowError(
      expect.objectContaining({ code: "CONFIG_UNKNOWN_CACHE_TYPE" }),
    );
  });
});
