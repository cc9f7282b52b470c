/**
 * Prometheus exporter on prom-client (an optional peer dependency, imported lazily here only).
 * Counters per named cache come from `cache.stats()` at scrape time; latency histograms per
 * cache and operation are fed by the `superset-cache:operation` diagnostics channel; Redis
 * server gauges come from INFO at scrape time.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { readRedisInfo } from "../../backends/redis/info.js";
import type { Cache } from "../../cache/cache.js";
import { type CacheOperationEvent, OPERATION_CHANNEL_NAME } from "../../core/channels.js";
import { CacheConfigError } from "../../core/errors.js";
import type { CacheManager } from "../../manager/cache-manager.js";

/** Histogram buckets in SECONDS (Prometheus convention), 100 µs to 5 s. */
export const LATENCY_BUCKETS_SECONDS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];
const MS_PER_SECOND = 1000;

export interface PrometheusExporterOptions {
  /** Caches to export: a manager (all its named caches) or a list. */
  caches: CacheManager | readonly Cache[];
  /** Redis whose INFO feeds the server gauges (optional). */
  redisUrl?: string;
  /** prom-client Registry to register on (default: a new one). */
  registry?: import("prom-client").Registry;
  /** Metric name prefix. Default `superset_cache_`. */
  prefix?: string;
}

export interface PrometheusExporter {
  registry: import("prom-client").Registry;
  /** The exposition text (await it in an HTTP handler). */
  metrics(): Promise<string>;
  /** Content-Type for the exposition text. */
  contentType: string;
  /** Stop listening to cache events. */
  close(): void;
}

async function loadPromClient(): Promise<typeof import("prom-client")> {
  try {
    return await import("prom-client");
  } catch (err) {
    throw new CacheConfigError(
      "PROM_CLIENT_MISSING",
      "prometheus",
      "the Prometheus exporter needs the optional peer dependency prom-client: npm install prom-client",
      { cause: err },
    );
  }
}

/**
 * Create the exporter and register its metrics.
 * @throws CacheConfigError `PROM_CLIENT_MISSING` when prom-client is not installed
 */
export async function createPrometheusExporter(
  options: PrometheusExporterOptions,
): Promise<PrometheusExporter> {
  const prom = await loadPromClient();
  const registry = options.registry ?? new prom.Registry();
  const p = options.prefix ?? "superset_cache_";
  const caches = Array.isArray(options.caches)
    ? (options.caches as readonly Cache[])
    : Object.values((options.caches as CacheManager).namedCaches());
  const snapshots = () => caches.map((c) => c.stats()).filter((s) => s !== undefined);

  const counter = (
    name: string,
    help: string,
    pick: (s: NonNullable<ReturnType<Cache["stats"]>>) => number,
  ) =>
    new prom.Counter({
      name: `${p}${name}`,
      help,
      labelNames: ["cache"],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of snapshots()) this.inc({ cache: s.cache }, pick(s));
      },
    });
  counter("hits_total", "Keys found, per named cache", (s) => s.hits);
  counter("misses_total", "Keys not found or unreadable, per named cache", (s) => s.misses);
  counter("sets_total", "Entries stored, per named cache", (s) => s.sets);
  counter("deletes_total", "Keys deleted, per named cache", (s) => s.deletes);
  counter("read_bytes_total", "Value bytes read from the backend", (s) => s.bytesRead);
  counter("written_bytes_total", "Value bytes written to the backend", (s) => s.bytesWritten);
  new prom.Counter({
    name: `${p}errors_total`,
    help: "Failed operations by stable error code",
    labelNames: ["cache", "code"],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of snapshots())
        for (const [code, n] of Object.entries(s.errors)) this.inc({ cache: s.cache, code }, n);
    },
  });
  const latency = new prom.Histogram({
    name: `${p}operation_duration_seconds`,
    help: "Cache operation latency in seconds, by cache, operation and outcome",
    labelNames: ["cache", "operation", "outcome"],
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [registry],
  });
  const names = new Set(caches.map((c) => c.name));
  const onOperation = (message: unknown) => {
    const e = message as CacheOperationEvent;
    if (names.has(e.cache))
      latency.observe(
        { cache: e.cache, operation: e.operation, outcome: e.outcome },
        e.durationMs / MS_PER_SECOND,
      );
  };
  subscribe(OPERATION_CHANNEL_NAME, onOperation);

  if (options.redisUrl) registerRedisGauges(prom, registry, p, options.redisUrl);
  return {
    registry,
    contentType: registry.contentType,
    metrics: () => registry.metrics(),
    close: () => unsubscribe(OPERATION_CHANNEL_NAME, onOperation),
  };
}

/** Server gauges from one INFO per scrape (an unreachable Redis sets redis_up to 0). */
function registerRedisGauges(
  prom: typeof import("prom-client"),
  registry: import("prom-client").Registry,
  p: string,
  url: string,
): void {
  let latest: Promise<Record<string, string> | undefined> | undefined;
  // One INFO shared by all gauges of a scrape.
  const info = () => {
    latest ??= readRedisInfo(url)
      .catch(() => undefined)
      .finally(() => setTimeout(() => (latest = undefined), 0));
    return latest;
  };
  const gauge = (name: string, help: string, value: (i: Record<string, string>) => number) =>
    new prom.Gauge({
      name: `${p}${name}`,
      help,
      registers: [registry],
      async collect() {
        const i = await info();
        if (i) this.set(value(i));
      },
    });
  const n = (i: Record<string, string>, k: string) => Number(i[k] ?? 0);
  new prom.Gauge({
    name: `${p}redis_up`,
    help: "1 when the last INFO succeeded",
    registers: [registry],
    async collect() {
      this.set((await info()) ? 1 : 0);
    },
  });
  gauge("redis_used_memory_bytes", "Redis used_memory", (i) => n(i, "used_memory"));
  gauge("redis_maxmemory_bytes", "Redis maxmemory (0 = unlimited)", (i) => n(i, "maxmemory"));
  gauge("redis_evicted_keys", "Redis evicted_keys since start", (i) => n(i, "evicted_keys"));
  gauge("redis_connected_clients", "Redis connected_clients", (i) => n(i, "connected_clients"));
  gauge("redis_hit_ratio", "keyspace_hits / (hits + misses) since start (0 before any read)", (i) => {
    const h = n(i, "keyspace_hits");
    const m = n(i, "keyspace_misses");
    return h + m === 0 ? 0 : h / (h + m);
  });
}
