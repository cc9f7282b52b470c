/**
 * Reads what the doctor needs from one Redis, read-only: INFO, CONFIG GET (when permitted),
 * COMMAND INFO for dangerous commands, an unauthenticated PING, and a bounded SCAN with
 * MEMORY USAGE samples. Every refused command degrades to "unknown" instead of failing.
 */
import { Redis } from "ioredis";
import { clientAddress, RedisConnectionWatch } from "../backends/redis/connection-watch.js";
import { parseInfo } from "../backends/redis/info.js";
import { parseRedisUrl } from "../backends/redis/url.js";
import { PrefixProbe } from "./doctor-prefixes.js";
import { SupersetKeyScan } from "./doctor-superset-keys.js";
import {
  DOCTOR_DEFAULTS,
  type DoctorOptions,
  type KeyGroup,
  type KnownPrefix,
  type RedisFacts,
} from "./doctor-types.js";

/** Prefixes Superset deployments commonly use, longest match wins. */
export const BUILTIN_PREFIXES: readonly KnownPrefix[] = [
  { prefix: "superset_results", role: "results" },
  { prefix: "superset_", role: "cache" },
  { prefix: "flask_cache_", role: "cache" },
  { prefix: "session:", role: "sessions" },
  { prefix: "_kombu.", role: "broker" },
  { prefix: "unacked", role: "broker" },
  { prefix: "celery-task-meta-", role: "broker" },
  { prefix: "async-events-", role: "cache" },
  { prefix: "celery", role: "broker" },
];

const CONFIG_KEYS = [
  "maxmemory",
  "maxmemory-policy",
  "save",
  "appendonly",
  "requirepass",
  "bind",
  "protected-mode",
  "tls-port",
  "port",
];
const DANGEROUS_COMMANDS = ["flushdb", "flushall", "config"];
const SCAN_BATCH = 500;

/** `db0:keys=3,expires=1,avg_ttl=0` fields → { 0: 3 }. */
export function keyspaceOf(info: Record<string, string>): Record<number, number> {
  const out: Record<number, number> = {};
  for (const [k, v] of Object.entries(info)) {
    const m = /^db(\d+)$/.exec(k);
    const keys = /keys=(\d+)/.exec(v);
    if (m && keys) out[Number(m[1])] = Number(keys[1]);
  }
  return out;
}

/** The known prefix `key` starts with (longest first), if any. */
export function classify(key: string, db: number, prefixes: readonly KnownPrefix[]): KnownPrefix | undefined {
  let best: KnownPrefix | undefined;
  for (const p of prefixes) {
    if (p.db !== undefined && p.db !== db) continue;
    if (key.startsWith(p.prefix) && (!best || p.prefix.length > best.prefix.length)) best = p;
  }
  return best;
}

function connect(url: string, timeoutMs: number, withAuth: boolean): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: true,
    retryStrategy: () => null,
    ...(withAuth ? {} : { username: undefined, password: undefined }),
  });
  // Errors surface on the awaited command; an unhandled 'error' event would crash the process.
  client.on("error", () => {});
  return client;
}

/**
 * Connect `client` (lazyConnect, no retries): resolves when ready, rejects on the first connection
 * error (refused, WRONGPASS, the ready check timing out). ioredis's own `connect()` settles only
 * when it has closed the socket, seconds after a timeout.
 */
export function connectOrFail(client: Redis): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const fail = (err: unknown) => reject(err);
    client.once("error", fail);
    client.connect().then(
      () => {
        client.removeListener("error", fail);
        resolve();
      },
      (err: unknown) => {
        client.removeListener("error", fail);
        reject(err);
      },
    );
  });
}

async function tryOrUndefined<T>(run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch {
    return undefined;
  }
}

async function scanGroups(
  client: Redis,
  keyspace: Record<number, number>,
  prefixes: readonly KnownPrefix[],
  options: Required<Pick<DoctorOptions, "maxScanKeys" | "memorySampleKeys">>,
  supersetKeys: SupersetKeyScan,
  prefixProbe: PrefixProbe,
): Promise<KeyGroup[]> {
  const groups: KeyGroup[] = [];
  for (const [dbText, total] of Object.entries(keyspace)) {
    const db = Number(dbText);
    await client.select(db);
    const counts = new Map<string, { prefix: KnownPrefix | undefined; keys: number; sample: string[] }>();
    let cursor = "0";
    let scanned = 0;
    do {
      const [next, keys] = await client.scanBuffer(cursor, "COUNT", SCAN_BATCH);
      cursor = next.toString();
      for (const raw of keys) {
        const key = raw.toString("latin1");
        supersetKeys.note(db, key);
        prefixProbe.note(db, key);
        const p = classify(key, db, prefixes);
        const id = p?.prefix ?? "";
        let g = counts.get(id);
        if (!g) {
          g = { prefix: p, keys: 0, sample: [] };
          counts.set(id, g);
        }
        g.keys++;
        if (g.sample.length < options.memorySampleKeys) g.sample.push(key);
      }
      scanned += keys.length;
    } while (cursor !== "0" && scanned < options.maxScanKeys);
    const complete = cursor === "0";
    await supersetKeys.measure(client, db);
    for (const g of counts.values()) {
      let sampled = 0;
      for (const key of g.sample) {
        const bytes = await tryOrUndefined(() =>
          client.call("MEMORY", "USAGE", Buffer.from(key, "latin1"), "SAMPLES", "0"),
        );
        if (typeof bytes === "number") sampled += bytes;
      }
      const keys = complete ? g.keys : Math.round((g.keys / Math.max(1, scanned)) * total);
      const bytes =
        g.sample.length === g.keys && complete
          ? sampled
          : Math.round((sampled / Math.max(1, g.sample.length)) * keys);
      groups.push({
        db,
        prefix: g.prefix?.prefix ?? "",
        role: g.prefix?.role ?? "other",
        ...(g.prefix?.cacheName ? { cacheName: g.prefix.cacheName } : {}),
        keys,
        bytes,
        estimated: !complete || g.sample.length < g.keys,
      });
    }
  }
  return groups;
}

/**
 * Collect the facts for one Redis URL. Read-only: no command here writes or changes config.
 * @throws RedisBackendError (`REDIS_CONNECTION`, `REDIS_COMMAND_TIMEOUT`, `REDIS_AUTH_FAILED`, …) naming
 *   host:port when the server cannot be reached, does not answer in time or refuses INFO
 */
export async function collectRedisFacts(url: string, options: DoctorOptions = {}): Promise<RedisFacts> {
  const timeoutMs = options.timeoutMs ?? DOCTOR_DEFAULTS.timeoutMs;
  const client = connect(url, timeoutMs, true);
  const parsed = new URL(url);
  // Remembers why the connection failed, so refused, auth and timeout stay apart in the error.
  const watch = new RedisConnectionWatch({
    address: clientAddress(client),
    path: "doctor",
    secrets: parseRedisUrl(url, "url", 0).secrets,
  });
  watch.attach(client, () => {});
  try {
    await connectOrFail(client);
    const info = parseInfo(await client.info("everything"));
    let config: Record<string, string> | undefined;
    let configError: string | undefined;
    try {
      const reply = (await client.call("CONFIG", "GET", ...CONFIG_KEYS)) as string[];
      config = {};
      for (let i = 0; i + 1 < reply.length; i += 2) config[reply[i]!] = reply[i + 1]!;
    } catch (err) {
      configError = err instanceof Error ? err.message : String(err);
    }
    const commandsEnabled: Record<string, boolean | undefined> = {};
    const commandInfo = await tryOrUndefined(
      () => client.call("COMMAND", "INFO", ...DANGEROUS_COMMANDS) as Promise<unknown[]>,
    );
    DANGEROUS_COMMANDS.forEach((name, i) => {
      commandsEnabled[name] = commandInfo ? commandInfo[i] != null : undefined;
    });
    const keyspace = keyspaceOf(info);
    const prefixes = [...(options.prefixes ?? []), ...BUILTIN_PREFIXES];
    const memorySampleKeys = options.memorySampleKeys ?? DOCTOR_DEFAULTS.memorySampleKeys;
    const supersetKeys = new SupersetKeyScan(
      options.asyncEventsPrefix ?? DOCTOR_DEFAULTS.asyncEventsPrefix,
      memorySampleKeys,
    );
    const prefixProbe = new PrefixProbe(options.prefixes ?? []);
    const groups = await scanGroups(
      client,
      keyspace,
      prefixes,
      { maxScanKeys: options.maxScanKeys ?? DOCTOR_DEFAULTS.maxScanKeys, memorySampleKeys },
      supersetKeys,
      prefixProbe,
    );
    const windowMs = options.evictionWindowMs ?? DOCTOR_DEFAULTS.evictionWindowMs;
    let infoLater: Record<string, string> | undefined;
    if (windowMs > 0) {
      await new Promise((r) => setTimeout(r, windowMs));
      infoLater = parseInfo(await client.info("stats"));
    }
    const openWithoutAuth = await probeWithoutAuth(url, timeoutMs);
    return {
      url,
      host: parsed.hostname,
      tls: parsed.protocol === "rediss:",
      info,
      ...(infoLater ? { infoLater } : {}),
      ...(config ? { config } : {}),
      ...(configError ? { configError } : {}),
      commandsEnabled,
      openWithoutAuth,
      groups,
      keyspace,
      keyFamilies: supersetKeys.keyFamilies,
      asyncEventStreams: supersetKeys.asyncEventStreams,
      prefixMatches: prefixProbe.matches,
    };
  } catch (err) {
    throw watch.error(err, "doctor");
  } finally {
    client.disconnect();
  }
}

/** Can a client with no credentials PING? undefined when the server could not be reached at all. */
async function probeWithoutAuth(url: string, timeoutMs: number): Promise<boolean | undefined> {
  const u = new URL(url);
  u.username = "";
  u.password = "";
  const anon = connect(u.toString(), timeoutMs, false);
  try {
    await anon.connect();
    return (await anon.ping()) === "PONG";
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return /NOAUTH|WRONGPASS|NOPERM/i.test(message) ? false : undefined;
  } finally {
    anon.disconnect();
  }
}
