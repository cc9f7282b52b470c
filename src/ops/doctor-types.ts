/** Types and constants of the Redis doctor (see doctor.ts). */

/** How urgent a finding is. `critical`: will break Superset; `warning`: risky; `info`: for the record. */
export type Severity = "critical" | "warning" | "info";

/** One thing the doctor noticed, with what to do about it. */
export interface Finding {
  /** Stable identifier, e.g. `NOEVICTION_WITH_CACHES`. */
  id: string;
  severity: Severity;
  title: string;
  /** What was observed (numbers included). */
  detail: string;
  /** What to change; empty for inventory findings (nothing to do). */
  fix: string;
}

/** The part a key group plays for Superset. */
export type RedisRole = "cache" | "results" | "sessions" | "broker" | "other";

/** Keys found under one prefix in one database. */
export interface KeyGroup {
  db: number;
  /** The prefix matched, e.g. `superset_` or `_kombu.`. */
  prefix: string;
  role: RedisRole;
  /** Named cache this prefix belongs to, when known (manager targets), e.g. `DATA_CACHE_CONFIG`. */
  cacheName?: string;
  /** Keys counted (exact when the scan completed, else an estimate from the sampled share). */
  keys: number;
  /** Bytes from MEMORY USAGE (exact sum, or the sampled average times `keys`). */
  bytes: number;
  /** `true` when `keys`/`bytes` are extrapolated from a partial scan or sample. */
  estimated: boolean;
}

/** A prefix the doctor should classify (from a manager's caches, or the defaults). */
export interface KnownPrefix {
  prefix: string;
  role: RedisRole;
  cacheName?: string;
  /** Database the prefix lives in (default: any). */
  db?: number;
}

/** How the keys matched one named cache's configured prefix (see doctor-prefixes.ts). */
export interface PrefixMatch {
  prefix: string;
  cacheName: string;
  db?: number;
  /** Scanned keys starting with `prefix`. */
  keys: number;
  /** A prefix one separator away that the keys use instead, with its key count. */
  near?: { prefix: string; keys: number };
}

/** Deployment sizes from the Superset operations guidance, maxmemory in bytes. */
export const SIZING_TABLE = [
  { tier: "dev", maxmemoryBytes: 256 * 1024 ** 2 },
  { tier: "50 users", maxmemoryBytes: 1024 ** 3 },
  { tier: "500 users", maxmemoryBytes: 4 * 1024 ** 3 },
  { tier: "multi-tenant", maxmemoryBytes: 8 * 1024 ** 3 },
] as const;

export type SizingTier = (typeof SIZING_TABLE)[number]["tier"];

export interface DoctorOptions {
  /** Expected deployment size; memory is checked against its row of {@link SIZING_TABLE}. Default none (no sizing finding beyond the dev minimum). */
  tier?: SizingTier;
  /** Keys SCANned per database at most (default 10000). */
  maxScanKeys?: number;
  /** Keys per group measured with MEMORY USAGE (default 100). */
  memorySampleKeys?: number;
  /** Wait between two INFO readings to see evictions rising, MILLISECONDS (default 1000; 0 = one reading). */
  evictionWindowMs?: number;
  /** Reads below this hit ratio are flagged (default 0.9), once there are `minReadsForHitRatio` reads. */
  minHitRatio?: number;
  /** Reads (hits + misses) needed before the hit ratio is judged (default 1000). */
  minReadsForHitRatio?: number;
  /** Connect/command timeout, MILLISECONDS (default 3000). */
  timeoutMs?: number;
  /** Prefixes to classify in addition to the built-in Superset/Celery/Flask-Session ones. */
  prefixes?: KnownPrefix[];
  /** `celery-task-meta-*` keys above this many are flagged (default 10000). */
  maxCeleryResults?: number;
  /** Async-event channel streams above this many are flagged (default 1000). */
  maxAsyncEventStreams?: number;
  /** `GLOBAL_ASYNC_QUERIES_REDIS_STREAM_PREFIX` (default `async-events-`). */
  asyncEventsPrefix?: string;
}

/** Families of keys Superset, Flask-Caching and Celery write that matter for their lifetime. */
export type KeyFamily = "celery result" | "memoize version" | "metadata list" | "qc-" | "ejr-";

/** Keys of one family in one database, with a TTL sample. */
export interface KeyFamilyFacts {
  db: number;
  family: KeyFamily;
  /** Keys seen by the (possibly partial) scan. */
  keys: number;
  /** Keys whose TTL was read. */
  sampled: number;
  /** Sampled keys with no expiry (TTL -1). */
  withoutTtl: number;
  /** One key of the family, for the report. */
  example: string;
}

/** One Redis stream of Superset's async-query events. */
export interface AsyncEventStreamFacts {
  db: number;
  key: string;
  /** XLEN. */
  length: number;
}

export const DOCTOR_DEFAULTS = {
  maxCeleryResults: 10_000,
  maxAsyncEventStreams: 1000,
  asyncEventsPrefix: "async-events-",
  maxScanKeys: 10_000,
  memorySampleKeys: 100,
  evictionWindowMs: 1000,
  minHitRatio: 0.9,
  minReadsForHitRatio: 1000,
  timeoutMs: 3000,
} as const;

/** What the doctor could read; fields are undefined when the server refused (e.g. CONFIG renamed). */
export interface RedisFacts {
  url: string;
  host: string;
  tls: boolean;
  info: Record<string, string>;
  /** INFO again after `evictionWindowMs` (undefined when the window is 0). */
  infoLater?: Record<string, string>;
  /** CONFIG GET results, or undefined when CONFIG was denied/renamed. */
  config?: Record<string, string>;
  configError?: string;
  /** Commands present under their own name (COMMAND INFO non-null). */
  commandsEnabled: Record<string, boolean | undefined>;
  /** `true` when a connection without credentials could PING. */
  openWithoutAuth: boolean | undefined;
  groups: KeyGroup[];
  /** Databases with keys: db -> key count from INFO keyspace. */
  keyspace: Record<number, number>;
  /** Celery results, memoize versions, metadata lists, qc-/ejr- entries found by the scan. */
  keyFamilies?: KeyFamilyFacts[];
  /** Async-event streams found by the scan (at most 200 are measured). */
  asyncEventStreams?: AsyncEventStreamFacts[];
  /** Per named cache's prefix: keys matched, and a near prefix the keys use instead. */
  prefixMatches?: PrefixMatch[];
}

export interface DoctorReport {
  url: string;
  /** Redis version from INFO. */
  version: string | undefined;
  /** `true` when CONFIG GET worked. */
  configReadable: boolean;
  findings: Finding[];
  groups: KeyGroup[];
  /** Highest severity found, or `ok`. */
  status: Severity | "ok";
}
