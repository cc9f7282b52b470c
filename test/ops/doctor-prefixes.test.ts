/**
 * The doctor warns when a configured CACHE_KEY_PREFIX matches no keys while a prefix one separator
 * away does (`superset_data_` configured, `superset_data…` stored), or when every key under it
 * continues with the same separator; names the real port in its fixes; and prints no fix for
 * inventory findings.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CacheManager } from "#src/manager/cache-manager.js";
import { doctor } from "#src/ops/doctor.js";
import { diagnose } from "#src/ops/doctor-checks.js";
import { nearPrefixes, PrefixProbe } from "#src/ops/doctor-prefixes.js";
import type { RedisFacts } from "#src/ops/doctor-types.js";
import { RedisServer } from "#test/helpers/redis-server.js";

let server: RedisServer;
beforeAll(async () => {
  server = await RedisServer.start({ label: "doctor-prefixes" });
  for (let i = 0; i < 3; i++) server.cli(["SET", `superset_data${"ab".repeat(8)}${i}`, "x"]);
  server.cli(["SET", "superset_meta_1", "x"]);
});
afterAll(async () => {
  await server?.stop();
});

function manager(dataPrefix: string): CacheManager {
  return new CacheManager({
    CACHE_CONFIG: {
      CACHE_TYPE: "RedisCache",
      CACHE_REDIS_URL: server.url,
      CACHE_KEY_PREFIX: "superset_meta_",
    },
    DATA_CACHE_CONFIG: {
      CACHE_TYPE: "RedisCache",
      CACHE_REDIS_URL: server.url,
      CACHE_KEY_PREFIX: dataPrefix,
    },
    FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
    EXPLORE_FORM_DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
  });
}

describe("doctor(manager): a prefix one separator off", () => {
  it("superset_data_ configured, superset_data… stored: PREFIX_NEAR_MISS names both", async () => {
    const m = manager("superset_data_");
    try {
      const [report] = await doctor(m, { evictionWindowMs: 0 });
      const miss = report!.findings.find((f) => f.id === "PREFIX_NEAR_MISS");
      expect(miss?.severity).toBe("warning");
      expect(miss?.title).toContain('DATA_CACHE_CONFIG.CACHE_KEY_PREFIX "superset_data_"');
      expect(miss?.detail).toContain('3 keys start with "superset_data"');
      // CACHE_CONFIG's prefix matches its key: no warning for it.
      expect(report!.findings.filter((f) => f.id === "PREFIX_NEAR_MISS")).toHaveLength(1);
    } finally {
      await m.close();
    }
  });

  it("the matching prefix gets no warning", async () => {
    const m = manager("superset_data");
    try {
      const [report] = await doctor(m, { evictionWindowMs: 0 });
      expect(report!.findings.map((f) => f.id)).not.toContain("PREFIX_NEAR_MISS");
    } finally {
      await m.close();
    }
  });
});

describe("PrefixProbe", () => {
  it("near prefixes drop or swap the trailing separator", () => {
    expect(nearPrefixes("superset_data_")).toEqual([
      "superset_data",
      "superset_data:",
      "superset_data-",
      "superset_data.",
    ]);
    expect(nearPrefixes("superset")).toEqual([]);
  });

  it("every key continuing with one separator means the prefix in use is longer", () => {
    const probe = new PrefixProbe([
      { prefix: "superset_data", role: "cache", cacheName: "DATA_CACHE_CONFIG" },
    ]);
    for (const k of ["superset_data_1", "superset_data_2"]) probe.note(0, k);
    expect(probe.matches).toEqual([
      {
        prefix: "superset_data",
        cacheName: "DATA_CACHE_CONFIG",
        keys: 2,
        near: { prefix: "superset_data_", keys: 2 },
      },
    ]);
    probe.note(0, "superset_dataff00");
    expect(probe.matches[0]!.near).toBeUndefined();
  });

  it("a near prefix that is another cache's configured prefix is not a near miss", () => {
    const probe = new PrefixProbe([
      { prefix: "app_", role: "cache", cacheName: "DATA_CACHE_CONFIG" },
      { prefix: "app", role: "cache", cacheName: "CACHE_CONFIG" },
    ]);
    probe.note(0, "appx");
    expect(probe.matches.find((m) => m.cacheName === "DATA_CACHE_CONFIG")!.near).toBeUndefined();
  });
});

describe("doctor findings text", () => {
  const base: RedisFacts = {
    url: "redis://10.0.0.9:7517/0",
    host: "127.0.0.1",
    tls: false,
    info: { tcp_port: "7517" },
    config: {
      maxmemory: "4294967296",
      "maxmemory-policy": "allkeys-lru",
      save: "",
      appendonly: "no",
      bind: "0.0.0.0",
      port: "7517",
    },
    commandsEnabled: {},
    openWithoutAuth: false,
    groups: [{ db: 0, prefix: "superset_", role: "cache", keys: 1, bytes: 10, estimated: false }],
    keyspace: { 0: 1 },
  };
  it("PUBLIC_BIND names the port the server listens on, not 6379", () => {
    const bind = diagnose(base).find((f) => f.id === "PUBLIC_BIND");
    expect(bind?.fix).toContain("firewall port 7517");
    expect(bind?.fix).not.toContain("6379");
  });
  it("inventory findings carry no fix", () => {
    const group = diagnose(base).find((f) => f.id === "KEY_GROUP");
    expect(group?.fix).toBe("");
  });
});
