/**
 * Server-side history for the overview charts: every `intervalSeconds` the sampler reads INFO of
 * each Redis server the caches use and keeps the last `capacity` samples in a ring buffer. Rates
 * (hit ratio, evictions) are computed between two consecutive samples, so a chart shows what
 * happened in each interval rather than since the server started.
 */
import type { Redis } from "ioredis";
import { parseInfo } from "../backends/redis/info.js";

/** One reading of one server. */
export interface ServerSample {
  /** Milliseconds since the epoch. */
  t: number;
  opsPerSec: number;
  /** Hits / (hits + misses) during the interval since the previous sample; null without reads. */
  hitRatio: number | null;
  /** Hits / (hits + misses) since the server started; null without reads. */
  hitRatioTotal: number | null;
  /** p99 of GET in MICROSECONDS (INFO latencystats, Redis 7+); null when not reported. */
  p99GetUsec: number | null;
  usedMemoryBytes: number;
  /** 0 = no limit. */
  maxMemoryBytes: number;
  maxMemoryPolicy: string | null;
  /** Evicted keys since the server started. */
  evictedKeys: number;
  /** Keys evicted during the interval. */
  evictedInInterval: number;
  connectedClients: number;
  /** Keys per database from INFO keyspace. */
  keyspace: Record<number, number>;
  version: string | null;
}

export interface SamplerOptions {
  /** Seconds between readings (default {@link DEFAULT_SAMPLE_INTERVAL_SECONDS}). */
  intervalSeconds?: number;
  /** Samples kept per server (default {@link DEFAULT_SAMPLE_CAPACITY}). */
  capacity?: number;
}
/** SECONDS between two INFO readings. */
export const DEFAULT_SAMPLE_INTERVAL_SECONDS = 5;
/** Samples kept per server: 120 × 5 s = the last 10 minutes. */
export const DEFAULT_SAMPLE_CAPACITY = 120;

const num = (info: Record<string, string>, k: string): number => Number(info[k] ?? 0) || 0;

function p99Of(info: Record<string, string>): number | null {
  const m = /p99=([\d.]+)/.exec(info.latency_percentiles_usec_get ?? "");
  return m ? Number(m[1]) : null;
}

function keyspaceOf(info: Record<string, string>): Record<number, number> {
  const out: Record<number, number> = {};
  for (const [k, v] of Object.entries(info)) {
    const m = /^db(\d+)$/.exec(k);
    if (m) out[Number(m[1])] = Number(/keys=(\d+)/.exec(v)?.[1] ?? 0);
  }
  return out;
}

/** Turn two INFO readings into a sample (`previous` undefined for the first one). */
export function sampleOf(
  info: Record<string, string>,
  t: number,
  previous: { info: Record<string, string> } | undefined,
): ServerSample {
  const hits = num(info, "keyspace_hits");
  const misses = num(info, "keyspace_misses");
  const dh = previous ? hits - num(previous.info, "keyspace_hits") : hits;
  const dm = previous ? misses - num(previous.info, "keyspace_misses") : misses;
  const evicted = num(info, "evicted_keys");
  return {
    t,
    opsPerSec: num(info, "instantaneous_ops_per_sec"),
    hitRatio: dh + dm > 0 ? dh / (dh + dm) : null,
    hitRatioTotal: hits + misses > 0 ? hits / (hits + misses) : null,
    p99GetUsec: p99Of(info),
    usedMemoryBytes: num(info, "used_memory"),
    maxMemoryBytes: num(info, "maxmemory"),
    maxMemoryPolicy: info.maxmemory_policy ?? null,
    evictedKeys: evicted,
    evictedInInterval: previous ? Math.max(0, evicted - num(previous.info, "evicted_keys")) : 0,
    connectedClients: num(info, "connected_clients"),
    keyspace: keyspaceOf(info),
    version: info.redis_version ?? null,
  };
}

/** INFO (default sections) plus latencystats, which Redis 7 leaves out of the default. */
export async function readInfo(client: Redis): Promise<Record<string, string>> {
  const [base, latency] = await Promise.all([client.info(), client.info("latencystats").catch(() => "")]);
  return { ...parseInfo(base), ...parseInfo(latency) };
}

interface Series {
  samples: ServerSample[];
  lastInfo?: Record<string, string>;
  error?: string;
}

/** Samples servers on a timer; `history(id)` is oldest first. */
export class InfoSampler {
  readonly intervalSeconds: number;
  readonly capacity: number;
  readonly #series = new Map<string, Series>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly servers: ReadonlyMap<string, () => Redis>,
    options: SamplerOptions = {},
  ) {
    this.intervalSeconds = options.intervalSeconds ?? DEFAULT_SAMPLE_INTERVAL_SECONDS;
    this.capacity = options.capacity ?? DEFAULT_SAMPLE_CAPACITY;
    for (const id of servers.keys()) this.#series.set(id, { samples: [] });
  }

  /** Take one sample now, then one every interval. */
  async start(): Promise<void> {
    await this.sampleAll();
    this.#timer = setInterval(() => void this.sampleAll(), this.intervalSeconds * 1000);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** One reading of every server; a server that fails keeps its history and records the error. */
  async sampleAll(): Promise<void> {
    await Promise.all(
      [...this.servers].map(async ([id, client]) => {
        const s = this.#series.get(id) as Series;
        try {
          const info = await readInfo(client());
          const prev = s.lastInfo ? { info: s.lastInfo } : undefined;
          s.samples.push(sampleOf(info, Date.now(), prev));
          if (s.samples.length > this.capacity) s.samples.splice(0, s.samples.length - this.capacity);
          s.lastInfo = info;
          delete s.error;
        } catch (err) {
          s.error = (err as Error).message;
        }
      }),
    );
  }

  history(id: string): { samples: readonly ServerSample[]; error?: string } {
    const s = this.#series.get(id);
    return s ? { samples: s.samples, ...(s.error ? { error: s.error } : {}) } : { samples: [] };
  }
}
