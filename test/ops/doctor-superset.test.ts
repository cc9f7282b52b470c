/**
 * The doctor's Superset rules against real redis-servers seeded with what Superset, Celery and
 * Flask-Caching write: Celery results without expiry, memoize versions / metadata lists /
 * qc- entries without TTL, async-event streams, one Redis for cache + broker + sessions; a
 * clean server stays quiet; and the config lint for a NullCache data cache, through a manager and
 * through `superset-cache doctor --config`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { run } from "#src/cli/main.js";
import { CacheManager } from "#src/manager/cache-manager.js";
import { doctor } from "#src/ops/doctor.js";
import { lintSupersetConfig } from "#src/ops/doctor-superset-checks.js";
import { keyFamilyOf } from "#src/ops/doctor-superset-keys.js";
import { RedisServer } from "#test/helpers/redis-server.js";

const servers: RedisServer[] = [];
beforeAll(async () => {
  servers.push(
    await RedisServer.start({ label: "doctor-superset" }),
    await RedisServer.start({ label: "doctor-clean" }),
  );
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});
const HEX64 = "a".repeat(64);
const ids = (findings: { id: string }[]) => findings.map((f) => f.id);

describe("doctor: Superset's keys", () => {
  it("flags piling Celery results, keys without TTL, event streams and one Redis for everything", async () => {
    const s = servers[0]!;
    for (let i = 0; i < 3; i++) s.cli(["SETEX", `celery-task-meta-ok${i}`, "600", "{}"]);
    for (let i = 0; i < 2; i++) s.cli(["SET", `celery-task-meta-forever${i}`, "{}"]);
    s.cli(["SET", "superset_db:3:catalog:None:schema:public:table_list", "x"]);
    s.cli(["SETEX", "superset_superset.views.base.cached_common_bootstrap_data_memver", "60", "x"]);
    s.cli(["SET", `superset_qc-${HEX64}`, "x"]);
    s.cli(["SETEX", `superset_ejr-${"b".repeat(32)}`, "60", "x"]);
    for (let i = 0; i < 3; i++) s.cli(["XADD", "async-events-full", "*", "data", "{}"]);
    for (const ch of ["c1", "c2", "c3", "c4"]) s.cli(["XADD", `async-events-${ch}`, "*", "data", "{}"]);
    s.cli(["SET", "session:abc", "x"]);
    s.cli(["LPUSH", "celery", "m"]);
    const r = await doctor(s.url, { evictionWindowMs: 0, maxCeleryResults: 3, maxAsyncEventStreams: 2 });
    const byId = Object.fromEntries(r.findings.map((f) => [f.id, f]));
    expect(byId.CELERY_RESULTS_PILING_UP?.detail).toMatch(
      /^5 celery-task-meta-\* keys, 2 of those sampled never expire/,
    );
    expect(byId.KEYS_WITHOUT_TTL?.detail).toContain("1 of 1 sampled Superset's memoized_func database lists");
    expect(byId.KEYS_WITHOUT_TTL?.detail).toContain("1 of 1 sampled async chart-data query contexts");
    expect(byId.KEYS_WITHOUT_TTL?.detail).not.toContain("memoize (");
    expect(byId.KEYS_WITHOUT_TTL?.detail).not.toContain("explore_json");
    expect(byId.ASYNC_EVENT_STREAMS_PILING_UP).toMatchObject({ severity: "warning" });
    expect(byId.ASYNC_EVENT_STREAMS_PILING_UP?.detail).toMatch(
      /^4 channel streams \(longest async-events-c\d: 1 events\), async-events-full: 3 events/,
    );
    expect(byId.CACHE_BROKER_SESSIONS_ONE_REDIS).toMatchObject({ severity: "warning" });
    // Under the default limits the same streams are inventory only.
    const relaxed = await doctor(s.url, { evictionWindowMs: 0 });
    expect(ids(relaxed.findings)).toContain("ASYNC_EVENT_STREAMS");
    expect(ids(relaxed.findings)).not.toContain("ASYNC_EVENT_STREAMS_PILING_UP");
    expect(relaxed.findings.find((f) => f.id === "CELERY_RESULTS_PILING_UP")?.detail).toContain(
      "2 of those sampled",
    );
  });

  it("a server whose Superset keys all expire and that holds caches only raises none of them", async () => {
    const s = servers[1]!;
    s.cli(["SETEX", "superset_db:1:catalog_list", "600", "x"]);
    s.cli(["SETEX", `superset_qc-${HEX64}`, "600", "x"]);
    s.cli(["SETEX", "celery-task-meta-1", "600", "{}"]);
    const r = await doctor(s.url, { evictionWindowMs: 0 });
    for (const id of [
      "CELERY_RESULTS_PILING_UP",
      "KEYS_WITHOUT_TTL",
      "CACHE_BROKER_SESSIONS_ONE_REDIS",
      "ASYNC_EVENT_STREAMS",
    ])
      expect(ids(r.findings)).not.toContain(id);
  });

  it("key families are recognised behind any prefix and nothing else is", () => {
    expect(keyFamilyOf("p_db:12:schema:x:table_list")).toBe("metadata list");
    expect(keyFamilyOf("db:1:catalog:c:schema:s:materialized_view_list")).toBe("metadata list");
    expect(keyFamilyOf("tenant:celery-task-meta-1")).toBe("celery result");
    expect(keyFamilyOf(`superset_ejr-${"c".repeat(32)}`)).toBe("ejr-");
    expect(keyFamilyOf("superset_qc-short")).toBeUndefined();
    expect(keyFamilyOf("adb:1:table_list")).toBeUndefined();
  });
});

describe("config lint", () => {
  it("DATA_CACHE_CONFIG left as NullCache beside a Redis CACHE_CONFIG, in every spelling", () => {
    const redis = { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: "redis://h/0" };
    for (const data of [
      undefined,
      { CACHE_TYPE: "NullCache" },
      { CACHE_TYPE: "null" },
      { CACHE_TYPE: "flask_caching.backends.nullcache.NullCache" },
    ])
      expect(
        ids(lintSupersetConfig({ CACHE_CONFIG: redis, ...(data ? { DATA_CACHE_CONFIG: data } : {}) })),
      ).toEqual(["DATA_CACHE_NULL_WITH_REDIS_CACHE"]);
    expect(lintSupersetConfig({ CACHE_CONFIG: redis, DATA_CACHE_CONFIG: redis })).toEqual([]);
    expect(lintSupersetConfig({ CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" } })).toEqual([]);
  });

  it("superset-cache doctor --config adds the lint to the Redis findings", async () => {
    const dir = mkdtempSync(join(tmpdir(), "superset-cache-doctor-"));
    const file = join(dir, "superset.json");
    writeFileSync(
      file,
      JSON.stringify({ CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: servers[1]!.url } }),
    );
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    try {
      const code = await run([
        "doctor",
        "--config",
        file,
        "--url",
        servers[1]!.url,
        "--window-ms",
        "0",
        "--json",
      ]);
      expect(code).not.toBe(0);
    } finally {
      spy.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
    const report = JSON.parse(out.join("")) as { status: string; findings: { id: string }[] };
    expect(ids(report.findings)).toContain("DATA_CACHE_NULL_WITH_REDIS_CACHE");
    expect(report.status).not.toBe("ok");
  });

  it("doctor(manager) reports it with the Redis that holds CACHE_CONFIG", async () => {
    const url = `${servers[1]!.url}/2`;
    const manager = new CacheManager({
      CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: url },
      FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      EXPLORE_FORM_DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
    });
    try {
      const [report] = await doctor(manager, { evictionWindowMs: 0 });
      expect(ids(report!.findings)).toContain("DATA_CACHE_NULL_WITH_REDIS_CACHE");
      expect(report!.status).not.toBe("ok");
    } finally {
      await manager.close();
    }
  });
});
