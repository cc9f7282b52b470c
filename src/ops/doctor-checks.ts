/**
 * The doctor's rules: pure functions from collected facts to findings (unit-testable without
 * a server). Each finding states what was seen and the fix.
 */

import { checkPrefixMatches } from "./doctor-prefixes.js";
import { checkSupersetKeys } from "./doctor-superset-checks.js";
import {
  DOCTOR_DEFAULTS,
  type DoctorOptions,
  type Finding,
  type RedisFacts,
  type RedisRole,
  SIZING_TABLE,
} from "./doctor-types.js";

const MIB = 1024 ** 2;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
const PUBLIC_BINDS = new Set(["0.0.0.0", "*", "::", "-::*", "::*"]);

function num(v: string | undefined): number | undefined {
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function rolesPresent(facts: RedisFacts): Map<RedisRole, Set<number>> {
  const out = new Map<RedisRole, Set<number>>();
  for (const g of facts.groups) {
    if (g.role === "other" || g.keys === 0) continue;
    let dbs = out.get(g.role);
    if (!dbs) {
      dbs = new Set();
      out.set(g.role, dbs);
    }
    dbs.add(g.db);
  }
  return out;
}

/** Every rule applied to `facts`, most severe first. */
export function diagnose(facts: RedisFacts, options: DoctorOptions = {}): Finding[] {
  const f: Finding[] = [];
  const info = facts.info;
  const config = facts.config;
  const roles = rolesPresent(facts);
  const cacheLike = roles.has("cache") || roles.has("results");
  const maxmemory = num(config?.maxmemory) ?? num(info.maxmemory);
  const policy = config?.["maxmemory-policy"] ?? info.maxmemory_policy;

  if (!config) {
    f.push({
      id: "CONFIG_UNREADABLE",
      severity: "info",
      title: "CONFIG GET is not permitted",
      detail: `CONFIG GET failed (${facts.configError ?? "unknown error"}); settings were read from INFO where it reports them, and the persistence, bind and password checks are limited.`,
      fix: "Nothing to fix if CONFIG is deliberately renamed or denied (that is good practice); run the doctor as an admin user for the full report.",
    });
  }
  if (policy === "noeviction" && cacheLike) {
    f.push({
      id: "NOEVICTION_WITH_CACHES",
      severity: "critical",
      title: "maxmemory-policy is noeviction while caches live here",
      detail:
        "When memory is full every cache write fails (OOM command not allowed) instead of evicting old entries.",
      fix: "CONFIG SET maxmemory-policy allkeys-lru (or volatile-lru when sessions/broker share this Redis), and persist it in redis.conf.",
    });
  }
  if (maxmemory === 0) {
    f.push({
      id: "NO_MAXMEMORY",
      severity: "warning",
      title: "No maxmemory limit",
      detail: "maxmemory is 0: Redis grows until the host runs out of memory and the kernel kills it.",
      fix: "Set maxmemory to the sizing table's value for this deployment (dev 256mb, 50 users 1gb, 500 users 4gb, multi-tenant 8gb+).",
    });
  }
  checkPersistence(facts, roles, f);
  checkSecurity(facts, f);
  checkSharing(roles, f);
  checkSupersetKeys(facts, roles, options, f);
  checkPrefixMatches(facts, f);
  checkSizing(maxmemory, options, f);
  checkHitRatioAndEvictions(facts, options, f);
  if (!facts.tls && !LOOPBACK_HOSTS.has(facts.host)) {
    f.push({
      id: "TLS_OFF_REMOTE",
      severity: "warning",
      title: "TLS is off for a remote host",
      detail: `${facts.host} is reached over plain TCP (redis://): cached query results and sessions cross the network unencrypted.`,
      fix: "Enable tls-port on the server and use rediss:// (CACHE_REDIS_URL) with the CA configured.",
    });
  }
  for (const g of facts.groups) {
    if (g.role === "other") continue;
    f.push({
      id: "KEY_GROUP",
      severity: "info",
      title: `${g.cacheName ?? g.role} keys under "${g.prefix}" in db ${g.db}`,
      detail: `${g.keys} keys, ${(g.bytes / MIB).toFixed(2)} MiB${g.estimated ? " (estimated from a sample)" : ""}.`,
      fix: "",
    });
  }
  const order = { critical: 0, warning: 1, info: 2 } as const;
  return f.sort((a, b) => order[a.severity] - order[b.severity]);
}

function checkPersistence(facts: RedisFacts, roles: Map<RedisRole, Set<number>>, f: Finding[]): void {
  const config = facts.config;
  const aof = (config?.appendonly ?? (facts.info.aof_enabled === "1" ? "yes" : "no")) === "yes";
  const rdb = config ? config.save !== undefined && config.save.trim() !== "" : undefined;
  const persistent = aof || rdb === true;
  if ((roles.has("sessions") || roles.has("broker")) && rdb !== undefined && !persistent) {
    f.push({
      id: "NO_PERSISTENCE_FOR_SESSIONS",
      severity: "warning",
      title: "Sessions or Celery broker keys live in a Redis without persistence",
      detail:
        "save is empty and appendonly is no: a restart logs every user out and drops queued Celery tasks.",
      fix: "Enable AOF (appendonly yes) or RDB snapshots, or move sessions/broker to a persistent Redis and keep caches on a non-persistent one.",
    });
  }
  const onlyCaches = roles.size > 0 && [...roles.keys()].every((r) => r === "cache" || r === "results");
  if (onlyCaches && persistent) {
    f.push({
      id: "PERSISTENCE_FOR_CACHE_ONLY",
      severity: "info",
      title: "Persistence is on for a cache-only Redis",
      detail: `appendonly=${aof ? "yes" : "no"}, save="${config?.save ?? "?"}": snapshots of cache data cost fork time and disk, and caches can be rebuilt.`,
      fix: 'Optional: save "" and appendonly no for cache-only instances (keep it if warm restarts matter).',
    });
  }
}

function checkSecurity(facts: RedisFacts, f: Finding[]): void {
  if (facts.openWithoutAuth === true) {
    f.push({
      id: "NO_AUTH",
      severity: "warning",
      title: "No password or ACL required",
      detail: "A client with no credentials could run commands.",
      fix: "Set requirepass or ACL users (ACL SETUSER superset on >secret ~* +@all -@dangerous) and put the password in CACHE_REDIS_URL.",
    });
  }
  const enabled = Object.entries(facts.commandsEnabled)
    .filter(([, on]) => on === true)
    .map(([name]) => name.toUpperCase());
  if (enabled.length > 0) {
    f.push({
      id: "DANGEROUS_COMMANDS",
      severity: "warning",
      title: "Dangerous commands are enabled",
      detail: `${enabled.join(", ")} can be called by this user: one mistaken call empties every cache, session and queue.`,
      fix: 'rename-command FLUSHALL "" (and FLUSHDB, CONFIG) in redis.conf, or an ACL user without -@dangerous for Superset.',
    });
  }
  const bind = facts.config?.bind;
  if (bind !== undefined) {
    const addresses = bind.split(/\s+/).filter(Boolean);
    if (addresses.length === 0 || addresses.some((a) => PUBLIC_BINDS.has(a))) {
      f.push({
        id: "PUBLIC_BIND",
        severity: facts.openWithoutAuth ? "critical" : "warning",
        title: "Redis listens on every interface",
        detail: `bind is "${bind}"${facts.config?.["protected-mode"] === "no" ? " and protected-mode is off" : ""}.`,
        fix: `bind 127.0.0.1 plus the private interface Superset uses; keep protected-mode yes; firewall port ${portOf(facts)}.`,
      });
    }
  }
}

/** The port the server listens on: CONFIG's `port`, else INFO's `tcp_port` (what clients connect to). */
function portOf(facts: RedisFacts): string {
  return facts.config?.port ?? facts.info.tcp_port ?? "6379";
}

function checkSharing(roles: Map<RedisRole, Set<number>>, f: Finding[]): void {
  const present = [...roles.entries()].filter(([r]) => r !== "other");
  if (present.length < 2) return;
  const byDb = new Map<number, RedisRole[]>();
  for (const [role, dbs] of present) for (const db of dbs) byDb.set(db, [...(byDb.get(db) ?? []), role]);
  const sameDb = [...byDb.entries()].filter(([, rs]) => rs.length > 1);
  f.push({
    id: sameDb.length > 0 ? "ROLES_SHARE_DATABASE" : "ROLES_SHARE_SERVER",
    severity: "warning",
    title:
      sameDb.length > 0 ? "Several roles share one Redis database" : "Several roles share one Redis server",
    detail:
      sameDb.length > 0
        ? sameDb.map(([db, rs]) => `db ${db}: ${rs.join(", ")}`).join("; ") +
          " — eviction and clear() of one role hit the others."
        : `${present.map(([r, dbs]) => `${r} (db ${[...dbs].join(",")})`).join(", ")} share memory and one eviction policy.`,
    fix: "Give caches their own Redis (allkeys-lru, no persistence) and keep sessions and the Celery broker on another (noeviction, AOF); at least use separate databases.",
  });
}

function checkSizing(maxmemory: number | undefined, options: DoctorOptions, f: Finding[]): void {
  if (!maxmemory) return;
  const wanted = options.tier ? SIZING_TABLE.find((s) => s.tier === options.tier) : SIZING_TABLE[0];
  if (wanted && maxmemory < wanted.maxmemoryBytes) {
    f.push({
      id: "MEMORY_UNDERSIZED",
      severity: options.tier ? "warning" : "info",
      title: `maxmemory is below the ${wanted.tier} size`,
      detail: `maxmemory is ${(maxmemory / MIB).toFixed(0)} MiB; the sizing table suggests ${(wanted.maxmemoryBytes / MIB).toFixed(0)} MiB for ${wanted.tier}.`,
      fix: `CONFIG SET maxmemory ${wanted.maxmemoryBytes} (dev 256 MB, 50 users 1 GB, 500 users 4 GB, multi-tenant 8 GB+).`,
    });
  }
}

function checkHitRatioAndEvictions(facts: RedisFacts, options: DoctorOptions, f: Finding[]): void {
  const hits = num(facts.info.keyspace_hits) ?? 0;
  const misses = num(facts.info.keyspace_misses) ?? 0;
  const minReads = options.minReadsForHitRatio ?? DOCTOR_DEFAULTS.minReadsForHitRatio;
  const minRatio = options.minHitRatio ?? DOCTOR_DEFAULTS.minHitRatio;
  if (hits + misses >= minReads && hits / (hits + misses) < minRatio) {
    f.push({
      id: "LOW_HIT_RATIO",
      severity: "warning",
      title: `Hit ratio under ${(minRatio * 100).toFixed(0)}%`,
      detail: `keyspace_hits ${hits}, keyspace_misses ${misses}: ${((hits / (hits + misses)) * 100).toFixed(1)}% since the server started (all roles together).`,
      fix: "Check timeouts (DATA_CACHE_CONFIG.CACHE_DEFAULT_TIMEOUT, per-chart cache_timeout), evictions and whether keys change on every request (time ranges like 'Last day' with now).",
    });
  }
  const before = num(facts.info.evicted_keys);
  const after = num(facts.infoLater?.evicted_keys);
  if (before !== undefined && after !== undefined && after > before) {
    f.push({
      id: "EVICTIONS_RISING",
      severity: "warning",
      title: "Keys are being evicted now",
      detail: `evicted_keys went from ${before} to ${after} during the observation window.`,
      fix: "Raise maxmemory, lower cache timeouts, or move other roles out of this Redis.",
    });
  } else if (before !== undefined && before > 0) {
    f.push({
      id: "EVICTIONS_SEEN",
      severity: "info",
      title: "Keys were evicted since the server started",
      detail: `evicted_keys is ${before}.`,
      fix: "Expected under allkeys-lru when full; raise maxmemory if hit ratio suffers.",
    });
  }
}
