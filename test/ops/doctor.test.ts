/**
 * doctor() against real redis-server processes: one configured with each pitfall (the doctor
 * must find it) and a well-configured one (the doctor must stay quiet). Servers are ours, on
 * free loopback ports, stopped by pid.
 */
import { afterAll, describe, expect, it } from "vitest";
import { CacheManager } from "#src/manager/cache-manager.js";
import { doctor } from "#src/ops/doctor.js";
import { diagnose } from "#src/ops/doctor-checks.js";
import type { DoctorReport, RedisFacts } from "#src/ops/doctor-types.js";
import { RedisServer } from "#test/helpers/redis-server.js";

const servers: RedisServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});
async function start(config: string[]): Promise<RedisServer> {
  const s = await RedisServer.start({ config, label: "doctor" });
  servers.push(s);
  return s;
}
const ids = (r: DoctorReport) =>
  r.findings
    .filter((f) => f.severity !== "info")
    .map((f) => f.id)
    .sort();
const PASSWORD = "doctor-secret";

describe("doctor finds each pitfall", () => {
  it("noeviction with caches, no maxmemory, no auth, dangerous commands, roles sharing db0 without persistence, low hit ratio", async () => {
    const s = await start(["maxmemory-policy noeviction"]);
    s.cli(["SET", "superset_abc", "x"]);
    s.cli(["SET", "superset_results_q1", "y"]);
    s.cli(["SET", "session:123", "z"]);
    s.cli(["LPUSH", "celery", "task"]);
    s.cli(["SET", "_kombu.binding.celery", "b"]);
    for (let i = 0; i < 30; i++) s.cli(["GET", `missing_${i}`]);
    const r = await doctor(s.url, { evictionWindowMs: 0, minReadsForHitRatio: 20 });
    expect(r.configReadable).toBe(true);
    expect(ids(r)).toEqual(
      [
        "CACHE_BROKER_SESSIONS_ONE_REDIS",
        "DANGEROUS_COMMANDS",
        "LOW_HIT_RATIO",
        "NOEVICTION_WITH_CACHES",
        "NO_AUTH",
        "NO_MAXMEMORY",
        "NO_PERSISTENCE_FOR_SESSIONS",
        "ROLES_SHARE_DATABASE",
      ].sort(),
    );
    expect(r.status).toBe("critical");
    expect(r.findings[0]!.id).toBe("NOEVICTION_WITH_CACHES"); // most severe first
    const byPrefix = Object.fromEntries(r.groups.map((g) => [g.prefix, g]));
    expect(byPrefix.superset_).toMatchObject({ role: "cache", keys: 1, db: 0, estimated: false });
    expect(byPrefix.superset_results).toMatchObject({ role: "results", keys: 1 });
    expect(byPrefix["session:"]).toMatchObject({ role: "sessions", keys: 1 });
    expect(byPrefix.celery!.role).toBe("broker");
    expect(byPrefix.superset_!.bytes).toBeGreaterThan(0);
    // Every finding has a fix, except the inventory (nothing to do: no "fix: None" line).
    for (const f of r.findings) expect(f.fix.length > 10 || f.id === "KEY_GROUP").toBe(true);
    expect(r.findings.filter((f) => f.id === "KEY_GROUP").every((f) => f.fix === "")).toBe(true);
  });

  it("public bind, evictions rising, memory under the 50-users size (with a password, so no NO_AUTH)", async () => {
    const s = await start([
      `requirepass ${PASSWORD}`,
      "bind 0.0.0.0",
      "maxmemory 2mb",
      "maxmemory-policy allkeys-lru",
    ]);
    const url = `redis://:${PASSWORD}@127.0.0.1:${s.port}`;
    const value = "v".repeat(10_000);
    const fill = (from: number, n: number) => {
      const args = ["-a", PASSWORD, "--no-auth-warning", "MSET"];
      for (let i = from; i < from + n; i++) args.push(`superset_k${i}`, value);
      s.cli(args);
    };
    fill(0, 100); // 1 MB of 2 MB
    // Keep writing while the doctor observes, so evictions rise inside its window.
    let next = 100;
    const writer = setInterval(() => {
      fill(next, 50);
      next += 50;
    }, 100);
    const r = await doctor(url, { evictionWindowMs: 800, tier: "50 users" }).finally(() =>
      clearInterval(writer),
    );
    expect(r.url).not.toContain(PASSWORD);
    expect(ids(r)).toEqual(
      ["DANGEROUS_COMMANDS", "EVICTIONS_RISING", "MEMORY_UNDERSIZED", "PUBLIC_BIND"].sort(),
    );
    const group = r.groups.find((g) => g.prefix === "superset_");
    expect(group!.keys).toBeGreaterThan(20);
    expect(group!.keys).toBeLessThan(next);
  });

  it("degrades when CONFIG is renamed: reports CONFIG_UNREADABLE and still checks the rest", async () => {
    const s = await start(['rename-command CONFIG ""', "maxmemory 300mb", "maxmemory-policy noeviction"]);
    s.cli(["SET", "superset_x", "1"]);
    const r = await doctor(s.url, { evictionWindowMs: 0 });
    expect(r.configReadable).toBe(false);
    expect(r.findings.map((f) => f.id)).toContain("CONFIG_UNREADABLE");
    // maxmemory-policy and maxmemory come from INFO memory when CONFIG is gone.
    expect(ids(r)).toEqual(["DANGEROUS_COMMANDS", "NOEVICTION_WITH_CACHES", "NO_AUTH"].sort());
  });
});

describe("doctor is quiet on a well-configured cache Redis", () => {
  it("password, dangerous commands renamed, maxmemory + allkeys-lru, only caches, no persistence", async () => {
    const s = await start([
      `requirepass ${PASSWORD}`,
      'rename-command FLUSHALL ""',
      'rename-command FLUSHDB ""',
      "maxmemory 300mb",
      "maxmemory-policy allkeys-lru",
    ]);
    s.cli(["-a", PASSWORD, "--no-auth-warning", "SET", "superset_ok", "1"]);
    const r = await doctor(`redis://:${PASSWORD}@127.0.0.1:${s.port}`, { evictionWindowMs: 200 });
    expect(ids(r)).toEqual(["DANGEROUS_COMMANDS"]); // CONFIG itself is still enabled here
    const s2 = await start([
      `requirepass ${PASSWORD}`,
      'rename-command FLUSHALL ""',
      'rename-command FLUSHDB ""',
      'rename-command CONFIG ""',
      "maxmemory 300mb",
      "maxmemory-policy allkeys-lru",
    ]);
    s2.cli(["-a", PASSWORD, "--no-auth-warning", "SET", "superset_ok", "1"]);
    const quiet = await doctor(`redis://:${PASSWORD}@127.0.0.1:${s2.port}`, { evictionWindowMs: 200 });
    expect(ids(quiet)).toEqual([]);
    expect(quiet.status).toBe("ok");
  });

  it("doctor(manager) uses the manager's Redis and names its caches' prefixes", async () => {
    const s = await start(["maxmemory 300mb", "maxmemory-policy allkeys-lru"]);
    const m = new CacheManager({
      DATA_CACHE_CONFIG: {
        CACHE_TYPE: "RedisCache",
        CACHE_REDIS_URL: `${s.url}/1`,
        CACHE_KEY_PREFIX: "data_",
      },
      CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${s.url}/1`, CACHE_KEY_PREFIX: "meta_" },
      FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      EXPLORE_FORM_DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
    });
    try {
      await m.dataCache.set("chart", { a: 1 });
      await m.dataCache.set("chart2", { a: 2 });
      await m.cache.set("x", 1);
      const [r] = await doctor(m, { evictionWindowMs: 0 });
      const named = Object.fromEntries(r!.groups.map((g) => [g.cacheName ?? g.prefix, g]));
      expect(named.DATA_CACHE_CONFIG).toMatchObject({ db: 1, prefix: "data_", keys: 2, role: "cache" });
      expect(named.CACHE_CONFIG).toMatchObject({ db: 1, prefix: "meta_", keys: 1 });
    } finally {
      await m.close();
    }
  });
});

describe("diagnose (pure rules)", () => {
  const base: RedisFacts = {
    url: "redis://cache.internal:6379",
    host: "cache.internal",
    tls: false,
    info: {},
    config: {
      maxmemory: "4294967296",
      "maxmemory-policy": "allkeys-lru",
      save: "",
      appendonly: "no",
      bind: "10.0.0.5",
    },
    commandsEnabled: {},
    openWithoutAuth: false,
    groups: [],
    keyspace: {},
  };
  it("TLS off for a remote host is flagged; rediss:// or loopback is not", () => {
    expect(diagnose(base).map((f) => f.id)).toEqual(["TLS_OFF_REMOTE"]);
    expect(diagnose({ ...base, tls: true })).toEqual([]);
    expect(diagnose({ ...base, host: "127.0.0.1" })).toEqual([]);
  });
  it("cache-only Redis with AOF gets an info note; sessions without persistence get a warning", () => {
    const cacheGroup = {
      db: 0,
      prefix: "superset_",
      role: "cache" as const,
      keys: 3,
      bytes: 100,
      estimated: false,
    };
    const aof = diagnose({
      ...base,
      host: "127.0.0.1",
      config: { ...base.config!, appendonly: "yes" },
      groups: [cacheGroup],
    });
    expect(aof.map((f) => f.id)).toContain("PERSISTENCE_FOR_CACHE_ONLY");
    const sessions = diagnose({
      ...base,
      host: "127.0.0.1",
      groups: [{ ...cacheGroup, prefix: "session:", role: "sessions" }],
    });
    expect(sessions.map((f) => f.id)).toContain("NO_PERSISTENCE_FOR_SESSIONS");
  });
  it("roles in different databases of one server: ROLES_SHARE_SERVER", () => {
    const g = { prefix: "x", keys: 1, bytes: 1, estimated: false };
    const r = diagnose({
      ...base,
      host: "127.0.0.1",
      groups: [
        { ...g, db: 0, role: "cache" },
        { ...g, db: 1, role: "broker" },
      ],
    });
    expect(r.map((f) => f.id)).toContain("ROLES_SHARE_SERVER");
    expect(r.map((f) => f.id)).not.toContain("ROLES_SHARE_DATABASE");
  });
});
