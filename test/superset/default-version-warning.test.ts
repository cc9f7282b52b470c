/**
 * No `supersetVersion` anywhere: the 6.1 default applies (sha256 keys), and the process is told
 * once, since an older Superset would never read those keys.
 */
import { expect, it } from "vitest";
import { CacheManager } from "#src/manager/cache-manager.js";
import { QueryCacheManager } from "#src/superset/chart-data.js";
import { queryObjectCacheKey } from "#src/superset/query-object-key.js";

const QUERY_OBJECT = { datasource: { id: 1, type: "table" }, columns: ["a"], metrics: ["count"] };
const CONFIG = {
  DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
  FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
  EXPLORE_FORM_DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
};

it("warns once (SUPERSET_VERSION_DEFAULT) when no supersetVersion is set anywhere", async () => {
  const warnings: (Error & { code?: string })[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on("warning", onWarning);
  try {
    // Set on the manager: no warning.
    const pinned = new CacheManager(CONFIG, { supersetVersion: "6.1" });
    QueryCacheManager.forManager(pinned);
    expect(queryObjectCacheKey(QUERY_OBJECT, pinned.keyOptions)).toHaveLength(64);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((w) => w.code === "SUPERSET_VERSION_DEFAULT")).toHaveLength(0);
    // Set nowhere: one warning, however many calls.
    const unpinned = new CacheManager(CONFIG);
    QueryCacheManager.forManager(unpinned);
    expect(queryObjectCacheKey(QUERY_OBJECT, unpinned.keyOptions)).toHaveLength(64);
    queryObjectCacheKey(QUERY_OBJECT);
    await new Promise((resolve) => setImmediate(resolve));
    const ours = warnings.filter((w) => w.code === "SUPERSET_VERSION_DEFAULT");
    expect(ours).toHaveLength(1);
    expect(ours[0]?.message).toMatch(/6\.1.*sha256/);
  } finally {
    process.off("warning", onWarning);
  }
});
