/**
 * The Prometheus exporter served over HTTP, scraped with fetch and parsed (text exposition
 * format); cache counters must equal cache.stats(), histograms must count every operation,
 * and the Redis gauges must match the INFO of a real redis-server.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrometheusExporter, type PrometheusExporter } from "#src/integrations/prometheus/index.js";
import { CacheManager } from "#src/manager/cache-manager.js";
import { RedisServer } from "#test/helpers/redis-server.js";

/** Parse exposition text: `name{labels} value` lines → list of samples. */
function parse(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparseable line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

let server: RedisServer;
let manager: CacheManager;
let exporter: PrometheusExporter;
let http: Server;
let url: string;

beforeAll(async () => {
  server = await RedisServer.start({
    label: "prom",
    config: ["maxmemory 64mb", "maxmemory-policy allkeys-lru"],
  });
  manager = new CacheManager({
    DATA_CACHE_CONFIG: {
      CACHE_TYPE: "RedisCache",
      CACHE_REDIS_URL: server.url,
      CACHE_KEY_PREFIX: "superset_",
    },
    CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
    FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
    EXPLORE_FORM_DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
  });
  exporter = await createPrometheusExporter({ caches: manager, redisUrl: server.url });
  http = createServer((_req, res) => {
    exporter.metrics().then((body) => {
      res.setHeader("Content-Type", exporter.contentType);
      res.end(body);
    });
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/metrics`;
}, 30_000);

afterAll(async () => {
  exporter?.close();
  await new Promise((r) => http?.close(r));
  await manager?.close();
  await server?.stop();
});

describe("Prometheus exporter", () => {
  it("scraped counters equal cache.stats(); histograms count operations; Redis gauges match INFO", async () => {
    const d = manager.dataCache;
    await d.set("a", { rows: [1, 2, 3] });
    await d.set("b", "x");
    await d.get("a");
    await d.get("missing");
    await d.getMany(["a", "b", "c"]);
    await d.delete("b");
    await manager.cache.get("nothing");
    const res = await fetch(url);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const samples = parse(await res.text());
    const value = (name: string, labels: Record<string, string>) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        ?.value;
    const stats = d.stats()!;
    expect(value("superset_cache_hits_total", { cache: "DATA_CACHE_CONFIG" })).toBe(stats.hits);
    expect(stats.hits).toBe(3);
    expect(value("superset_cache_misses_total", { cache: "DATA_CACHE_CONFIG" })).toBe(2);
    expect(value("superset_cache_sets_total", { cache: "DATA_CACHE_CONFIG" })).toBe(2);
    expect(value("superset_cache_deletes_total", { cache: "DATA_CACHE_CONFIG" })).toBe(1);
    expect(value("superset_cache_read_bytes_total", { cache: "DATA_CACHE_CONFIG" })).toBe(stats.bytesRead);
    expect(value("superset_cache_misses_total", { cache: "CACHE_CONFIG" })).toBe(1);
    expect(
      value("superset_cache_operation_duration_seconds_count", {
        cache: "DATA_CACHE_CONFIG",
        operation: "get",
        outcome: "ok",
      }),
    ).toBe(2);
    expect(
      value("superset_cache_operation_duration_seconds_bucket", {
        cache: "DATA_CACHE_CONFIG",
        operation: "set",
        le: "+Inf",
      }),
    ).toBe(2);
    const info = Object.fromEntries(
      server
        .cli(["INFO", "memory"])
        .out.split(/\r?\n/)
        .map((l) => l.split(":")),
    );
    expect(value("superset_cache_redis_up", {})).toBe(1);
    expect(value("superset_cache_redis_maxmemory_bytes", {})).toBe(Number(info.maxmemory));
    expect(value("superset_cache_redis_used_memory_bytes", {})).toBeGreaterThan(0);
    expect(value("superset_cache_redis_connected_clients", {})).toBeGreaterThanOrEqual(1);
    const ratio = value("superset_cache_redis_hit_ratio", {})!;
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThan(1);
  });

  it("an unreachable Redis reads as redis_up 0 without failing the scrape", async () => {
    const e = await createPrometheusExporter({ caches: [], redisUrl: "redis://127.0.0.1:1" });
    const samples = parse(await e.metrics());
    expect(samples.find((s) => s.name === "superset_cache_redis_up")?.value).toBe(0);
    e.close();
  });
});
